// util/version.h: PEP 440 (torch 2.5.1+cu124, 2.6.0.dev20241112, 2.0.0rc1), dotted
// numbers (driver 550.54.14) and TORCH_CUDA_ARCH_LIST entries ("12.0+PTX").
// The input is split at its first newline into two versions so that ordering is
// exercised too.
#include <compare>

#include "data/releases.h"
#include "fuzz_input.h"
#include "util/version.h"

namespace {

using namespace torchup;

void one(std::string_view s) {
  if (auto d = DottedVersion::parse(s)) {
    fuzz::check(!d->empty() && d->parts().size() <= 6, "dotted: 1 to 6 parts");
    auto again = DottedVersion::parse(d->str());
    fuzz::check(again && *again == *d, "dotted: parse(str()) round-trips");
    fuzz::check(d->truncated(2) <= *d, "dotted: truncating never grows");
  }
  if (auto v = Version::parse(s)) {
    auto again = Version::parse(v->str());
    fuzz::check(again && *again == *v, "PEP 440: parse(str()) round-trips");
    auto pub = Version::parse(v->public_str());
    fuzz::check(pub && pub->local().empty(), "PEP 440: public_str() has no local label");
  }
  if (auto a = data::parse_cuda_arch(std::string(s))) {
    auto again = data::parse_cuda_arch(a->str());
    fuzz::check(again && again->capability == a->capability && again->ptx == a->ptx, "arch round-trips");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto in = fuzz::view(data, size);
  auto nl = in.find('\n');
  auto first = in.substr(0, nl);
  auto second = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  one(first);
  one(second);
  auto a = Version::parse(first);
  auto b = Version::parse(second);
  if (a && b) {
    auto ab = *a <=> *b;
    auto ba = *b <=> *a;
    fuzz::check((ab < 0) == (ba > 0) && (ab == 0) == (ba == 0), "PEP 440 ordering is antisymmetric");
  }
  auto da = DottedVersion::parse(first);
  auto db = DottedVersion::parse(second);
  if (da && db) {
    auto ab = *da <=> *db;
    auto ba = *db <=> *da;
    fuzz::check((ab < 0) == (ba > 0) && (ab == 0) == (ba == 0), "dotted ordering is antisymmetric");
  }
  return 0;
}
