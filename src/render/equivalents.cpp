#include "render/equivalents.h"

#include "util/strings.h"

namespace torchup::render {

namespace {

// The index suffix in "... --index-url https://download.pytorch.org/whl/cu126".
std::optional<std::string> index_of(const std::string& command) {
  auto at = command.find("--index-url ");
  if (at == std::string::npos) return std::nullopt;
  auto url = std::string(str::trim(std::string_view(command).substr(at + 12)));
  if (auto sp = url.find(' '); sp != std::string::npos) url.resize(sp);
  return url;
}

std::string site_platform_of(const std::string& platform) {
  return platform == "mps" ? "cpu" : platform;  // the macOS arm64 wheel carries MPS
}

// The newest release: the site's own command for this OS and platform.
std::optional<std::string> selector_command(const data::PublishedVersions& pub, const plan::BuildRef& b) {
  const auto* version = pub.find(b.torch == "nightly" ? "preview" : b.torch);
  const auto* os = version ? version->find(b.os) : nullptr;
  const auto* pip = os ? os->find("pip") : nullptr;
  if (!pip) return std::nullopt;
  const std::string want = site_platform_of(b.platform);
  if (b.os == "macos") {
    const auto* e = pip->find("accnone");
    return e && e->command ? e->command : std::nullopt;
  }
  const data::PublishedEntry* no_index = nullptr;
  for (const auto& e : pip->entries) {
    if (!e.command || str::starts_with(*e.command, "<")) continue;
    auto idx = index_of(*e.command);
    if (idx && str::ends_with(*idx, "/" + want)) return e.command;
    bool same_kind = (want == "cpu" && e.platform_id == "accnone") ||
                     (str::starts_with(want, "cu") && str::starts_with(e.platform_id, "cuda")) ||
                     (str::starts_with(want, "rocm") && str::starts_with(e.platform_id, "rocm"));
    if (!idx && same_kind) no_index = &e;
  }
  // The variant PyPI carries by default has no --index-url on the site (Linux:
  // the release's default CUDA, Windows/macOS: CPU). It is the only such entry.
  if (no_index && b.torch != "nightly") return no_index->command;
  return std::nullopt;
}

std::string pinned_command(const plan::BuildRef& b) {
  std::string cmd = "pip3 install torch==" + b.torch;
  if (b.torchvision) cmd += " torchvision==" + *b.torchvision;
  if (b.os != "macos") cmd += " --index-url " + std::string(kPytorchIndex) + site_platform_of(b.platform);
  return cmd;
}

plan::RenderedCommand finish(std::string command, Text source, bool uv) {
  if (uv) command = uv_command(std::move(command));
  plan::RenderedCommand r;
  r.index_url = index_of(command);
  r.argv = command_argv(command);
  r.command = std::move(command);
  r.source = std::move(source);
  return r;
}

}  // namespace

std::string uv_command(std::string command) {
  if (str::starts_with(command, "pip3 install")) return "uv pip install" + command.substr(12);
  if (str::starts_with(command, "pip install")) return "uv pip install" + command.substr(11);
  return command;
}

std::optional<std::string> index_url_of(const std::string& command) { return index_of(command); }

std::vector<std::string> command_argv(const std::string& command) {
  std::vector<std::string> argv;
  for (auto w : str::split_ws(command)) argv.emplace_back(w);
  return argv;
}

std::optional<plan::RenderedCommand> render_fallback(const plan::BuildRef& b, const data::PublishedVersions* pub) {
  if (b.package != "pip" && b.package != "uv") return std::nullopt;
  const bool uv = b.package == "uv";
  if (b.torch == "nightly") {
    if (pub) {
      if (auto c = selector_command(*pub, b)) return finish(*c, tr("render.source-preview", "pytorch.org selector (Preview)"), uv);
    }
    std::string plat = b.os == "macos" ? "cpu" : site_platform_of(b.platform);
    return finish("pip3 install --pre torch torchvision --index-url " + std::string(kPytorchIndex) + "nightly/" + plat,
                  tr("render.source-nightly", "pytorch.org nightly index"), uv);
  }
  if (b.newest && pub && b.platform != "xpu") {
    if (auto c = selector_command(*pub, b)) return finish(*c, tr("render.source-selector", "pytorch.org selector ({torch})", {{"torch", b.torch}}), uv);
  }
  return finish(pinned_command(b),
                tr("render.source-pinned", "pinned {torch} in the previous-versions page's form", {{"torch", b.torch}}), uv);
}

plan::CommandRenderer make_fallback_renderer(const data::PublishedVersions* published) {
  return [published](const plan::BuildRef& b) { return render_fallback(b, published); };
}

}  // namespace torchup::render
