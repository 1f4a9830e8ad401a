#include "sqltriage/utf16.hpp"

namespace sqltriage {

namespace {

void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_high(std::uint32_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low(std::uint32_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

template <typename UnitAt>
std::string convert(std::size_t count, UnitAt unit_at) {
  std::string out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t u = unit_at(i);
    if (is_high(u) && i + 1 < count && is_low(unit_at(i + 1))) {
      const std::uint32_t low = unit_at(i + 1);
      append_code_point(out, 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00));
      ++i;
    } else {
      append_code_point(out, u);  // an unpaired surrogate gets its 3-byte form
    }
  }
  return out;
}

}  // namespace

std::string utf16_to_wtf8(std::u16string_view units) {
  return convert(units.size(), [&](std::size_t i) { return std::uint32_t{units[i]}; });
}

std::string utf16le_to_wtf8(const std::uint8_t* bytes, std::size_t count) {
  return convert(count, [&](std::size_t i) {
    return static_cast<std::uint32_t>(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  });
}

}  // namespace sqltriage
