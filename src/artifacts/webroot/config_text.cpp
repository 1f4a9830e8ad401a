// Configuration bytes to UTF-8 with line numbers (see config_text.hpp).
#include "artifacts/webroot/config_text.hpp"

#include <algorithm>
#include <cstdint>

#include "sqltriage/utf16.hpp"

namespace sqltriage::webroots {

ConfigText::ConfigText(std::string_view bytes) {
  const auto* b = reinterpret_cast<const std::uint8_t*>(bytes.data());
  const std::size_t n = bytes.size();
  if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    prefix_ = 3;
    utf8_.assign(bytes.substr(3));
  } else if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
    prefix_ = 2;
    utf16_ = true;
    utf8_ = utf16le_to_wtf8(b + 2, (n - 2) / 2);
  } else if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
    prefix_ = 2;
    utf16_ = true;
    std::u16string units;
    units.reserve((n - 2) / 2);
    for (std::size_t i = 2; i + 1 < n; i += 2)
      units.push_back(static_cast<char16_t>((b[i] << 8) | b[i + 1]));
    utf8_ = utf16_to_wtf8(units);
  } else if (n >= 2 && b[0] == '<' && b[1] == 0) {
    utf16_ = true;
    utf8_ = utf16le_to_wtf8(b, n / 2);
  } else {
    utf8_.assign(bytes);
  }
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < utf8_.size(); ++i)
    if (utf8_[i] == '\n') line_starts_.push_back(i + 1);
}

std::size_t ConfigText::line_of(std::size_t at) const {
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), at);
  return static_cast<std::size_t>(it - line_starts_.begin());
}

std::size_t ConfigText::file_offset(std::size_t at) const {
  if (!utf16_) return prefix_ + at;
  std::size_t units = 0;
  for (std::size_t i = 0; i < at && i < utf8_.size();) {
    const auto c = static_cast<unsigned char>(utf8_[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return prefix_ + 2 * units;
}

std::string source_of(const std::string& display, std::size_t line) {
  return display + ":" + std::to_string(line);
}

}  // namespace sqltriage::webroots
