// The smaller user tasks (DESIGN §5, app/): detect, verify, doctor, select, update.
// Typed options and the Services in, values out; the CLI and `serve` render them.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "act/doctor.h"
#include "act/verify.h"
#include "act/verify_libtorch.h"
#include "app/services.h"
#include "data/update.h"
#include "model/machine.h"
#include "render/select.h"
#include "render/selector.h"

namespace torchup::app {

// The machine: this computer, or the files under `root` (nothing is executed there).
model::Machine detect(const Services& services, const std::string& root = {});

struct VerifyRequest {
  std::string python;    // empty: the active interpreter (act::VerifyOptions' default)
  std::string libtorch;  // a LibTorch directory to check (empty: none)
  bool compile = true;   // LibTorch: compile and run a small program
  std::chrono::seconds timeout{180};
};
struct VerifyResult {
  std::optional<act::VerifyReport> python;  // unset when only LibTorch was asked for
  std::optional<act::LibtorchReport> libtorch;
  bool ok() const { return (!python || python->ok()) && (!libtorch || libtorch->ok()); }
};
Expected<VerifyResult> verify(const Services& services, const VerifyRequest& request);

Expected<act::DoctorReport> doctor(const Services& services, const std::string& python,
                                   std::chrono::seconds timeout);

// pytorch.org's selector for `query`. A missing --platform is a usage error that
// lists the platforms offered for that choice.
Expected<render::SelectResult> select(const Services& services, const render::SelectQuery& query);

struct UpdateRequest {
  std::string url = data::kPublishedVersionsUrl;
  std::optional<std::string> cache_dir;  // --cache-dir; else data::default_cache_dir
  bool allow_insecure = false;
  std::string proxy;  // --proxy; empty: libcurl's HTTPS_PROXY / https_proxy / NO_PROXY
  std::function<void(const std::string& url)> on_download;  // told just before the download starts
};
struct UpdateOutcome {
  data::UpdateResult result;
  std::string previous_latest_stable;  // what torchup used before ("" when nothing loaded)
  std::string previous_origin;
};
Expected<UpdateOutcome> update(const Services& services, const UpdateRequest& request);

}  // namespace torchup::app
