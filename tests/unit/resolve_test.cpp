// The resolver's pure parts and its walk over canned index pages (act/resolve.h).
#include "act/resolve.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "host/scripted.h"

namespace torchup::act {
namespace {

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}
std::size_t pos(const std::vector<std::string>& v, const std::string& x) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

TargetFacts linux311() {
  TargetFacts f;
  f.python_version = "3.11.2";
  f.os_family = "linux";
  f.arch = "x86_64";
  f.glibc = "2.36";
  f.platform_release = "6.1.0";
  return f;
}

TEST(ResolveTags, LinuxCpythonFollowsPackagingsOrder) {
  auto t = make_target(linux311());
  ASSERT_FALSE(t.tags.empty());
  EXPECT_EQ(t.tags.front(), "cp311-cp311-manylinux_2_36_x86_64");
  for (const char* tag : {"cp311-cp311-manylinux_2_28_x86_64", "cp311-cp311-manylinux2014_x86_64",
                          "cp311-cp311-manylinux1_x86_64", "cp311-cp311-linux_x86_64",
                          "cp311-abi3-manylinux_2_17_x86_64", "cp39-abi3-manylinux_2_17_x86_64",
                          "py3-none-manylinux_2_17_x86_64", "py3-none-any", "py311-none-any"})
    EXPECT_TRUE(has(t.tags, tag)) << tag;
  EXPECT_FALSE(has(t.tags, "cp311-cp311-manylinux_2_37_x86_64"));  // newer glibc than the machine's
  EXPECT_FALSE(has(t.tags, "cp312-cp312-manylinux_2_28_x86_64"));
  EXPECT_LT(pos(t.tags, "cp311-cp311-manylinux_2_28_x86_64"),
            pos(t.tags, "cp311-abi3-manylinux_2_28_x86_64"));
  EXPECT_LT(pos(t.tags, "cp311-abi3-manylinux_2_28_x86_64"), pos(t.tags, "py3-none-any"));
  EXPECT_EQ(t.markers.at("python_version"), "3.11");
  EXPECT_EQ(t.markers.at("platform_system"), "Linux");
}

TEST(ResolveTags, FreeThreadedTakesOnlyItsOwnAbi) {
  auto f = linux311();
  f.python_version = "3.13.1";
  f.free_threaded = true;
  auto t = make_target(f);
  EXPECT_TRUE(has(t.tags, "cp313-cp313t-manylinux_2_28_x86_64"));
  EXPECT_FALSE(has(t.tags, "cp313-cp313-manylinux_2_28_x86_64"));
  EXPECT_FALSE(has(
      t.tags, "cp313-abi3-manylinux_2_28_x86_64"));  // abi3 does not load in a free-threaded build
}

TEST(ResolveTags, WindowsAndMacos) {
  TargetFacts w;
  w.python_version = "3.12.4";
  w.os_family = "windows";
  w.arch = "AMD64";
  auto tw = make_target(w);
  EXPECT_EQ(tw.tags.front(), "cp312-cp312-win_amd64");
  EXPECT_FALSE(has(tw.tags, "cp312-cp312-manylinux_2_28_x86_64"));
  EXPECT_EQ(tw.markers.at("sys_platform"), "win32");

  TargetFacts m;
  m.python_version = "3.12.4";
  m.os_family = "macos";
  m.arch = "arm64";
  m.macos = "14.5";
  auto tm = make_target(m);
  EXPECT_TRUE(has(tm.tags, "cp312-cp312-macosx_14_0_arm64"));
  EXPECT_TRUE(has(tm.tags, "cp312-cp312-macosx_11_0_arm64"));
  EXPECT_TRUE(has(tm.tags, "cp312-cp312-macosx_10_9_universal2"));
  EXPECT_FALSE(has(tm.tags, "cp312-cp312-macosx_15_0_arm64"));  // needs a newer macOS than 14.5
  EXPECT_FALSE(has(tm.tags, "cp312-cp312-macosx_10_9_x86_64"));
}

TEST(ResolveNames, WheelNamesAndNormalizedProjects) {
  EXPECT_EQ(normalize_name("Typing_Extensions"), "typing-extensions");
  EXPECT_EQ(normalize_name("nvidia.cuda__runtime-cu12"), "nvidia-cuda-runtime-cu12");
  auto w = parse_wheel_name("torch-2.12.0+cu126-cp311-cp311-manylinux_2_28_x86_64.whl");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->name, "torch");
  EXPECT_EQ(w->version, "2.12.0+cu126");
  EXPECT_EQ(w->tags, std::vector<std::string>{"cp311-cp311-manylinux_2_28_x86_64"});
  auto c = parse_wheel_name("six-1.16.0-py2.py3-none-any.whl");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->tags, (std::vector<std::string>{"py2-none-any", "py3-none-any"}));
  auto b =
      parse_wheel_name("pkg-1.0-1build-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->tags.size(), 2u);
  EXPECT_FALSE(parse_wheel_name("torch-2.12.0.tar.gz"));
  EXPECT_FALSE(parse_wheel_name("broken--py3-none-any.whl"));
}

