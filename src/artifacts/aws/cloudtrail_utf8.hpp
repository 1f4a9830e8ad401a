// Internal to the CloudTrail reader: keeping a record whose text is not valid UTF-8.
//
// simdjson refuses such text as a whole. The record is rewritten with the project's convention
// for strings that are not valid UTF-8 (docs/findings.md, "Strings that are not valid UTF-8"):
// every byte outside valid UTF-8, and each byte of a genuine U+EF80-U+EFFF character, becomes
// the character U+EF00 + byte (3 bytes EE BE/BF xx). The rewritten text is valid UTF-8, so it
// parses; unmap() then turns every U+EF80-U+EFFF character of the strings read back into its
// one byte, so the event's strings hold the evidence's bytes exactly (the output writes them
// with the same convention).
#pragma once

#include <cstddef>
#include <string>

#include "sqltriage/aws_cloudtrail.hpp"

namespace sqltriage::aws::utf8 {

/// Rewrites `text` as above; returns how many bytes were not valid UTF-8 (0: unchanged).
std::size_t map_invalid(std::string& text);

/// Turns each U+EF80-U+EFFF character of `s` back into its byte (U+EF00 + byte).
void unmap(std::string& s);

/// unmap() on every string of the event.
void unmap(CloudTrailEvent& event);

}  // namespace sqltriage::aws::utf8
