// ASCII case mapping for names Windows compares case-insensitively (file, key and value
// names): only A-Z/a-z change, so UTF-8 text passes through intact.
#pragma once

#include <string>
#include <string_view>

namespace sqltriage {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace sqltriage