TEST(ResolveSpecifiers, Pep440Clauses) {
  EXPECT_TRUE(
      satisfies("2.12.0+cu126", "==2.12.0"));  // a specifier without a local label ignores it
  EXPECT_FALSE(satisfies("2.12.0+cu126", "==2.12.0+cpu"));
  EXPECT_TRUE(satisfies("1.13.3", ">=1.13.3,!=1.14.*"));
  EXPECT_FALSE(satisfies("1.14.2", ">=1.13.3,!=1.14.*"));
  EXPECT_TRUE(satisfies("3.1.4", "~=3.1"));
  EXPECT_FALSE(satisfies("4.0", "~=3.1"));
  EXPECT_TRUE(satisfies("4.12.2", ">=4.10.0"));
  EXPECT_FALSE(satisfies("2.13.0rc1", ">=2.12"));  // pre-releases only when asked
  EXPECT_TRUE(satisfies("2.13.0rc1", ">=2.13.0rc1"));
  EXPECT_TRUE(satisfies("1.0", ""));
  EXPECT_FALSE(satisfies("1.0", "=>1.0"));  // not an operator: fails, never passes
  EXPECT_FALSE(satisfies("not a version", ">=1"));
}

TEST(ResolveRequirements, ParsesPep508) {
  auto r = parse_requirement(
      "nvidia-cuda-runtime-cu12==12.6.77; platform_system == \"Linux\" and platform_machine == "
      "\"x86_64\"");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "nvidia-cuda-runtime-cu12");
  EXPECT_EQ(r->specifiers, "==12.6.77");
  EXPECT_EQ(r->marker, "platform_system == \"Linux\" and platform_machine == \"x86_64\"");
  auto e = parse_requirement("Jinja2[i18n, async] (>= 3.0)");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->name, "jinja2");
  EXPECT_EQ(e->extras, (std::set<std::string>{"async", "i18n"}));
  EXPECT_EQ(e->specifiers, ">=3.0");
  EXPECT_FALSE(parse_requirement("pkg @ https://example.org/pkg.whl"));
  EXPECT_FALSE(parse_requirement(">=1.0"));
  EXPECT_FALSE(parse_requirement("pkg[unclosed"));
  EXPECT_FALSE(
      parse_requirement("-- >=1"));  // no letter or digit: no name (found by fuzz_index_page)
  EXPECT_FALSE(parse_requirement("pkg- >=1"));
}

