// Serialising JSON values whose strings come from evidence and may not be valid UTF-8.
//
// Convention (documented in docs/findings.md, "Strings that are not valid UTF-8"):
// - valid UTF-8 is written as is, with the usual JSON escapes, except the private-use
//   code points U+EF80-U+EFFF (rare: only end-user-defined characters use them);
// - every byte that is not part of a valid UTF-8 sequence (0x80-0xFF; this includes the
//   3-byte forms of UTF-16 lone surrogates, ED A0..BF xx, as WTF-8 writes them), and every
//   byte of a genuine U+EF80-U+EFFF character, is written as the code point U+EF00 + byte
//   (U+EF80-U+EFFF), as MirOS OPTU-8 does.
// The output is always valid UTF-8 that every strict JSON parser reads, and the mapping is
// lossless: replacing each U+EF80-U+EFFF character by the byte (code point - 0xEF00) and
// encoding every other character as UTF-8 gives back the original bytes exactly.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <string_view>

namespace sqltriage {

/// Writes `value` as compact JSON using the convention above. Never throws on string content.
void write_json(std::ostream& out, const nlohmann::ordered_json& value);

/// Same as write_json, into a string.
std::string to_json_text(const nlohmann::ordered_json& value);

/// Length of the valid, shortest-form UTF-8 sequence (no overlong forms, no surrogates, at
/// most U+10FFFF) starting at s[i], or 0 when the byte there does not start one (RFC 3629).
/// The rule that decides which bytes the convention above maps to U+EF00 + byte.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

/// Appends `s` as a JSON string literal (with quotes) using the convention above.
void append_json_string(std::string& out, std::string_view s);

}  // namespace sqltriage
