// Internal to the CloudTrail reader: one record's JSON text -> CloudTrailEvent, with simdjson
// On Demand (only the fields the event needs are decoded; responseElements and the rest are
// skipped, never copied).
//
// Format knowledge: AWS CloudTrail User Guide, "CloudTrail record contents" and "CloudTrail
// userIdentity element"; AWS CLI Command Reference, `cloudtrail lookup-events` (Events[] with
// EventId, EventName, EventTime, EventSource, Username, AccessKeyId and CloudTrailEvent, the
// record as JSON text).
#pragma once

#include <simdjson.h>

#include <string>

#include "sqltriage/aws_cloudtrail.hpp"

namespace sqltriage::aws::record {

/// requestParameters kept, in bytes of compact JSON; longer text is cut and "..." appended.
inline constexpr std::size_t kMaxRequestParameters = 4096;

/// Parses one CloudTrail record held in `text` (whose capacity must exceed its size by
/// simdjson::SIMDJSON_PADDING: call pad() first) into `out` (fields not in the record are
/// left as they are). Returns "" on success, else why the record cannot be read ("not a
/// JSON object", simdjson's error text). The values of the fields read are checked in full;
/// the others (responseElements, resources, ...) only as far as simdjson's structural pass
/// goes (UTF-8, strings, brackets).
std::string parse_record(simdjson::ondemand::parser& parser, std::string& text,
                         CloudTrailEvent& out);

/// Parses one element of a lookup-events "Events" array: the record in its CloudTrailEvent
/// text, with EventId, EventName, EventTime, EventSource and AccessKeyId filling the fields the
/// record lacks (Username only when there is no record: for a role it is the session name).
/// `scratch` holds the inner text. Returns "" or why not.
std::string parse_lookup_event(simdjson::ondemand::parser& parser, std::string& text,
                               std::string& scratch, CloudTrailEvent& out);

/// Makes `text`'s capacity large enough for simdjson (size + padding), the padding bytes
/// written (spaces) so that simdjson never reads uninitialised memory.
void pad(std::string& text);

}  // namespace sqltriage::aws::record
