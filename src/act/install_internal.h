// Helpers shared by the install engine's files (not part of act/'s interface).
#pragma once

#include <cstddef>
#include <string>

namespace torchup::act::detail {

// Last `count` lines of `text` (an installer's own explanation is at its end).
std::string last_lines(const std::string& text, std::size_t count);

}  // namespace torchup::act::detail
