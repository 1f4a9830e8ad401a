// Serialising JSON values whose strings come from evidence and may not be valid UTF-8.
//
// Convention (documented in docs/findings.md, "Strings that are not valid UTF-8"):
// - valid UTF-8 is written as is (with the usual JSON escapes);
// - a UTF-16 lone surrogate that reached us in its 3-byte generalised UTF-8 form
//   (ED A0..BF xx, as WTF-8 writes it) is written as its \uD800-\uDFFF escape;
// - every other byte that is not part of valid UTF-8 is written as \uDC80-\uDCFF
//   (0xDC00 + byte), the PEP 383 "surrogateescape" mapping.
// The mapping is lossless: Python's json.loads(text) followed by
// str.encode("utf-8", "surrogateescape") returns the original bytes.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sqltriage {

/// Writes `value` as compact JSON using the convention above. Never throws on string content.
void write_json(std::ostream& out, const nlohmann::ordered_json& value);

/// Same as write_json, into a string.
std::string to_json_text(const nlohmann::ordered_json& value);

/// Appends `s` as a JSON string literal (with quotes) using the convention above.
void append_json_string(std::string& out, std::string_view s);

}  // namespace sqltriage
