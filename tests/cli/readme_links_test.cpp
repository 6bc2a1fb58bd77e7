// The README is read on a fresh clone (GitHub, a release tarball): every link in it
// must name a file inside the repository or a web address, never a path beside it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Readme, LinksStayInsideTheRepository) {
  const std::filesystem::path repo = std::filesystem::path(TORCHUP_TEST_DIR).parent_path();
  const std::string text = read(repo / "README.md");
  ASSERT_FALSE(text.empty());
  const std::regex link(R"(\]\(([^)\s]+)\))");
  int local = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it) {
    std::string target = (*it)[1];
    if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0 || target[0] == '#') continue;
    target = target.substr(0, target.find('#'));
    EXPECT_EQ(target.find(".."), std::string::npos) << target << " leaves the repository";
    EXPECT_TRUE(std::filesystem::exists(repo / target)) << target << " is not in the repository";
    ++local;
  }
  EXPECT_GE(local, 1) << "the JSON contract and the screenshots are linked";
  // Paths written as code count too: "see `../shared/...`" sends a reader outside.
  EXPECT_EQ(text.find("`../"), std::string::npos);
  EXPECT_EQ(text.find("(../"), std::string::npos);
}

}  // namespace
