// `sqltriage aws iam | cloudtrail | flowlogs`: how far the instance could go and went, read
// from the exports a responder collected (aws_exports.hpp), offline. Each evidence argument is
// an export file or a folder of them (walked recursively; each subcommand reads the files of
// its kind and leaves the others). docs/aws.md describes the findings: aws.export (one per
// file read), aws.instance, aws.role and aws.permission (iam), aws.api_call and
// aws.credential_use (cloudtrail), aws.flow_peer (flowlogs).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/evtx_scan.hpp"  // ScanOutcome
#include "sqltriage/filetime.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage {

// --- aws iam ------------------------------------------------------------------------------

struct AwsIamScanOptions {
  std::vector<std::filesystem::path> inputs;
  /// --instance-id: only this instance (and the role its profile names); "" = every instance.
  std::string instance_id;
};

/// Reads the IAM exports (read_iam_exports) and writes, in this order: one aws.export finding
/// per IAM file read; one aws.instance per instance (its profile, role and addresses); per
/// role, one aws.permission finding per statement of each policy (Effect, Action/NotAction,
/// Resource/NotResource, Condition verbatim, and the sensitive families it reaches, raised by
/// the aws checks unless a Deny overrides them), then one aws.role finding summarising what
/// the role may effectively do (sensitive families allowed and not denied, and those denied);
/// then the statements of policies tied to no role. The model's errors become error entries.
/// Throws std::invalid_argument (a usage error) when --instance-id is not an instance id
/// ("i-" and 8 or 17 hex digits).
ScanOutcome scan_aws_iam(const AwsIamScanOptions& options, const std::string& command,
                         FindingSink& sink);

/// The usage errors scan_aws_iam() throws, checked alone: the CLI calls it before it creates
/// the output file. Throws std::invalid_argument.
void check_options(const AwsIamScanOptions& options);

// --- aws cloudtrail -----------------------------------------------------------------------

struct AwsCloudTrailScanOptions {
  std::vector<std::filesystem::path> inputs;
  /// --source-ip: only calls from these addresses or CIDR blocks (any of them).
  std::vector<std::string> source_ips;
  /// --instance-id: only calls made with the instance role credentials of this instance (the
  /// role session named after it).
  std::string instance_id;
  /// --access-key: only calls signed with this access key id.
  std::string access_key;
  /// --since / --until (UTC FILETIMEs): only calls whose eventTime lies inside.
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  /// --instance-ip: the instance's own addresses (private and public). Added to those of any
  /// describe-instances export among the inputs. A call made with an instance's role
  /// credentials from any other address (not an AWS service name) is raised as credential
  /// theft (T1552.005).
  std::vector<std::string> instance_ips;
  /// --threads: files are read on this many threads (0 = cores), capped at the number of
  /// files and at 64 (at least 1); output keeps file order.
  unsigned threads = 0;
};

/// Streams every CloudTrail file of the inputs (read_cloudtrail; files in path order, events in
/// file order) and writes: one aws.api_call finding per event that passes the filters (ECS
/// names: event.action, event.provider, event.outcome, cloud.*, source.ip,
/// user_agent.original, with the userIdentity and a short requestParameters), raised by the
/// sensitive-call checks; after each file, its aws.export finding; at the end, one
/// aws.credential_use finding per instance role session seen (session i-...: the addresses
/// and user agents that used its credentials, first and last call), raised when an address is
/// not the instance's. Damaged records and cut files become error entries. Throws
/// std::invalid_argument (usage error) for an --instance-id, --access-key, --source-ip or
/// --instance-ip that cannot be one.
ScanOutcome scan_aws_cloudtrail(const AwsCloudTrailScanOptions& options, const std::string& command,
                                FindingSink& sink);

/// The usage errors scan_aws_cloudtrail() throws, checked alone (before the output is created).
void check_options(const AwsCloudTrailScanOptions& options);

// --- aws flowlogs -------------------------------------------------------------------------

struct AwsFlowLogsScanOptions {
  std::vector<std::filesystem::path> inputs;
  /// --host-ip: the instance's address as the flow logs see it (its private address).
  std::string host_ip;
  /// --pivot: peers first seen at or after it (and never before) are raised — when the logs
  /// hold records from before it; logs that begin after it give a "missing" error
  /// instead, since every peer would look new.
  std::optional<Filetime> pivot;
  /// --since / --until: only flows that overlap this window are counted.
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  /// --egress-bytes: bytes sent by the host to one public address at or above which the
  /// conversation is raised as an exfiltration candidate. Default 10 MiB.
  std::uint64_t egress_bytes = 10ull << 20;
  /// --top N: at most N aws.flow_peer findings, the most severe and largest first; a "limit"
  /// error says how many more there were.
  std::size_t top = 500;
  /// --vpc-cidr: the VPC's address blocks (IPv4 or IPv6 CIDR, or one address). Peers inside
  /// that classify_ip calls public are "vpc" peers, checked like private ones; IPv6 peers in
  /// the same /56 as host_ip (a VPC's IPv6 block) are "vpc" without it.
  std::vector<std::string> vpc_cidrs;
};

/// Streams every flow-log file of the inputs and folds the records that involve host_ip into
/// conversations: (peer address, service port, protocol, which side opened it — the service
/// port is the lower of the two ports, or the one in the lateral-movement list). Writes one
/// aws.export per file, then aws.flow_peer findings: every conversation with another private
/// address, public peers the host sent at least egress_bytes to, and REJECTed conversations,
/// raised by the flow checks (lateral-movement ports 22, 3389, 445, 135, 5985, 5986, 1433;
/// peers first seen after the pivot; egress volume; rejects). Conversations that can raise a
/// check are held up to 250,000, inbound conversations from public peers up to another
/// 250,000 and then folded into per-(port, protocol) aggregates ("limit" errors say what was
/// not held). Throws std::invalid_argument (usage error) when host_ip is not an IPv4 or IPv6
/// address or a vpc_cidrs entry is not an address or CIDR block.
ScanOutcome scan_aws_flowlogs(const AwsFlowLogsScanOptions& options, const std::string& command,
                              FindingSink& sink);

/// The usage errors scan_aws_flowlogs() throws, checked alone (before the output is created).
void check_options(const AwsFlowLogsScanOptions& options);

}  // namespace sqltriage