TEST(ResolveMarkers, EvaluatesAgainstTheTarget) {
  const auto env = make_target(linux311()).markers;
  auto yes = [&](const char* m, std::set<std::string> extras = {}) {
    auto v = evaluate_marker(m, env, extras);
    EXPECT_TRUE(v) << m;
    return v && *v;
  };
  EXPECT_TRUE(yes("platform_system == \"Linux\" and platform_machine == \"x86_64\""));
  EXPECT_FALSE(yes("sys_platform == 'win32'"));
  EXPECT_FALSE(yes("python_version >= \"3.12\""));  // setuptools in torch's metadata
  EXPECT_TRUE(
      yes("python_version >= \"3.9\""));  // a version comparison, not a string one ("3.11" < "3.9")
  EXPECT_TRUE(yes("(os_name == 'nt' or os_name == 'posix') and 'linux' in sys_platform"));
  EXPECT_FALSE(yes("extra == \"opt-einsum\""));
  EXPECT_TRUE(yes("extra == \"opt-einsum\"", {"opt-einsum"}));
  EXPECT_TRUE(yes(""));
  EXPECT_FALSE(evaluate_marker("python_version >= ", env));
  EXPECT_FALSE(evaluate_marker("(python_version >= '3'", env));
  EXPECT_FALSE(evaluate_marker("no_such_variable == '1'", env));
}

TEST(ResolveMetadata, RequiresDistWithContinuationsStopsAtTheBody) {
  const std::string meta =
      "Metadata-Version: 2.1\nName: torch\nVersion: 2.12.0\nRequires-Dist: filelock\n"
      "Requires-Dist: sympy>=1.13.3\nRequires-dist: networkx\n  ; python_version >= '3'\n\n"
      "Requires-Dist: not-a-header-this-is-the-description\n";
  auto r = requires_dist(meta);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1], "sympy>=1.13.3");
  EXPECT_EQ(r[2], "networkx ; python_version >= '3'");
}

TEST(ResolvePages, AnchorsWithHashesMetadataAndEntities) {
  const std::string page =
      "<html><body>\n"
      "<a href=\"../../files/torch-2.12.0%2Bcpu-py3-none-any.whl#sha256=" +
      std::string(64, 'a') +
      "\" data-requires-python=\"&gt;=3.10\" data-dist-info-metadata=\"sha256=" +
      std::string(64, 'b') +
      "\">torch-2.12.0+cpu-py3-none-any.whl</a>\n"
      "<A HREF='https://cdn.example/t/torch-2.11.0-py3-none-any.whl' "
      "data-yanked=''>torch-2.11.0-py3-none-any.whl</A>\n"
      "<a href=\"/whl/torch-2.10.0-py3-none-any.whl\" "
      "data-core-metadata=\"true\">torch-2.10.0-py3-none-any.whl</a>\n"
      "<a href=\"/other/\">not a file</a><a href=\"x.whl\" "
      "data-dist-info-metadata=\"false\">x-1.0-py3-none-any.whl</a>\n";
  auto files = parse_index_page(page, "https://idx.example/simple/torch/");
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].url, "https://idx.example/files/torch-2.12.0%2Bcpu-py3-none-any.whl");
  EXPECT_EQ(files[0].file_name, "torch-2.12.0+cpu-py3-none-any.whl");
  EXPECT_EQ(files[0].sha256, std::string(64, 'a'));
  EXPECT_EQ(files[0].requires_python, ">=3.10");
  EXPECT_TRUE(files[0].has_metadata);
  EXPECT_EQ(files[0].metadata_sha256, std::string(64, 'b'));
  EXPECT_TRUE(files[1].yanked);
  EXPECT_FALSE(files[1].has_metadata);
  EXPECT_EQ(files[2].url, "https://idx.example/whl/torch-2.10.0-py3-none-any.whl");
  EXPECT_TRUE(files[2].has_metadata);
  EXPECT_FALSE(files[3].has_metadata);  // "false" is PEP 714's "no metadata file"
  EXPECT_TRUE(parse_index_page("<a href=", "https://x/").empty());
}

// ---- the walk over canned pages ----

std::string anchor(const std::string& file, const std::string& sha, bool metadata = true) {
  return "<a href=\"/files/" + file + "#sha256=" + sha + "\"" +
         (metadata ? " data-core-metadata=\"true\"" : "") + ">" + file + "</a>\n";
}
host::HttpResponse ok(std::string body) { return {200, std::move(body), false, false, {}}; }

