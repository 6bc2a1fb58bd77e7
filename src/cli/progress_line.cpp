// cli/progress_line.h
#include "cli/progress_line.h"

#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "util/columns.h"

namespace torchup::cli {
namespace {

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / (1 << 20));
}

// Long wheel names are cut in the middle: the name and the tags' end stay readable.
std::string shorten(const std::string& name, std::size_t most) {
  if (name.size() <= most) return name;
  const std::size_t head = most / 2 - 1, tail = most - head - 3;
  return name.substr(0, head) + "..." + name.substr(name.size() - tail);
}

}  // namespace

app::ProgressLine make_progress_line(std::ostream& out, const Style& style, host::Clock& clock) {
  struct State {
    std::chrono::steady_clock::time_point last{};
    std::size_t width = 0;
  };
  auto state = std::make_shared<State>();
  return [&out, &style, &clock, state](const app::FileProgress& p) {
    const auto now = clock.now();
    if (!p.finished && state->width > 0 && now - state->last < std::chrono::milliseconds(200))
      return;
    state->last = now;
    Text line;
    const std::string step =
        "[" + std::to_string(p.index + 1) + "/" + std::to_string(p.count) + "]";
    const std::string name = shorten(p.file_name, 48);
    if (p.finished) {
      line = tr("progress.done", "{step} {file}  {size} MiB  done",
                {{"step", step}, {"file", name}, {"size", mib(p.done)}});
    } else if (p.total && p.bytes_per_second > 0) {
      const double left =
          static_cast<double>(*p.total > p.done ? *p.total - p.done : 0) / p.bytes_per_second;
      line = tr("progress.line",
                "{step} {file}  {done}/{total} MiB  {rate} MiB/s  ETA {eta} s  {source}",
                {{"step", step},
                 {"file", name},
                 {"done", mib(p.done)},
                 {"total", mib(*p.total)},
                 {"rate", fmt::format("{:.1f}", p.bytes_per_second / (1 << 20))},
                 {"eta", fmt::format("{:.0f}", left)},
                 {"source", p.source}});
    } else {
      line = tr("progress.starting", "{step} {file}  {done} MiB  {source}",
                {{"step", step}, {"file", name}, {"done", mib(p.done)}, {"source", p.source}});
    }
    const std::string text = style.t(line);
    const std::size_t width = display_columns(text);
    out << "\r" << text;
    if (width < state->width) out << std::string(state->width - width, ' ');
    state->width = p.finished ? 0 : width;
    if (p.finished) out << "\n";
    out << std::flush;
  };
}

}  // namespace torchup::cli
