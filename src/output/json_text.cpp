// Compact JSON text whose strings may hold bytes that are not valid UTF-8 (see json_text.hpp).
//
// nlohmann's dump() throws on such strings (or replaces bytes, losing them), so strings are
// escaped here; every other scalar is written by nlohmann itself, which keeps its number
// formatting (shortest round-trip floats, NaN and infinities as null).
#include "sqltriage/json_text.hpp"

#include <array>
#include <charconv>
#include <cstdint>

namespace sqltriage {
namespace {

/// First code point of the range that stands for single bytes (U+EF80-U+EFFF = U+EF00 + byte).
constexpr char32_t kByteBase = 0xEF00;

/// Whether the valid 3-byte sequence at s[i] encodes U+EF80-U+EFFF (EE BE/BF xx).
bool is_byte_range_character(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]) == 0xEE && static_cast<unsigned char>(s[i + 1]) >= 0xBE;
}

/// Appends U+EF00 + byte in UTF-8.
void append_byte_character(std::string& out, unsigned char b) {
  const char32_t cp = kByteBase + b;
  out += static_cast<char>(0xE0 | (cp >> 12));
  out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out += static_cast<char>(0x80 | (cp & 0x3F));
}

void append_ascii(std::string& out, char c) {
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                                '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  switch (c) {
    case '"':
      out += "\\\"";
      return;
    case '\\':
      out += "\\\\";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      break;
  }
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20) {
    out += "\\u00";
    out += kHex[u >> 4];
    out += kHex[u & 0x0F];
  } else {
    out += c;
  }
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

void append_value(std::string& out, const nlohmann::ordered_json& value) {
  using value_t = nlohmann::ordered_json::value_t;
  switch (value.type()) {
    case value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.items()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, key);
        out += ':';
        append_value(out, member);
      }
      out += '}';
      return;
    }
    case value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        append_value(out, element);
      }
      out += ']';
      return;
    }
    case value_t::string:
      append_json_string(out, value.get_ref<const std::string&>());
      return;
    case value_t::number_integer:
      append_integer(out, value.get<std::int64_t>());
      return;
    case value_t::number_unsigned:
      append_integer(out, value.get<std::uint64_t>());
      return;
    case value_t::discarded:  // only from a parse callback; not JSON, so write null
    case value_t::null:
      out += "null";
      return;
    case value_t::boolean:
    case value_t::number_float:
    case value_t::binary:
      // nlohmann's own formatting: NaN and infinities become null; binary has no strings.
      out += value.dump();
      return;
  }
  out += "null";
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  const std::size_t left = s.size() - i;
  auto continuation = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
    return k < left && byte(i + k) >= lo && byte(i + k) <= hi;
  };
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned char lo = b0 == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
    const unsigned char hi = b0 == 0xED ? 0x9F : 0xBF;  // no surrogates
    return continuation(1, lo, hi) && continuation(2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned char lo = b0 == 0xF0 ? 0x90 : 0x80;  // no overlong forms
    const unsigned char hi = b0 == 0xF4 ? 0x8F : 0xBF;  // nothing past U+10FFFF
    return continuation(1, lo, hi) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

void append_json_string(std::string& out, std::string_view s) {
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 1) {
      append_ascii(out, s[i]);
    } else if (n == 0 || (n == 3 && is_byte_range_character(s, i))) {
      // A byte outside valid UTF-8, or each byte of a genuine U+EF80-U+EFFF character.
      const std::size_t bytes = n == 0 ? 1 : n;
      for (std::size_t k = 0; k < bytes; ++k)
        append_byte_character(out, static_cast<unsigned char>(s[i + k]));
      i += bytes;
      continue;
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
  out += '"';
}

std::string to_json_text(const nlohmann::ordered_json& value) {
  std::string out;
  append_value(out, value);
  return out;
}

void write_json(std::ostream& out, const nlohmann::ordered_json& value) {
  const std::string text = to_json_text(value);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace sqltriage
