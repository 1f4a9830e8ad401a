// The AWS exports a responder collects for the instance (all read offline: no network call is
// ever made and no credential is needed): which kind of export a file is, and the files of the
// folders given.
//
// Format knowledge: AWS CLI v2 output of `aws ec2 describe-instances`, `aws iam
// get-instance-profile`, `list-role-policies`, `get-role-policy`, `list-attached-role-policies`,
// `get-policy`, `get-policy-version`, `get-role` and `get-account-authorization-details`
// (AWS CLI Command Reference); the CloudTrail log file format as delivered to S3
// (`{"Records": [...]}`, gzip-compressed, AWS CloudTrail User Guide "CloudTrail log file
// examples") and `aws cloudtrail lookup-events` output (`{"Events": [{..., "CloudTrailEvent":
// "<JSON text>"}]}`); CloudTrail digest files (`{"awsAccountId": ..., "digestStartTime": ...}`);
// VPC flow log records (Amazon VPC User Guide "Flow log records": the version-2 default
// format and custom formats, whose files delivered to S3 start with a header line naming the
// fields); RFC 1952 (gzip).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::aws {

/// What an export file holds.
enum class ExportKind {
  iam,         ///< one of the IAM / EC2 CLI outputs above, or a bare policy document
  cloudtrail,  ///< CloudTrail records: a log file, lookup-events output, or one event per line
  cloudtrail_digest,  ///< a CloudTrail digest file (hashes of log files; no events)
  flowlogs,           ///< VPC flow log records
  unknown             ///< none of these
};

/// True for an EC2 instance id: "i-" and 8 or 17 lower-case hex digits.
bool is_instance_id(std::string_view text);

/// "iam", "cloudtrail", "cloudtrail_digest", "flowlogs", "unknown".
const char* to_string(ExportKind kind);

/// The kind of `source` from its first 64 KiB (inflated first when it is gzip): for JSON, the
/// first key of the top-level object ("Records", "Events", "eventVersion" or "eventTime" ->
/// cloudtrail; "awsAccountId" with "digestStartTime" -> cloudtrail_digest; "Reservations",
/// "InstanceProfile", "PolicyNames", "AttachedPolicies", "RoleName", "PolicyVersion",
/// "Policy", "Role", "UserDetailList", "RoleDetailList", "GroupDetailList", "Policies",
/// "Version", "Statement", "Id" -> iam); for text, a header line naming srcaddr and dstaddr,
/// or a first record that reads as the version-2 default format -> flowlogs. A UTF-8 BOM and
/// leading white space are skipped. Never throws for odd content (unknown); throws
/// ArtifactError (naming `display`) when the bytes cannot be read.
ExportKind classify_export(const std::shared_ptr<const ByteSource>& source,
                           const std::string& display);

/// An export file found under the inputs.
struct ExportFile {
  std::filesystem::path path;  ///< host path
  ExportKind kind = ExportKind::unknown;
  bool given = false;  ///< named on the command line itself (not found in a folder)
};

/// The files of `inputs` (files as given; folders walked recursively, in name order) with
/// their kinds. Symbolic links, FIFOs, devices and sockets are never opened: each is an
/// "open_failed" error in `errors`, as are unreadable files and folders; deeper than 32
/// levels is an error too. An input that does not exist is an "open_failed" error. Files of
/// kind unknown are listed (the caller decides whether they matter).
std::vector<ExportFile> find_exports(const std::vector<std::filesystem::path>& inputs,
                                     std::vector<ErrorEntry>& errors);

}  // namespace sqltriage::aws
