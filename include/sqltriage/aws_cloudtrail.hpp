// CloudTrail events, one at a time, from log files as CloudTrail delivers them to S3
// (`{"Records": [...]}`, usually gzip-compressed), from `aws cloudtrail lookup-events` output
// (each event's record is JSON text in "CloudTrailEvent") and from files of one event object
// after another (one per line, as CloudWatch Logs exports them).
//
// Format knowledge: AWS CloudTrail User Guide, "CloudTrail record contents" (eventTime,
// eventSource, eventName, awsRegion, sourceIPAddress, userAgent, errorCode, errorMessage,
// requestParameters, eventID, eventType, recipientAccountId, readOnly) and "CloudTrail
// userIdentity element" (type, principalId, arn, accountId, accessKeyId, userName,
// sessionContext.sessionIssuer {type, arn, userName}, invokedBy; an EC2 instance role's
// session is an AssumedRole whose ARN ends in "/<instance id>" and whose principalId ends in
// ":<instance id>"); AWS CLI Command Reference, `cloudtrail lookup-events`; RFC 8259 (JSON);
// RFC 1952 (gzip).
//
// Units: times are UTC FILETIMEs (eventTime is ISO 8601 UTC); offsets are bytes in the
// decompressed file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::aws {

/// The userIdentity element.
struct UserIdentity {
  std::string type;          ///< "IAMUser", "AssumedRole", "Root", "AWSService", ...
  std::string principal_id;  ///< "AROAEXAMPLE:i-0abc..."
  std::string arn;           ///< "arn:aws:sts::123456789012:assumed-role/WebRole/i-0abc..."
  std::string account_id;
  std::string access_key_id;  ///< "ASIA..." (temporary) or "AKIA..." (long-term)
  std::string user_name;
  std::string session_issuer_type;  ///< sessionContext.sessionIssuer.type ("Role")
  std::string session_issuer_arn;   ///< sessionContext.sessionIssuer.arn (the role's ARN)
  std::string invoked_by;           ///< "ec2.amazonaws.com" for calls a service made
  /// The role session name of an AssumedRole identity: the ARN's last path component
  /// ("i-0abc..." for an instance role's credentials); "" for other types.
  std::string session_name() const;
};

/// One CloudTrail event. Absent fields are empty / std::nullopt.
struct CloudTrailEvent {
  std::optional<Filetime> time;  ///< eventTime (std::nullopt when absent or not ISO 8601)
  std::string event_time;        ///< eventTime as written
  std::string event_source;      ///< "secretsmanager.amazonaws.com"
  std::string event_name;        ///< "GetSecretValue"
  std::string aws_region;
  std::string source_ip;  ///< sourceIPAddress: an address, or a service name
  std::string user_agent;
  std::string error_code;  ///< "AccessDenied"; "" on success
  std::string error_message;
  std::string event_id;
  std::string event_type;  ///< "AwsApiCall", "AwsConsoleSignIn", ...
  std::string recipient_account_id;
  std::optional<bool> read_only;
  UserIdentity identity;
  /// requestParameters as compact JSON text ("" when null or absent), at most 4 KiB (cut
  /// with "..." appended).
  std::string request_parameters;
  std::uint64_t offset = 0;  ///< byte offset of the record's '{' in the decompressed file
  std::uint64_t index = 0;   ///< 0-based position of the record in its file
};

/// What a file turned out to hold and how much of it was read.
struct CloudTrailFileSummary {
  std::string layout;             ///< "records", "lookup-events", "event-lines"
  std::uint64_t events = 0;       ///< events handed out
  std::uint64_t bad_records = 0;  ///< records skipped as damaged
  bool truncated = false;         ///< the file (or its gzip stream) ended inside the JSON
};

/// Reads every event of one file as a stream: memory holds one record at a time (a record
/// larger than 64 MiB is skipped as damaged), never the whole file, so a 100 MB file on one
/// line costs no more than its largest record. `source` is gzip when it starts with 1F 8B.
/// `on_event` is called per event in file order. Record-level damage (a record that is not a
/// JSON object, bad UTF-8, a lookup-events "CloudTrailEvent" that is not valid JSON text, a
/// record over 64 MiB) calls `on_error` with a "record" error naming `display` and the
/// record's byte offset, and reading goes on with the next record; a file or gzip stream cut
/// short ends with a "truncated" error (the events before the cut are kept). Throws
/// ArtifactError (naming `display` and the offset) when the file is not one of the three
/// layouts at all.
CloudTrailFileSummary read_cloudtrail(std::shared_ptr<const ByteSource> source,
                                      const std::string& display,
                                      const std::function<void(const CloudTrailEvent&)>& on_event,
                                      const std::function<void(ErrorEntry)>& on_error);

}  // namespace sqltriage::aws
