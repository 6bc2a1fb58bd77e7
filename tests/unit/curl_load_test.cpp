// libcurl is loaded on the first HTTP request, not at start (host/curl_api.h): a
// command that downloads nothing maps neither libcurl nor OpenSSL, a missing libcurl
// is an error that names it, and the first request really loads it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "host/curl_api.h"
#include "host/host.h"

namespace torchup::host {
namespace {

TEST(CurlLoad, AMissingLibraryIsAnErrorNamingIt) {
  auto http = make_curl_http("libcurl-torchup-missing.so.4");
  HttpOptions options;
  auto got = http->get("http://127.0.0.1:9/", options);
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, ErrorKind::kEnvironment);
  EXPECT_NE(got.error().message.find("torchup needs libcurl-torchup-missing.so.4 (libcurl) to download"),
            std::string::npos)
      << got.error().message;
  EXPECT_NE(got.error().hint.find("apt install libcurl4"), std::string::npos) << got.error().hint;
  // The same client answers the same way again (loaded once, failed once).
  auto again = http->get("http://127.0.0.1:9/", options);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().message, got.error().message);
  // A refused URL is refused before anything is loaded.
  auto refused = http->get("http://example.com/", options);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, ErrorKind::kUsage);
}

std::string maps() {
  std::ifstream in("/proc/self/maps");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CurlLoad, TheFirstRequestLoadsIt) {
  auto http = make_curl_http();
  HttpOptions options;
  options.timeout = std::chrono::seconds(5);
  auto got = http->get("http://127.0.0.1:9/", options);  // the discard port: nothing listens
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().kind, ErrorKind::kNetwork) << got.error().message;
  EXPECT_NE(maps().find("libcurl"), std::string::npos);
}

// What the dynamic loader maps for a command (glibc's LD_DEBUG=files, on stderr).
std::string loaded_by(const std::vector<std::string>& args) {
  std::vector<std::string> argv{TORCHUP_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  auto runner = make_process_runner();
  RunOptions options;
  options.env["LD_DEBUG"] = "files";
  options.timeout = std::chrono::seconds(60);
  auto r = runner->run(argv, options);
  EXPECT_TRUE(r.ok()) << r.start_error << r.err.substr(0, 2000);
  return r.err;
}

TEST(CurlLoad, CommandsThatDownloadNothingLoadNoLibcurl) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--version"}, {"detect", "--json"}}) {
    auto libs = loaded_by(args);
    ASSERT_NE(libs.find("file=libc.so.6"), std::string::npos) << "LD_DEBUG did not report: " << libs.substr(0, 500);
    EXPECT_EQ(libs.find("libcurl"), std::string::npos) << args[0];
  }
}

}  // namespace
}  // namespace torchup::host
