// Resolve's parsers (act/resolve.h): a PEP 503 page's anchors, wheel file names, PEP 440
// specifiers, PEP 508 requirements and markers, METADATA's Requires-Dist lines. The
// input is one page; each of its lines is also tried as each of the smaller forms.
#include "act/resolve.h"
#include "fuzz_input.h"
#include "util/strings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace torchup;
  const std::string input = fuzz::text(data, size);
  for (const auto& f : act::parse_index_page(input, "https://idx.example/simple/torch/")) {
    fuzz::check(!f.file_name.empty(), "a file has a name");
    fuzz::check(str::starts_with(f.url, "https://") || f.url.find("://") != std::string::npos,
                "urls are absolute");
    fuzz::check(f.url.find('#') == std::string::npos, "the fragment is not part of the url");
    if (f.sha256) fuzz::check(f.sha256->size() == 64, "a sha256 is 64 hex digits");
  }
  static const auto target = [] {
    act::TargetFacts facts;
    facts.python_version = "3.11.2";
    facts.os_family = "linux";
    facts.arch = "x86_64";
    facts.glibc = "2.36";
    return act::make_target(facts);
  }();
  for (auto line : str::lines(input)) {
    if (auto w = act::parse_wheel_name(line)) {
      fuzz::check(!w->tags.empty(), "a wheel name has tags");
      fuzz::check(w->name == act::normalize_name(w->name), "names come normalized");
    }
    (void)act::satisfies("2.12.0+cu126", line);
    (void)act::satisfies(line, ">=1.0,!=1.5.*");
    if (auto r = act::parse_requirement(line)) {
      fuzz::check(!r->name.empty(), "a requirement has a name");
      (void)act::evaluate_marker(r->marker, target.markers, r->extras);
    }
    (void)act::evaluate_marker(line, target.markers, {"x"});
  }
  for (const auto& r : act::requires_dist(input))
    fuzz::check(r.find('\n') == std::string::npos, "one line each");
  (void)act::parse_target_facts(input);
  return 0;
}
