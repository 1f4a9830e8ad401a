// ASCII case mapping for names Windows compares case-insensitively (file, key and value
// names): only A-Z/a-z change, so UTF-8 text passes through intact.
#pragma once

#include <string>
#include <string_view>

namespace sqltriage {

inline char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace sqltriage
