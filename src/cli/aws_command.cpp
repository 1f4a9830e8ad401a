// `sqltriage aws iam | cloudtrail | flowlogs`: wiring only; the scans live in
// src/pipeline/aws/.
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "sqltriage/aws_scan.hpp"

namespace sqltriage::cli {

namespace {

constexpr const char* kExportsHelp =
    "Export files, or folders of them (walked recursively): the JSON the AWS CLI printed, "
    "CloudTrail log files (.json.gz as in S3), VPC flow log files";

std::vector<std::filesystem::path> paths_of(const std::vector<std::string>& inputs,
                                            const char* what) {
  if (inputs.empty())
    throw UsageError(std::string("say what to read: EXPORTS (") + what +
                     ", or a folder holding them)");
  std::vector<std::filesystem::path> out;
  for (const auto& i : inputs) out.emplace_back(i);
  return out;
}

/// The common options, less those for disk images: exports are files and folders.
void add_export_options(CLI::App& cmd, CommonOptions& common, bool with_time) {
  add_common_options(cmd, common, with_time, false);
  for (const char* name : {"--partition", "--offset"}) cmd.remove_option(cmd.get_option(name));
}

/// Runs a scan into the output, mapping its usage errors, and gives the exit code. The
/// options are checked before the output file is created, so a usage error leaves none.
template <typename Options, typename Scan>
int run_scan(const CommonOptions& common, const std::vector<std::string>& inputs,
             const std::string& command, const Options& options, Scan scan) {
  auto threshold = fail_on(common);
  try {
    check_options(options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  Output out(common, inputs);
  ScanOutcome outcome;
  try {
    outcome = scan(out.sink());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  out.finish();
  const auto& st = outcome.stats;
  spdlog::info("{}: {} files, {} records, {} findings, {} errors in {:.2f} s", command, st.files,
               st.records, st.findings, st.errors, st.elapsed_s);
  return exit_code(outcome.nothing_readable, outcome.max_severity, threshold);
}

std::optional<Filetime> time_option(const std::string& text, const char* option) {
  if (text.empty()) return std::nullopt;
  auto t = parse_iso8601(text);
  if (!t) throw UsageError(std::string(option) + ": not an ISO-8601 time: " + text);
  return t;
}

struct IamArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::string instance_id;
};

Runner register_iam(CLI::App& aws) {
  auto args = std::make_shared<IamArgs>();
  auto* cmd = aws.add_subcommand(
      "iam",
      "What the instance's role may do: instance -> instance profile -> role -> policies, "
      "every statement expanded, sensitive permissions flagged");
  cmd->add_option("exports", args->inputs, kExportsHelp)->type_name("EXPORTS");
  cmd->add_option("--instance-id", args->instance_id,
                  "Only this instance (i-...) and the role of its instance profile")
      ->type_name("ID");
  add_export_options(*cmd, args->common, false);
  cmd->footer(
      "Reads: aws ec2 describe-instances; aws iam get-instance-profile, get-role,\n"
      "list-role-policies, get-role-policy, list-attached-role-policies, get-policy,\n"
      "get-policy-version; or aws iam get-account-authorization-details.\n\n"
      "Examples:\n"
      "  sqltriage aws iam ./aws-exports/ --instance-id i-01a840fe4d183f01b\n"
      "  sqltriage aws iam authorization-details.json --fail-on high");
  return [args]() {
    AwsIamScanOptions opt;
    opt.inputs = paths_of(args->inputs, "the IAM and EC2 JSON exports");
    opt.instance_id = args->instance_id;
    return run_scan(args->common, args->inputs, "aws iam", opt,
                    [&](FindingSink& sink) { return scan_aws_iam(opt, "aws iam", sink); });
  };
}

struct CloudTrailArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::vector<std::string> source_ips;
  std::vector<std::string> instance_ips;
  std::string instance_id;
  std::string access_key;
};

Runner register_cloudtrail(CLI::App& aws) {
  auto args = std::make_shared<CloudTrailArgs>();
  auto* cmd = aws.add_subcommand(
      "cloudtrail",
      "CloudTrail calls: filtered by address, instance or access key, sensitive calls and "
      "instance credentials used from elsewhere flagged");
  cmd->add_option("exports", args->inputs, kExportsHelp)->type_name("EXPORTS");
  cmd->add_option("--source-ip", args->source_ips,
                  "Only calls from this address or CIDR block (repeatable: any of them)")
      ->type_name("IP|CIDR");
  cmd->add_option("--instance-id", args->instance_id,
                  "Only calls made with this instance's role credentials (session i-...)")
      ->type_name("ID");
  cmd->add_option("--access-key", args->access_key,
                  "Only calls signed with this access key id (AKIA... or ASIA...)")
      ->type_name("KEY");
  cmd->add_option("--instance-ip", args->instance_ips,
                  "An address of the instance (repeatable), besides those of describe-instances "
                  "exports among the inputs: its credentials used from any other are flagged")
      ->type_name("IP");
  add_export_options(*cmd, args->common, true);
  cmd->footer(
      "Reads: CloudTrail log files ({\"Records\": [...]}, plain or .json.gz), aws cloudtrail\n"
      "lookup-events output, files of one event per line.\n\n"
      "Examples:\n"
      "  sqltriage aws cloudtrail ./AWSLogs/ --source-ip 203.0.113.45\n"
      "  sqltriage aws cloudtrail ./AWSLogs/ ./exports/ --instance-id i-01a840fe4d183f01b \\\n"
      "      --pivot 2023-02-20T14:03:11Z --window 1d");
  return [args]() {
    AwsCloudTrailScanOptions opt;
    opt.inputs = paths_of(args->inputs, "CloudTrail files");
    opt.source_ips = args->source_ips;
    opt.instance_ips = args->instance_ips;
    opt.instance_id = args->instance_id;
    opt.access_key = args->access_key;
    const TimeRange range = time_range(args->common);
    opt.since = range.since;
    opt.until = range.until;
    opt.threads = args->common.threads;
    return run_scan(args->common, args->inputs, "aws cloudtrail", opt, [&](FindingSink& sink) {
      return scan_aws_cloudtrail(opt, "aws cloudtrail", sink);
    });
  };
}

struct FlowLogsArgs {
  CommonOptions common;
  std::vector<std::string> inputs;
  std::string host_ip;
  std::string egress = "10M";
  long long top = 500;
  std::vector<std::string> vpc_cidrs;
};

Runner register_flowlogs(CLI::App& aws) {
  auto args = std::make_shared<FlowLogsArgs>();
  auto* cmd = aws.add_subcommand(
      "flowlogs",
      "VPC flow logs of the host: private peers on lateral-movement ports, peers new after the "
      "pivot, bytes sent to public addresses, rejected attempts");
  cmd->add_option("exports", args->inputs, kExportsHelp)->type_name("EXPORTS");
  cmd->add_option("--host-ip", args->host_ip,
                  "The instance's address as the flow logs record it (its private address)")
      ->type_name("IP")
      ->required();
  cmd->add_option("--pivot", args->common.pivot,
                  "Peers first seen at or after this time (ISO-8601, UTC unless an offset is "
                  "given), and never before, are raised")
      ->type_name("TIME");
  cmd->add_option("--since", args->common.since, "Only flows that end at or after TIME")
      ->type_name("TIME");
  cmd->add_option("--until", args->common.until, "Only flows that start at or before TIME")
      ->type_name("TIME");
  cmd->add_option("--egress-bytes", args->egress,
                  "Raise a public peer the host sent at least this much to; default 10M")
      ->type_name("BYTES");
  cmd->add_option("--top", args->top,
                  "At most N peer findings, most severe and largest first; default 500")
      ->type_name("N");
  cmd->add_option("--vpc-cidr", args->vpc_cidrs,
                  "The VPC's address block (IPv4 or IPv6; repeatable): peers inside are internal "
                  "('vpc'), checked like private ones. IPv6 peers in the host's /56 are so "
                  "without it")
      ->type_name("CIDR");
  add_export_options(*cmd, args->common, false);
  cmd->footer(
      "Reads: VPC flow log records, the version-2 default format or a custom format with its\n"
      "header line, plain or .gz.\n\n"
      "Examples:\n"
      "  sqltriage aws flowlogs ./vpc-flow-logs/ --host-ip 10.0.1.15 --pivot 2023-02-20T14:03:11Z\n"
      "  sqltriage aws flowlogs eni-0a1b.log.gz --host-ip 10.0.1.15 --egress-bytes 100M");
  return [args]() {
    AwsFlowLogsScanOptions opt;
    opt.inputs = paths_of(args->inputs, "VPC flow log files");
    opt.host_ip = args->host_ip;
    opt.vpc_cidrs = args->vpc_cidrs;
    opt.pivot = time_option(args->common.pivot, "--pivot");
    opt.since = time_option(args->common.since, "--since");
    opt.until = time_option(args->common.until, "--until");
    if (opt.since && opt.until && *opt.since > *opt.until)
      throw UsageError("--since is after --until");
    opt.egress_bytes = parse_bytes(args->egress, "--egress-bytes", false);
    if (args->top < 1) throw UsageError("--top must be at least 1");
    opt.top = static_cast<std::size_t>(args->top);
    return run_scan(args->common, args->inputs, "aws flowlogs", opt, [&](FindingSink& sink) {
      return scan_aws_flowlogs(opt, "aws flowlogs", sink);
    });
  };
}

}  // namespace

Runner register_aws(CLI::App& app) {
  auto* aws = app.add_subcommand(
      "aws", "AWS exports of the instance, read offline: IAM role policy, CloudTrail, flow logs");
  aws->require_subcommand(1);
  auto runners = std::make_shared<std::map<std::string, Runner>>();
  (*runners)["iam"] = register_iam(*aws);
  (*runners)["cloudtrail"] = register_cloudtrail(*aws);
  (*runners)["flowlogs"] = register_flowlogs(*aws);
  aws->footer(
      "No network call is made and no credential is read: give the files the AWS CLI printed or\n"
      "CloudTrail and VPC Flow Logs delivered.\n"
      "Run 'sqltriage aws iam|cloudtrail|flowlogs --help' for each one's options.");
  return [aws, runners]() {
    for (auto* sub : aws->get_subcommands()) return runners->at(sub->get_name())();
    throw UsageError("aws: say which export to read: iam, cloudtrail or flowlogs");
  };
}

}  // namespace sqltriage::cli