class ResolveWalk : public ::testing::Test {
 protected:
  void page(const std::string& project, const std::string& body,
            const std::string& base = "https://idx.test") {
    http.add(base + "/simple/" + project + "/", ok(body));
  }
  void meta(const std::string& file, const std::string& deps,
            const std::string& base = "https://idx.test") {
    http.add(base + "/files/" + file + ".metadata",
             ok("Metadata-Version: 2.1\nName: x\nVersion: 1\n" + deps + "\n"));
  }
  host::CannedHttp http;
  std::vector<IndexSource> sources{{"test", "https://idx.test/simple", ""}};
  WheelTarget target = make_target(linux311());
};

TEST_F(ResolveWalk, FollowsDependenciesMarkersAndNewestVersions) {
  const std::string sha(64, '1');
  page("torch",
       anchor("torch-2.12.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl", sha) +
           anchor("torch-2.12.0+cpu-cp312-cp312-manylinux_2_28_x86_64.whl", std::string(64, '2')) +
           anchor("torch-2.11.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl", std::string(64, '3')));
  meta("torch-2.12.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl",
       "Requires-Dist: filelock\nRequires-Dist: sympy>=1.13.3\n"
       "Requires-Dist: setuptools; python_version >= \"3.12\"\n"
       "Requires-Dist: opt-einsum>=3.3; extra == \"opt-einsum\"\n"
       "Requires-Dist: nvidia-fake==1.0; platform_system == \"Windows\"");
  page("filelock", anchor("filelock-3.16.0-py3-none-any.whl", std::string(64, '4')) +
                       anchor("filelock-3.17.0rc1-py3-none-any.whl", std::string(64, '5')));
  meta("filelock-3.16.0-py3-none-any.whl", "");
  page("sympy", anchor("sympy-1.13.3-py3-none-any.whl", std::string(64, '6')) +
                    anchor("sympy-1.14.0-py3-none-any.whl", std::string(64, '7')));
  meta("sympy-1.14.0-py3-none-any.whl", "Requires-Dist: mpmath<1.4,>=1.1.0");
  page("mpmath", anchor("mpmath-1.3.0-py3-none-any.whl", std::string(64, '8')));
  ResolveOptions options;
  options.installed = {{"mpmath", "1.3.0"}};
  auto r = resolve_wheels(http, sources, {"torch==2.12.0"}, target, options);
  ASSERT_TRUE(r) << r.error().message;
  std::vector<std::string> got;
  for (const auto& w : r->wheels) got.push_back(w.name + " " + w.version);
  EXPECT_EQ(got, (std::vector<std::string>{"torch 2.12.0+cpu", "filelock 3.16.0", "sympy 1.14.0"}));
  EXPECT_EQ(r->wheels[0].sha256, sha);
  EXPECT_EQ(r->wheels[0].url,
            "https://idx.test/files/torch-2.12.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl");
  EXPECT_TRUE(r->wheels[0].requested);
  EXPECT_FALSE(r->wheels[1].requested);
  EXPECT_EQ(r->satisfied, std::vector<std::string>{"mpmath 1.3.0"});
}

TEST_F(ResolveWalk, AnIndexWithoutMetadataOrWheelsIsAnErrorThatSaysWhy) {
  page("torch",
       anchor("torch-2.12.0-cp311-cp311-manylinux_2_28_x86_64.whl", std::string(64, '1'), false));
  auto r = resolve_wheels(http, sources, {"torch==2.12.0"}, target);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no metadata file (PEP 658)"), std::string::npos)
      << r.error().message;

  page("torch", anchor("torch-2.12.0-cp312-cp312-win_amd64.whl", std::string(64, '1')));
  r = resolve_wheels(http, sources, {"torch==2.12.0"}, target);
  ASSERT_FALSE(r);
  EXPECT_NE(
      r.error().message.find("no wheel of torch ==2.12.0 is built for this Python and platform"),
      std::string::npos)
      << r.error().message;

  r = resolve_wheels(http, sources, {"torchvision==0.27.0"}, target);  // no page at all
  ASSERT_FALSE(r);
}

