// The active interpreter: the one `python3` (then `python`) runs when typed in the
// user's shell, found from files and the environment only (no process, so it works
// under --root too). detect's [active] mark, plan, install's target, verify's and
// doctor's default all use this one function, so a pasted `pip3 install` and torchup
// talk about the same interpreter.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "host/host.h"
#include "util/text.h"

namespace torchup::detect {

struct ActivePython {
  std::string path;  // as found on PATH or resolved through pyenv (links not followed)
  std::string via;   // how it was found: "PATH", "pyenv (PYENV_VERSION)", "VIRTUAL_ENV", ...
};

// The interpreter `python3` (then `python`) resolves to:
//  - PATH, in order (an activated venv or conda env puts its bin/ first there);
//  - a pyenv shim ($PYENV_ROOT/shims, or a "shims" directory beside pyenv's
//    "versions") is resolved the way pyenv resolves it, from files: PYENV_VERSION,
//    then .python-version in the current directory ($PYENV_DIR, else $PWD) and its
//    parents, then $PYENV_ROOT/version; "system" (or no version file) is the next
//    python3 on PATH after the shims directory;
//  - when PATH names none: $VIRTUAL_ENV's, then $CONDA_PREFIX's interpreter.
// `warnings` (may be null) gets a line when a pyenv version is named but not installed.
// nullopt when nothing resolves.
std::optional<ActivePython> active_python(const host::Host& host,
                                          std::vector<Text>* warnings = nullptr);

// pyenv's version names (pyenv-version-file-read): the words of a version file, lines
// starting with '#' skipped, names holding "/" or ".." dropped. Pure, for the tests.
std::vector<std::string> parse_pyenv_version_file(const std::string& text);

}  // namespace torchup::detect
