// What every user task works with (DESIGN §5, app/): this computer, the knowledge
// base, and the machine a --root DIR describes. The CLI and `serve` build one and
// call the same task functions with it.
#pragma once

#include <functional>
#include <string>

#include "data/store.h"
#include "host/host.h"

namespace torchup::app {

struct Services {
  host::Host& host;        // the computer torchup runs on (programs, caches, installs)
  data::DataStore& store;  // the knowledge base
  // The machine read from directory `root` (files only); the caller keeps it alive.
  std::function<host::Host&(const std::string& root)> rooted;

  // `root` empty or "/": this computer; else rooted(root).
  host::Host& machine(const std::string& root) const {
    if (root.empty() || root == "/" || !rooted) return host;
    return rooted(root);
  }
};

}  // namespace torchup::app