TEST_F(ResolveWalk, AConflictIsSaidNotGuessed) {
  page("a", anchor("a-1.0-py3-none-any.whl", std::string(64, '1')));
  meta("a-1.0-py3-none-any.whl", "Requires-Dist: c>=2\nRequires-Dist: b");
  page("b", anchor("b-1.0-py3-none-any.whl", std::string(64, '2')));
  meta("b-1.0-py3-none-any.whl", "Requires-Dist: c<2");
  page("c", anchor("c-1.0-py3-none-any.whl", std::string(64, '3')) +
                anchor("c-2.0-py3-none-any.whl", std::string(64, '4')));
  meta("c-2.0-py3-none-any.whl", "");
  auto r = resolve_wheels(http, sources, {"a"}, target);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("c 2.0 was chosen, but b 1.0 needs c<2"), std::string::npos)
      << r.error().message;
}

TEST_F(ResolveWalk, TheSameFileOnAMirrorBecomesAnAlternate) {
  const std::string sha(64, '1');
  page("torch", anchor("torch-2.12.0-py3-none-any.whl", sha));
  meta("torch-2.12.0-py3-none-any.whl", "");
  page("torch", anchor("torch-2.12.0-py3-none-any.whl", sha), "https://mirror.test");
  sources.push_back({"mirror", "https://mirror.test/simple", ""});
  sources.push_back({"unreachable", "https://down.test/simple", ""});
  auto r = resolve_wheels(http, sources, {"torch==2.12.0"}, target);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->wheels.size(), 1u);
  EXPECT_EQ(r->wheels[0].alternates,
            std::vector<std::string>{"https://mirror.test/files/torch-2.12.0-py3-none-any.whl"});
}

TEST_F(ResolveWalk, OnAnIndexWithEveryVariantThePlansOwnIsChosen) {
  // A mirror that carries 2.12.0+cpu beside 2.12.0+cu126 (and a newer release): "torch==2.12.0"
  // is the plan's variant, not the local label that sorts last.
  page("torch", anchor("torch-2.12.0+cpu-py3-none-any.whl", std::string(64, '1')) +
                    anchor("torch-2.12.0+cu126-py3-none-any.whl", std::string(64, '2')) +
                    anchor("torch-2.13.0+cpu-py3-none-any.whl", std::string(64, '3')));
  for (const char* f : {"torch-2.12.0+cpu-py3-none-any.whl", "torch-2.12.0+cu126-py3-none-any.whl",
                        "torch-2.13.0+cpu-py3-none-any.whl"})
    meta(f, "");
  ResolveOptions options;
  auto unpinned = resolve_wheels(http, sources, {"torch==2.12.0"}, target, options);
  ASSERT_TRUE(unpinned) << unpinned.error().message;
  EXPECT_EQ(unpinned->wheels[0].version, "2.12.0+cu126");  // PEP 440: cu126 > cpu
  options.variant = "cpu";
  auto cpu = resolve_wheels(http, sources, {"torch==2.12.0"}, target, options);
  ASSERT_TRUE(cpu) << cpu.error().message;
  EXPECT_EQ(cpu->wheels[0].version, "2.12.0+cpu");
  options.variant = "cu126";
  auto newest = resolve_wheels(http, sources, {"torch"}, target, options);
  ASSERT_TRUE(newest) << newest.error().message;
  EXPECT_EQ(newest->wheels[0].version, "2.13.0+cpu");  // a newer release still wins
}

TEST(ResolveTarget, ReadsTheProbesOutput) {
  auto f = parse_target_facts(
      R"({"python_version":"3.13.1","implementation":"cpython","free_threaded":true,"system":"Linux","machine":"aarch64","release":"6.1","glibc":"2.39","macos":null})");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->os_family, "linux");
  EXPECT_TRUE(f->free_threaded);
  EXPECT_EQ(f->glibc, "2.39");
  EXPECT_FALSE(f->macos);
  EXPECT_FALSE(parse_target_facts("not json"));
  EXPECT_FALSE(parse_target_facts("{}"));
}

}  // namespace
}  // namespace torchup::act
