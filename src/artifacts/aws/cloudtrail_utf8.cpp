#include "artifacts/aws/cloudtrail_utf8.hpp"

#include <string_view>

namespace sqltriage::aws::utf8 {

namespace {

unsigned char at(std::string_view s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

bool continuation(std::string_view s, std::size_t i) {
  return i < s.size() && (at(s, i) & 0xC0) == 0x80;
}

/// Length of the valid, shortest-form UTF-8 sequence at s[i] (no surrogates, at most
/// U+10FFFF); 0 when the byte there does not start one.
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const unsigned char b = at(s, i);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return continuation(s, i + 1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    if (!continuation(s, i + 1) || !continuation(s, i + 2)) return 0;
    const unsigned char b1 = at(s, i + 1);
    if (b == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b == 0xED && b1 > 0x9F) return 0;  // a surrogate
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (!continuation(s, i + 1) || !continuation(s, i + 2) || !continuation(s, i + 3)) return 0;
    const unsigned char b1 = at(s, i + 1);
    if (b == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

/// Whether s[i] starts the 3 bytes of a U+EF80-U+EFFF character (EE BE/BF xx).
bool is_byte_character(std::string_view s, std::size_t i) {
  return i + 2 < s.size() && at(s, i) == 0xEE && (at(s, i + 1) == 0xBE || at(s, i + 1) == 0xBF) &&
         (at(s, i + 2) & 0xC0) == 0x80;
}

void append_byte_character(std::string& out, unsigned char b) {
  const unsigned cp = 0xEF00u + b;
  out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
  out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
  out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
}

}  // namespace

std::size_t map_invalid(std::string& text) {
  std::string out;
  std::size_t invalid = 0;
  const std::string_view s = text;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = sequence_length(s, i);
    if (n == 0) {
      ++invalid;
      append_byte_character(out, at(s, i));
      ++i;
    } else if (n == 3 && is_byte_character(s, i)) {
      for (std::size_t k = 0; k < 3; ++k) append_byte_character(out, at(s, i + k));
      i += 3;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  if (invalid > 0) text = std::move(out);
  return invalid;
}

void unmap(std::string& s) {
  std::size_t w = 0;
  for (std::size_t r = 0; r < s.size();) {
    if (is_byte_character(s, r)) {
      const unsigned cp =
          ((at(s, r) & 0x0Fu) << 12) | ((at(s, r + 1) & 0x3Fu) << 6) | (at(s, r + 2) & 0x3Fu);
      s[w++] = static_cast<char>(cp - 0xEF00u);
      r += 3;
    } else {
      s[w++] = s[r++];
    }
  }
  s.resize(w);
}

void unmap(CloudTrailEvent& e) {
  for (std::string* s : {&e.event_time,
                         &e.event_source,
                         &e.event_name,
                         &e.aws_region,
                         &e.source_ip,
                         &e.user_agent,
                         &e.error_code,
                         &e.error_message,
                         &e.event_id,
                         &e.event_type,
                         &e.recipient_account_id,
                         &e.request_parameters,
                         &e.identity.type,
                         &e.identity.principal_id,
                         &e.identity.arn,
                         &e.identity.account_id,
                         &e.identity.access_key_id,
                         &e.identity.user_name,
                         &e.identity.session_issuer_type,
                         &e.identity.session_issuer_arn,
                         &e.identity.invoked_by})
    unmap(*s);
}

}  // namespace sqltriage::aws::utf8
