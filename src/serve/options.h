// /api/options: the rows of pytorch.org's Start Locally selector, as the page
// needs them to draw buttons and strike out impossible combinations.
//   without torch=: { stable, versions: [{id, version}] (stable, nightly, then
//                     every previous release newest first), oses, packages, languages }
//   with torch=V:   { torch, version, oses, packages, languages,
//                     platforms: [{name, label}] (every platform any OS/package of V offers),
//                     offered: { os: { package: [platform names] } } }
// A platform missing from offered[os][package] is impossible for that choice.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "render/selector.h"
#include "util/expected.h"

namespace torchup::serve {

nlohmann::ordered_json options_json(const render::Selector& selector);
// kNotFound for a version neither source lists.
Expected<nlohmann::ordered_json> version_options_json(const render::Selector& selector, const std::string& torch);

// "cu126" -> "CUDA 12.6", "rocm7.2" -> "ROCm 7.2", "cpu" -> "CPU", others upper-cased.
std::string platform_label(const std::string& name);
// Order of the site's Compute Platform row: CUDA (ascending), ROCm, XPU, then CPU last.
bool platform_before(const std::string& a, const std::string& b);

}  // namespace torchup::serve
