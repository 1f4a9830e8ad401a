// Escaping and pretty JSON for the HTML report (see html_text.hpp).
#include "output/html_text.hpp"

#include <cstdint>

#include "sqltriage/json_text.hpp"

namespace sqltriage::html {
namespace {

void append_code_point(std::string& out, char32_t cp) {
  // Only called for U+2400-U+2421 and U+EF80-U+EFFF: always three bytes.
  out += static_cast<char>(0xE0 | (cp >> 12));
  out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out += static_cast<char>(0x80 | (cp & 0x3F));
}

void append_ascii(std::string& out, char c) {
  switch (c) {
    case '&':
      out += "&amp;";
      return;
    case '<':
      out += "&lt;";
      return;
    case '>':
      out += "&gt;";
      return;
    case '"':
      out += "&quot;";
      return;
    case '\'':
      out += "&#39;";
      return;
    case '\t':
    case '\n':
    case '\r':
      out += c;
      return;
    default:
      break;
  }
  const auto u = static_cast<unsigned char>(c);
  if (u < 0x20)
    append_code_point(out, 0x2400 + u);
  else if (u == 0x7F)
    append_code_point(out, 0x2421);
  else
    out += c;
}

void append_pretty(std::string& out, const nlohmann::ordered_json& value, int depth) {
  using value_t = nlohmann::ordered_json::value_t;
  const auto newline = [&out](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(level) * 2, ' ');
  };
  switch (value.type()) {
    case value_t::object: {
      if (value.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& [key, member] : value.items()) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        append_json_string(out, key);
        out += ": ";
        append_pretty(out, member, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
    }
    case value_t::array: {
      if (value.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& element : value) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        append_pretty(out, element, depth + 1);
      }
      newline(depth);
      out += ']';
      return;
    }
    case value_t::string:
      append_json_string(out, value.get_ref<const std::string&>());
      return;
    default:
      // Scalars without strings: the JSON writer's own text (NaN and infinities as null).
      out += to_json_text(value);
      return;
  }
}

bool escape(std::string& out, std::string_view text, std::size_t max_chars, bool map_byte_range) {
  out.reserve(out.size() + text.size());
  std::size_t chars = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (chars == max_chars) {
      out += "\u2026";
      return true;
    }
    ++chars;
    const std::size_t n = utf8_sequence_length(text, i);
    if (n == 1) {
      append_ascii(out, text[i]);
      ++i;
      continue;
    }
    const bool byte_range = map_byte_range && n == 3 &&
                            static_cast<unsigned char>(text[i]) == 0xEE &&
                            static_cast<unsigned char>(text[i + 1]) >= 0xBE;
    if (n == 0 || byte_range) {
      const std::size_t bytes = n == 0 ? 1 : n;
      for (std::size_t k = 0; k < bytes; ++k)
        append_code_point(out, 0xEF00 + static_cast<unsigned char>(text[i + k]));
      i += bytes;
      continue;
    }
    out.append(text.data() + i, n);
    i += n;
  }
  return false;
}

}  // namespace

bool append_escaped(std::string& out, std::string_view text, std::size_t max_chars) {
  return escape(out, text, max_chars, true);
}

bool append_escaped_lossless(std::string& out, std::string_view text, std::size_t max_chars) {
  return escape(out, text, max_chars, false);
}

std::string escaped(std::string_view text, std::size_t max_chars) {
  std::string out;
  append_escaped(out, text, max_chars);
  return out;
}

std::string pretty_json(const nlohmann::ordered_json& value) {
  std::string out;
  append_pretty(out, value, 0);
  return out;
}

std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace sqltriage::html
