// Install commands for a planned build when no richer source is at hand, and the
// uv / conda equivalents of a pip command. Pure: values in, values out.
//   - the newest stable release: the command exactly as pytorch.org's selector
//     prints it (published_versions.json);
//   - an older release: a pinned command in the previous-versions page's form
//     (pip3 install torch==2.4.1 torchvision==0.19.1 --index-url .../whl/cu124);
//   - nightly: the selector's "Preview (Nightly)" command;
//   - uv: the same arguments after `uv pip install` (uv's pip interface accepts
//     --index-url; docs.astral.sh/uv/guides/integration/pytorch);
//   - conda and LibTorch: none here (pytorch.org's conda commands end with 2.5.1
//     on the previous-versions page; those come from render::Selector).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/published.h"
#include "plan/planner.h"

namespace torchup::render {

inline constexpr const char* kPytorchIndex = "https://download.pytorch.org/whl/";

// Splits a command the site prints (plain words, no quoting) into argv.
std::vector<std::string> command_argv(const std::string& command);

// The uv form of a pip command: "pip3 install ..." / "pip install ..." become
// "uv pip install ..." (the same arguments); anything else is returned as given.
std::string uv_command(std::string pip_command);

// The --index-url of a command; nullopt when it has none.
std::optional<std::string> index_url_of(const std::string& command);

// pip (and uv) commands for `build`; nullopt for conda / libtorch, or when the
// site marks the build unavailable. `published` may be null (then no command is
// taken from the selector data and the pinned form is used).
std::optional<plan::RenderedCommand> render_fallback(const plan::BuildRef& build,
                                                     const data::PublishedVersions* published);

// A renderer for plan::make_plan built on render_fallback; `published` must outlive it.
plan::CommandRenderer make_fallback_renderer(const data::PublishedVersions* published);

}  // namespace torchup::render
