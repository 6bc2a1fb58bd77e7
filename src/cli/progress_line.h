// The download's progress line on a terminal (issue 13): one line, redrawn in place,
// "[2/19] torch-2.12.0+cu126-...whl  412.0/912.3 MiB  38.2 MiB/s  ETA 13 s  download.pytorch.org";
// each finished file leaves one line. Never in --json.
#pragma once

#include <iosfwd>

#include "app/install.h"
#include "cli/context.h"
#include "host/host.h"

namespace torchup::cli {

// A ProgressLine drawing on `out` (redrawn at most every 200 ms by `clock`).
app::ProgressLine make_progress_line(std::ostream& out, const Style& style, host::Clock& clock);

}  // namespace torchup::cli
