// Internal to the IAM reader: export files read as JSON, and policy documents (a JSON object,
// JSON text in a string, or that text URL-encoded as the IAM API returns it) turned into
// statements.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/aws_iam.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::aws::iam_detail {

/// Export files larger than this are refused ("open_failed").
constexpr std::uint64_t kMaxExportBytes = 64ull << 20;
/// JSON nested deeper than this is refused: a file "open_failed", a document "record".
constexpr std::size_t kMaxDepth = 256;

/// RFC 3986 percent-decoding ("%7B" -> '{'); '+' stays '+' and a '%' not followed by two hex
/// digits is kept as written (urllib.parse.unquote does the same).
std::string url_decode(std::string_view text);

/// Parses JSON text. On failure returns std::nullopt with `error` set and `offset` the 0-based
/// byte where the parser stopped (nlohmann's parse_error byte, less one), or where the nesting
/// passed kMaxDepth.
std::optional<nlohmann::ordered_json> parse_json(std::string_view text, std::string& error,
                                                 std::uint64_t& offset);

/// Reads a whole export file (at most kMaxExportBytes) as JSON; on failure appends an
/// "open_failed" error naming `display` (with the offset for bad JSON) and returns nullopt.
std::optional<nlohmann::ordered_json> read_json_file(const ByteSource& source,
                                                     const std::string& display,
                                                     std::vector<ErrorEntry>& errors);

/// Fills `policy.statements` from a PolicyDocument / Document value and sets
/// `policy.documented`. A document that does not parse, is not an object or has no usable
/// Statement, and each statement with a field of the wrong type, is a "record" error naming
/// `policy.source`, `label` (the policy as errors name it) and the statement; the statements
/// that read are kept.
void read_document(const nlohmann::ordered_json& value, Policy& policy, const std::string& label,
                   std::vector<ErrorEntry>& errors);

/// "managed policy NAME" or "inline policy NAME".
std::string policy_label(const Policy& policy);

}  // namespace sqltriage::aws::iam_detail
