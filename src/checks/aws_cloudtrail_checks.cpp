// The CloudTrail checks (docs/checks.md#aws-checks): sensitive API calls a responder looks for
// after an instance's role credentials may have been taken, and those credentials used from an
// address that is not the instance's.
#include <array>
#include <string_view>

#include "checks/data_fields.hpp"
#include "core/ascii.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks {

namespace {

using data::member;
using data::text;
using nlohmann::ordered_json;

constexpr const char* kCloudSecrets = "T1555.006";      // Cloud Secrets Management Stores
constexpr const char* kCloudCredentials = "T1098.001";  // Additional Cloud Credentials
constexpr const char* kCloudAccount = "T1136.003";      // Create Account: Cloud Account
constexpr const char* kAccountManipulation = "T1098";
constexpr const char* kCloudRoles = "T1098.003";  // Additional Cloud Roles
constexpr const char* kTransferToCloudAccount = "T1537";
constexpr const char* kCloudLogs = "T1562.008";         // Disable or Modify Cloud Logs
constexpr const char* kOwnerDiscovery = "T1033";        // System Owner/User Discovery
constexpr const char* kStorageDiscovery = "T1619";      // Cloud Storage Object Discovery
constexpr const char* kInstanceMetadata = "T1552.005";  // Cloud Instance Metadata API

/// A sensitive call: eventSource and eventName as CloudTrail writes them.
struct Rule {
  std::string_view source;
  std::string_view name;
  const char* id;
  Severity severity;
  const char* technique;
  const char* why;
};

constexpr std::array<Rule, 20> kRules = {{
    {"secretsmanager.amazonaws.com", "GetSecretValue", "cloudtrail_secret_read", Severity::high,
     kCloudSecrets, "reads a secret from Secrets Manager"},
    {"ssm.amazonaws.com", "GetParameter", "cloudtrail_parameter_read", Severity::high,
     kCloudSecrets, "reads a Parameter Store parameter"},
    {"ssm.amazonaws.com", "GetParameters", "cloudtrail_parameter_read", Severity::high,
     kCloudSecrets, "reads Parameter Store parameters"},
    {"ssm.amazonaws.com", "GetParametersByPath", "cloudtrail_parameter_read", Severity::high,
     kCloudSecrets, "reads every Parameter Store parameter under a path"},
    {"iam.amazonaws.com", "CreateAccessKey", "cloudtrail_access_key_created", Severity::high,
     kCloudCredentials, "creates a long-term access key"},
    {"iam.amazonaws.com", "CreateUser", "cloudtrail_user_created", Severity::high, kCloudAccount,
     "creates an IAM user"},
    {"iam.amazonaws.com", "CreateLoginProfile", "cloudtrail_login_profile", Severity::high,
     kAccountManipulation, "gives an IAM user a console password"},
    {"iam.amazonaws.com", "UpdateLoginProfile", "cloudtrail_login_profile", Severity::high,
     kAccountManipulation, "changes an IAM user's console password"},
    {"iam.amazonaws.com", "AttachUserPolicy", "cloudtrail_policy_attached", Severity::high,
     kCloudRoles, "attaches a managed policy to a user"},
    {"iam.amazonaws.com", "AttachRolePolicy", "cloudtrail_policy_attached", Severity::high,
     kCloudRoles, "attaches a managed policy to a role"},
    {"iam.amazonaws.com", "AttachGroupPolicy", "cloudtrail_policy_attached", Severity::high,
     kCloudRoles, "attaches a managed policy to a group"},
    {"iam.amazonaws.com", "PutUserPolicy", "cloudtrail_policy_attached", Severity::high,
     kCloudRoles, "writes an inline policy of a user"},
    {"iam.amazonaws.com", "PutRolePolicy", "cloudtrail_policy_attached", Severity::high,
     kCloudRoles, "writes an inline policy of a role"},
    {"iam.amazonaws.com", "PutGroupPolicy", "cloudtrail_policy_attached", Severity::high,
     kCloudRoles, "writes an inline policy of a group"},
    {"s3.amazonaws.com", "PutBucketPolicy", "cloudtrail_bucket_policy", Severity::medium,
     kTransferToCloudAccount, "replaces a bucket policy (may open the bucket to another account)"},
    {"cloudtrail.amazonaws.com", "StopLogging", "cloudtrail_trail_tampering", Severity::high,
     kCloudLogs, "stops a trail's logging"},
    {"cloudtrail.amazonaws.com", "DeleteTrail", "cloudtrail_trail_tampering", Severity::high,
     kCloudLogs, "deletes a trail"},
    {"cloudtrail.amazonaws.com", "UpdateTrail", "cloudtrail_trail_tampering", Severity::high,
     kCloudLogs, "changes a trail's settings"},
    {"cloudtrail.amazonaws.com", "PutEventSelectors", "cloudtrail_trail_tampering", Severity::high,
     kCloudLogs, "changes which events a trail records"},
    {"sts.amazonaws.com", "GetCallerIdentity", "cloudtrail_caller_identity", Severity::low,
     kOwnerDiscovery, "asks whose credentials these are (reconnaissance)"},
}};

constexpr Rule kListBuckets = {
    "s3.amazonaws.com", "ListBuckets",     "cloudtrail_list_buckets",
    Severity::low,      kStorageDiscovery, "lists every bucket of the account (reconnaissance)"};

Severity one_lower(Severity s) {
  return s == Severity::info ? s : static_cast<Severity>(static_cast<int>(s) - 1);
}

/// The string at data[a][b] ("" when absent).
std::string text2(const ordered_json& j, const char* a, const char* b) {
  const auto* m = member(j, a);
  return m ? text(*m, b) : std::string();
}

/// An address as compared: lower-case, an IPv4-mapped IPv6 address as its IPv4 form.
std::string normal(std::string_view a) {
  std::string s = ascii_lower(a);
  if (s.rfind("::ffff:", 0) == 0 && s.find('.') != std::string::npos) s = s.substr(7);
  return s;
}

bool is_instance_address(const std::string& ip, const AwsCloudTrailCheckOptions& o) {
  const std::string n = normal(ip);
  for (const auto& own : o.instance_ips)
    if (normal(own) == n) return true;
  return false;
}

std::string known_list(const AwsCloudTrailCheckOptions& o) {
  std::string out;
  for (const auto& ip : o.instance_ips) out += (out.empty() ? "" : ", ") + ip;
  return out;
}

void api_call_checks(Finding& f, const AwsCloudTrailCheckOptions& o) {
  const std::string action = text2(f.data, "event", "action");
  const std::string provider = text2(f.data, "event", "provider");
  const auto* aws = member(f.data, "aws");
  const auto* ct = aws ? member(*aws, "cloudtrail") : nullptr;
  const std::string error = ct ? text(*ct, "error_code") : std::string();
  const Rule* rule = nullptr;
  for (const auto& r : kRules)
    if (r.name == action && r.source == provider) rule = &r;
  if (kListBuckets.name == action && kListBuckets.source == provider) rule = &kListBuckets;
  if (rule) {
    std::string reason = action + " on " + provider + " " + rule->why;
    Severity severity = rule->severity;
    if (!error.empty()) {
      severity = one_lower(severity);
      reason += "; the call failed (" + error + "), so one severity lower";
    }
    f.add_check({rule->id, severity, {rule->technique}, reason});
  }
  // Instance role credentials used from another address.
  const auto* cloud = member(f.data, "cloud");
  const auto* instance = cloud ? member(*cloud, "instance") : nullptr;
  const std::string instance_id = instance ? text(*instance, "id") : std::string();
  const std::string ip = text2(f.data, "source", "ip");
  if (instance_id.empty() || ip.empty() || o.instance_ips.empty()) return;
  if (is_instance_address(ip, o)) return;
  f.add_check(
      {"cloudtrail_instance_credentials_elsewhere",
       Severity::high,
       {kInstanceMetadata},
       "the role credentials of instance " + instance_id + " were used from " + ip +
           ", not one of the instance's addresses (" + known_list(o) + ")" +
           (error.empty() ? std::string()
                          : "; the call failed (" + error + "), but the credentials were used")});
}

void credential_use_checks(Finding& f, const AwsCloudTrailCheckOptions& o) {
  if (o.instance_ips.empty()) return;
  const auto* aws = member(f.data, "aws");
  const auto* ct = aws ? member(*aws, "cloudtrail") : nullptr;
  const auto* addresses = ct ? member(*ct, "source_addresses") : nullptr;
  if (!addresses || !addresses->is_object()) return;
  std::string foreign;
  std::uint64_t calls = 0;
  for (const auto& [ip, n] : addresses->items()) {
    if (classify_ip(ip) == "invalid" || is_instance_address(ip, o)) continue;
    foreign += (foreign.empty() ? "" : ", ") + ip;
    calls += n.is_number_unsigned() ? n.get<std::uint64_t>() : 0;
  }
  if (foreign.empty()) return;
  const auto* cloud = member(f.data, "cloud");
  const auto* instance = cloud ? member(*cloud, "instance") : nullptr;
  const std::string id = instance ? text(*instance, "id") : std::string();
  f.add_check({"cloudtrail_instance_credentials_elsewhere",
               Severity::high,
               {kInstanceMetadata},
               "the role credentials of instance " + id + " made " + std::to_string(calls) +
                   " call(s) from " + foreign + ", not the instance's addresses (" + known_list(o) +
                   ")"});
}

}  // namespace

void apply_aws_cloudtrail_checks(Finding& f, const AwsCloudTrailCheckOptions& options) {
  if (f.type == "aws.api_call")
    api_call_checks(f, options);
  else if (f.type == "aws.credential_use")
    credential_use_checks(f, options);
}

}  // namespace sqltriage::checks
