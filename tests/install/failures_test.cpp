// The install-failure catalogue: parsing (real file and bad data) and the
// classifier against captured real installer output (tests/install/outputs/, how
// each was made: outputs/README.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "act/install.h"
#include "data/failures.h"
#include "data/store.h"
#include "host/host.h"
#include "host/scripted.h"

namespace torchup::data {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

FailureCatalogue embedded_catalogue() {
  auto fs = host::make_rooted_fs("/");
  DataStore store(*fs, StoreOptions{});
  auto catalogue = store.load<FailureCatalogue>("install-failures.json", parse_failure_catalogue);
  EXPECT_TRUE(catalogue.has_value()) << (catalogue ? "" : catalogue.error().message);
  return catalogue ? *catalogue : FailureCatalogue{};
}

std::vector<std::string> ids_of(const std::vector<FailureMatch>& matches) {
  std::vector<std::string> ids;
  for (const auto& match : matches) ids.push_back(match.kind->id);
  return ids;
}

TEST(InstallFailureCatalogue, EmbeddedCopyParsesEveryEntry) {
  auto catalogue = embedded_catalogue();
  EXPECT_GE(catalogue.kinds.size(), 40u);
  for (const char* id : {"pip-memoryerror", "pep668-externally-managed", "no-wheel-for-python-version",
                         "network-timeout", "hash-mismatch-truncated-download", "disk-space", "ssl-proxy"}) {
    const FailureKind* kind = catalogue.find(id);
    ASSERT_NE(kind, nullptr) << id;
    EXPECT_TRUE(kind->in_stage("install")) << id;
    EXPECT_FALSE(kind->fix.empty()) << id;
    EXPECT_EQ(kind->compiled.size(), kind->symptom_patterns.size());
  }
  EXPECT_EQ(catalogue.find("no-such-id"), nullptr);
}

// One captured output: the kind `torchup install` must act on (`expected_id`) and
// every install-stage kind whose patterns match it (overlaps are real: pip ends a
// failed index request with "from versions: none" whatever the cause).
struct CapturedCase {
  const char* file;
  const char* expected_id;
  std::set<std::string> matching;
};

class CapturedOutput : public ::testing::TestWithParam<CapturedCase> {};

TEST_P(CapturedOutput, ClassifiesRealInstallerOutput) {
  auto catalogue = embedded_catalogue();
  std::string text = read_text(std::string(TORCHUP_TEST_DIR) + "/install/outputs/" + GetParam().file);
  ASSERT_FALSE(text.empty()) << GetParam().file;
  auto ids = ids_of(classify_output(catalogue, text, {"install"}));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), GetParam().matching) << GetParam().file;
  EXPECT_NE(std::find(ids.begin(), ids.end(), GetParam().expected_id), ids.end())
      << GetParam().file << " not classified as " << GetParam().expected_id;
}

// The kind the install engine picks from the same output (what it retries, falls
// back or stops on): pip "prints" the captured text and fails.
TEST_P(CapturedOutput, InstallEngineActsOnExactlyItsKind) {
  auto catalogue = embedded_catalogue();
  std::string text = read_text(std::string(TORCHUP_TEST_DIR) + "/install/outputs/" + GetParam().file);
  ASSERT_FALSE(text.empty()) << GetParam().file;
  host::FakeMachine machine("/nonexistent-root");
  // The index these were captured from answered and listed torch files (for other
  // Pythons/versions): the engine's own look at the index must agree.
  machine.http().add("http://127.0.0.1:9/simple/torch/",
                     host::HttpResponse{200, "<a href=\"torch-2.12.0-cp39-cp39-manylinux_2_28_x86_64.whl\">", false, false, {}});
  act::InstallRequest request;
  request.plan.torch = "2.12.0";
  request.python = "/venv/bin/python";
  request.sources = {{"local", "http://127.0.0.1:9/simple", ""}};
  auto requirements = act::plan_requirements(request.plan);
  for (bool no_cache : {false, true}) {
    machine.runner().add_output(act::pip_install_argv(request.python, requirements, request.sources[0], no_cache),
                                text, 1);
  }
  auto outcome = act::run_install(machine.host(), catalogue, request, nullptr);
  EXPECT_FALSE(outcome.ok);
  EXPECT_EQ(outcome.failure_id.value_or("none"), GetParam().expected_id) << GetParam().file;
  EXPECT_EQ(outcome.state, "pip installed nothing; the environment of /venv/bin/python is unchanged");
}

