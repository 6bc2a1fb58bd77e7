// What every subcommand gets: output streams, global options, the host it runs on
// (given by main or a test) and lazily built shared services (data store, rooted
// machines). One per run; no globals.
#pragma once

#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "act/verify_text.h"
#include "app/services.h"
#include "data/store.h"
#include "host/host.h"
#include "host/tracing.h"
#include "util/columns.h"
#include "util/expected.h"
#include "util/text.h"

namespace torchup::cli {

// Text styling for people; plain when not a terminal or NO_COLOR is set.
struct Style {
  bool color = false;
  Lang lang = Lang::kEn;  // the language messages are said in (--lang, TORCHUP_LANG, LANG)
  // A message in the user's language.
  std::string t(const Text& text) const { return localize(text, lang); }
  std::string bold(std::string_view s) const;
  std::string dim(std::string_view s) const;
  std::string green(std::string_view s) const;
  std::string yellow(std::string_view s) const;
  std::string red(std::string_view s) const;
  std::string cyan(std::string_view s) const;
};

// The same colours for act/'s report renderers (verify, doctor, install).
act::TextStyle text_style(const Style& style);

struct GlobalOptions {
  std::optional<std::string> data_dir;   // --data-dir (or TORCHUP_DATA_DIR)
  std::optional<std::string> cache_dir;  // --cache-dir (or TORCHUP_CACHE_DIR / XDG)
  bool no_color = false;                 // --no-color (the same as --color never)
  std::string color = "auto";            // --color auto|always|never
  bool quiet = false;         // -q: the result only (no warnings, the plan's command alone)
  bool verbose = false;       // -v: every file read and program run, on stderr
  bool json = false;          // --json anywhere on the line: errors as JSON on stdout
  std::string lang = "auto";  // --lang auto|zh|en
};

// The language to speak: --lang (zh|en; auto: go on), TORCHUP_LANG, then the POSIX
// locale variables as gettext reads them (LANGUAGE's first entry when the locale is
// not C, then LC_ALL, LC_MESSAGES, LANG), then the system's UI language (Windows),
// else English.
Lang choose_lang(const std::string& flag, const host::Environment& env,
                 const host::SystemFacts& system);

// Where a run writes: stdout, stderr, and whether stdout is a terminal (colour).
struct Streams {
  std::ostream& out;
  std::ostream& err;
  bool out_is_tty = false;
};

class Context {
 public:
  Context(host::Host& host, const Streams& streams);

  std::ostream& out;
  std::ostream& err;
  Style style;
  GlobalOptions global;
  int exit_code = 0;

  // The computer torchup runs on (for data files, caches, programs).
  host::Host& live_host() { return traced_ ? traced_->host() : host_; }
  // The machine being described: live, or read from `root` (--root DIR).
  host::Host& machine_host(const std::optional<std::string>& root);
  data::DataStore& store();
  // The host, the store and --root machines, for the app/ task functions.
  app::Services& services();

  // Prints "torchup: error: <message>" (+ hint) to err and returns its exit code.
  int fail(const Error& error);
  // Prints data-store warnings (malformed override files) once, to err.
  void flush_data_warnings();
  // The data-store warnings not yet printed, marked as delivered: a command that
  // reports warnings itself (detect's "warnings" array, DESIGN §2.1) takes them.
  std::vector<std::string> take_data_warnings();
  // Applies the global options once they are parsed: colour, and --verbose's trace.
  void finalize_style();

 private:
  host::Host& host_;
  std::unique_ptr<host::TracingHost> traced_;  // --verbose
  std::map<std::string, std::unique_ptr<host::TracingHost>> traced_roots_;
  bool out_is_tty_;
  std::map<std::string, std::unique_ptr<host::OwnedHost>> rooted_;
  std::unique_ptr<data::DataStore> store_;
  std::unique_ptr<app::Services> services_;
  std::size_t warnings_printed_ = 0;
};

}  // namespace torchup::cli
