// `torchup serve --profile FILE` checks the file at start (issue 14 part 3): a missing,
// empty or malformed profile exits 2 with the parse error, as `plan --profile` does,
// and the server never listens (no URL on stdout). The real binary, under a timeout:
// a server that starts anyway runs until the timeout kills it, which fails the test.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/run_binary.h"
#include "support/temp_dir.h"

namespace torchup {
namespace {

using testing::run_torchup;

struct Case {
  const char* name;
  const char* text;  // nullptr: the file does not exist
  const char* error;  // what stderr names
};

TEST(ServeCli, BadProfileExits2BeforeListening) {
  const Case cases[] = {
      {"missing.json", nullptr, "cannot read profile"},
      {"empty.json", "", "not valid JSON"},
      {"truncated.json", "{\"schema\": \"torchup.machine/1\", ", "not valid JSON"},
      {"wrong-field.json", "{\"schema\": \"torchup.machine/1\", \"gpus\": \"RTX 3090\"}", "$.gpus"},
  };
  testing::TempDir dir;
  for (const auto& c : cases) {
    if (c.text) dir.write(c.name, c.text);
    const std::string file = dir.str() + "/" + c.name;
    auto r = run_torchup({"serve", "--port", "0", "--profile", file}, {}, std::chrono::seconds(20));
    ASSERT_TRUE(r.started) << r.start_error;
    EXPECT_FALSE(r.timed_out) << c.name << ": the server started and ran until the timeout; stdout: " << r.out;
    EXPECT_EQ(r.exit_code, 2) << c.name << "\n" << r.err;
    EXPECT_EQ(r.out, "") << c.name << ": no URL, the server never listened";
    EXPECT_NE(r.err.find(c.error), std::string::npos) << c.name << "\n" << r.err;
    EXPECT_NE(r.err.find(file), std::string::npos) << c.name << ": names the file\n" << r.err;
    // The same words as `plan --profile` (one reader of profiles).
    auto plan = run_torchup({"plan", "--profile", file});
    EXPECT_EQ(plan.exit_code, r.exit_code) << c.name;
    EXPECT_EQ(plan.err, r.err) << c.name;
  }
}

}  // namespace
}  // namespace torchup
