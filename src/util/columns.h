// Terminal columns of UTF-8 text, for aligned output in any language (verify's checks,
// detect's labels, cuda-compat's and update's tables).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace torchup {

// The columns `text` takes in a terminal: a CJK character (3 bytes of UTF-8 from
// U+0800 on, as every Chinese label is) takes two, other characters one.
std::size_t display_columns(std::string_view text);
// `text` padded with spaces to `width` columns (display_columns).
std::string pad_columns(const std::string& text, std::size_t width);

}  // namespace torchup
