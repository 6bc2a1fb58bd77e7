// What every subcommand gets: output streams, global options, and lazily built
// shared services (data store, host). One per run; no globals.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/store.h"
#include "host/host.h"
#include "util/expected.h"

namespace torchup::cli {

// Text styling for people; plain when not a terminal or NO_COLOR is set.
struct Style {
  bool color = false;
  std::string bold(std::string_view s) const;
  std::string dim(std::string_view s) const;
  std::string green(std::string_view s) const;
  std::string yellow(std::string_view s) const;
  std::string red(std::string_view s) const;
  std::string cyan(std::string_view s) const;
};

struct GlobalOptions {
  std::optional<std::string> data_dir;   // --data-dir (or TORCHUP_DATA_DIR)
  std::optional<std::string> cache_dir;  // --cache-dir (or TORCHUP_CACHE_DIR / XDG)
  bool no_color = false;
};

class Context {
 public:
  Context(std::ostream& out, std::ostream& err, bool out_is_tty);

  std::ostream& out;
  std::ostream& err;
  Style style;
  GlobalOptions global;
  int exit_code = 0;

  // The computer torchup runs on (for data files, caches, programs).
  host::Host& live_host();
  // The machine being described: live, or read from `root` (--root DIR).
  host::Host& machine_host(const std::optional<std::string>& root);
  data::DataStore& store();

  // Prints "torchup: error: <message>" (+ hint) to err and returns its exit code.
  int fail(const Error& error);
  // Prints data-store warnings (malformed override files) once, to err.
  void flush_data_warnings();
  // The data-store warnings not yet printed, marked as delivered: a command that
  // reports warnings itself (detect's "warnings" array, DESIGN §2.1) takes them.
  std::vector<std::string> take_data_warnings();
  void finalize_style();

 private:
  bool out_is_tty_;
  std::unique_ptr<host::OwnedHost> live_;
  std::unique_ptr<host::OwnedHost> rooted_;
  std::unique_ptr<data::DataStore> store_;
  std::size_t warnings_printed_ = 0;
};

}  // namespace torchup::cli