INSTANTIATE_TEST_SUITE_P(
    InstallFailureCatalogue, CapturedOutput,
    ::testing::Values(
        CapturedCase{"pip-no-matching-distribution.txt", "no-wheel-for-python-version",
                     {"no-wheel-for-python-version"}},
        CapturedCase{"pip-no-matching-version.txt", "no-wheel-for-python-version", {"no-wheel-for-python-version"}},
        CapturedCase{"pip-requires-python.txt", "no-wheel-for-python-version", {"no-wheel-for-python-version"}},
        CapturedCase{"pip-pinned-local-version.txt", "pinned-local-version-not-found",
                     {"pinned-local-version-not-found", "no-wheel-for-python-version", "macos-intel-eol"}},
        CapturedCase{"pip-wheel-tag-mismatch.txt", "wheel-tag-mismatch", {"wheel-tag-mismatch"}},
        CapturedCase{"pip-hash-mismatch.txt", "hash-mismatch-truncated-download", {"hash-mismatch-truncated-download"}},
        CapturedCase{"pip-download-dropped-length.txt", "hash-mismatch-truncated-download",
                     {"hash-mismatch-truncated-download"}},
        CapturedCase{"pip-connection-dropped.txt", "network-timeout",
                     {"network-timeout", "no-wheel-for-python-version"}},
        CapturedCase{"pip-read-timeout.txt", "network-timeout", {"network-timeout", "no-wheel-for-python-version"}},
        CapturedCase{"pip-download-dropped-between-chunks.txt", "network-timeout", {"network-timeout"}},
        CapturedCase{"pip-download-dropped-mid-chunk.txt", "network-timeout", {"network-timeout"}},
        CapturedCase{"pip-download-stalled.txt", "network-timeout", {"network-timeout"}},
        CapturedCase{"pip-ssl-self-signed.txt", "ssl-proxy",
                     {"ssl-proxy", "network-timeout", "no-wheel-for-python-version"}},
        CapturedCase{"pip-proxy-unreachable.txt", "ssl-proxy",
                     {"ssl-proxy", "network-timeout", "no-wheel-for-python-version"}},
        CapturedCase{"pip-dns-failure.txt", "dns-failure",
                     {"dns-failure", "network-timeout", "no-wheel-for-python-version"}},
        CapturedCase{"pip-disk-full-injected.txt", "disk-space", {"disk-space"}},
        CapturedCase{"pip-memoryerror-injected.txt", "pip-memoryerror", {"pip-memoryerror"}},
        CapturedCase{"pip-memoryerror.txt", "pip-memoryerror", {"pip-memoryerror", "extra-index-precedence"}},
        CapturedCase{"pip-externally-managed.txt", "pep668-externally-managed", {"pep668-externally-managed"}}),
    [](const auto& param_info) {
      std::string name = param_info.param.file;
      name = name.substr(0, name.find('.'));
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

// Every install-stage kind the engine treats specially has a captured real output
// above; the rest of the catalogue cannot be produced on this machine (Windows,
// macOS, conda, uv) and is covered by the patterns' cited reports.
TEST(InstallFailureCatalogue, EveryKindTheEngineActsOnHasCapturedOutput) {
  auto catalogue = embedded_catalogue();
  std::set<std::string> captured;
  for (const auto& file : std::filesystem::directory_iterator(std::string(TORCHUP_TEST_DIR) + "/install/outputs")) {
    if (file.path().extension() != ".txt") continue;
    for (const auto& match : classify_output(catalogue, read_text(file.path().string()), {"install"})) {
      captured.insert(match.kind->id);
    }
  }
  for (const char* id : {"pep668-externally-managed", "pip-memoryerror", "disk-space", "ssl-proxy",
                         "hash-mismatch-truncated-download", "dns-failure", "network-timeout",
                         "pinned-local-version-not-found", "no-wheel-for-python-version", "wheel-tag-mismatch"}) {
    ASSERT_NE(catalogue.find(id), nullptr) << id;
    EXPECT_EQ(captured.count(id), 1u) << id << " has no captured output in tests/install/outputs";
  }
}

TEST(InstallFailureCatalogue, CleanInstallOutputMatchesNothingFatal) {
  auto catalogue = embedded_catalogue();
  std::string ok =
      "Looking in indexes: http://127.0.0.1:1/simple\nCollecting torch\n"
      "Installing collected packages: torch\nSuccessfully installed torch-2.12.0\n";
  auto ids = ids_of(classify_output(catalogue, ok, {"install"}));
  for (const char* bad : {"pip-memoryerror", "network-timeout", "hash-mismatch-truncated-download",
                          "no-wheel-for-python-version", "pep668-externally-managed"}) {
    EXPECT_EQ(std::find(ids.begin(), ids.end(), bad), ids.end()) << bad;
  }
}

TEST(InstallFailureCatalogue, FailureAfterMegabytesOfProgressIsFound) {
  // A long, verbose install (pip -v prints a line per request) that ends in the
  // MemoryError: the tail is what carries the failure.
  auto catalogue = embedded_catalogue();
  std::string text = read_text(std::string(TORCHUP_TEST_DIR) + "/install/outputs/pip-memoryerror-injected.txt");
  std::string noise;
  while (noise.size() < (3u << 20)) noise += "  Downloading torch-2.12.0-cp311-cp311-manylinux_2_28_x86_64.whl (12.3 MB)\n";
  auto ids = ids_of(classify_output(catalogue, noise + text, {"install"}));
  EXPECT_NE(std::find(ids.begin(), ids.end(), "pip-memoryerror"), ids.end());
}

TEST(InstallFailureCatalogue, StageFilterKeepsOnlyThatStage) {
  auto catalogue = embedded_catalogue();
  std::string text = "RuntimeError: CUDA unknown error\nMemoryError\n";
  auto runtime = ids_of(classify_output(catalogue, text, {"runtime"}));
  EXPECT_NE(std::find(runtime.begin(), runtime.end(), "cuda-unknown-error-after-suspend"), runtime.end());
  EXPECT_EQ(std::find(runtime.begin(), runtime.end(), "pip-memoryerror"), runtime.end());
  auto all = ids_of(classify_output(catalogue, text));
  EXPECT_NE(std::find(all.begin(), all.end(), "pip-memoryerror"), all.end());
}

struct BadCatalogue {
  const char* text;
  const char* expected_fragment;
};

class BadCatalogueText : public ::testing::TestWithParam<BadCatalogue> {};

TEST_P(BadCatalogueText, IsAParseErrorNamingFileAndField) {
  auto parsed = parse_failure_catalogue(GetParam().text);
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().kind, ErrorKind::kParse);
  EXPECT_NE(parsed.error().message.find("install-failures.json"), std::string::npos) << parsed.error().message;
  EXPECT_NE(parsed.error().message.find(GetParam().expected_fragment), std::string::npos) << parsed.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    InstallFailureCatalogue, BadCatalogueText,
    ::testing::Values(
        BadCatalogue{"not json", "not valid JSON"}, BadCatalogue{"{}", "array"}, BadCatalogue{"[]", "no entries"},
        BadCatalogue{"[1]", "must be an object"},
        BadCatalogue{R"([{"stage":"install","cause":"c","fix":"f","symptom_patterns":["x"]}])", "'id'"},
        BadCatalogue{R"([{"id":"a","stage":"install","cause":"c","fix":"f","symptom_patterns":[]}])",
                     "'symptom_patterns' must not be empty"},
        BadCatalogue{R"([{"id":"a","stage":"install","cause":"c","fix":"f","symptom_patterns":["(unclosed"]}])",
                     "not a valid regular expression"},
        BadCatalogue{R"([{"id":"a","stage":"install","cause":"c","fix":3,"symptom_patterns":["x"]}])",
                     "'fix' must be a string"},
        BadCatalogue{R"([{"id":"a","stage":"s","cause":"c","fix":"f","symptom_patterns":["x"]},)"
                     R"({"id":"a","stage":"s","cause":"c","fix":"f","symptom_patterns":["y"]}])",
                     "duplicate"},
        // The fuzzer's find: numbers std::regex would overflow on (back-reference, repeat count).
        BadCatalogue{R"([{"id":"a","stage":"install","cause":"c","fix":"f","symptom_patterns":["(a)\\4444444444444444444"]}])",
                     "has a pattern that has a back-reference over 2 digits"},
        BadCatalogue{R"([{"id":"a","stage":"install","cause":"c","fix":"f","symptom_patterns":["a{1,99999999999999}"]}])",
                     "has a pattern that has a repeat count over 1000"},
        BadCatalogue{R"([{"id":"a","stage":"install","cause":"c","fix":"f","symptom_patterns":["a{2000}"]}])",
                     "has a pattern that has a repeat count over 1000"}),
    [](const auto& param_info) { return "case" + std::to_string(param_info.index); });

}  // namespace
}  // namespace torchup::data
