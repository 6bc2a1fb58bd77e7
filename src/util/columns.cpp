// Terminal columns of UTF-8 text (columns.h).
#include "util/columns.h"

namespace torchup {

std::size_t display_columns(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    n += len >= 3 ? 2 : 1;
    i += len;
  }
  return n;
}

std::string pad_columns(const std::string& text, std::size_t width) {
  const std::size_t used = display_columns(text);
  return used >= width ? text : text + std::string(width - used, ' ');
}

}  // namespace torchup
