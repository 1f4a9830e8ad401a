// Text for the HTML report: escaping evidence strings and pretty JSON.
//
// Evidence strings may hold bytes that are not valid UTF-8. They are written with the
// project's lossless convention (docs/findings.md, "Strings that are not valid UTF-8"):
// each such byte, and each byte of a genuine U+EF80-U+EFFF character, becomes the code point
// U+EF00 + byte, exactly as in the findings document, so the page and the JSON agree.
// Escaping follows the HTML Living Standard's text and attribute-value rules; escaping all
// five of & < > " ' makes the result safe both as element text and inside a quoted attribute.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sqltriage::html {

/// No limit on the number of characters.
inline constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

/// Appends `text` escaped for HTML text or a quoted attribute value: & < > " ' become
/// character references; bytes outside valid UTF-8 (and genuine U+EF80-U+EFFF characters)
/// become U+EF00 + byte; C0 control characters other than tab, line feed and carriage return,
/// and DEL, become their Unicode control pictures (U+2400 + c, U+2421), which HTML can show.
/// When `text` has more than `max_chars` characters, the first `max_chars` are written
/// followed by "…" and the function returns true. Never throws except std::bad_alloc.
bool append_escaped(std::string& out, std::string_view text, std::size_t max_chars = kNoLimit);

/// As append_escaped for text that already follows the lossless convention (pretty_json's
/// output): U+EF80-U+EFFF characters are kept as they are instead of being mapped again.
bool append_escaped_lossless(std::string& out, std::string_view text,
                             std::size_t max_chars = kNoLimit);

/// append_escaped into a new string.
std::string escaped(std::string_view text, std::size_t max_chars = kNoLimit);

/// `value` as JSON indented by two spaces per level, strings written with the lossless
/// convention (valid UTF-8 whatever the bytes). Not HTML-escaped. Never throws on content.
std::string pretty_json(const nlohmann::ordered_json& value);

/// A count with thousands separators: 12345 -> "12,345".
std::string grouped(std::uint64_t n);

}  // namespace sqltriage::html
