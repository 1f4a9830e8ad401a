// apply_aws_cloudtrail_checks on aws.api_call and aws.credential_use findings made from events
// the test builds: each sensitive call with its check id, severity and technique; failed calls
// one severity lower; instance credentials used from elsewhere.
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "pipeline/aws/cloudtrail_finding.hpp"
#include "pipeline/aws/cloudtrail_sessions.hpp"
#include "sqltriage/checks.hpp"

using sqltriage::Finding;
using sqltriage::Severity;
using sqltriage::aws::CloudTrailEvent;

namespace {

CloudTrailEvent event(const std::string& source, const std::string& name,
                      const std::string& ip = "203.0.113.9") {
  CloudTrailEvent e;
  e.event_source = source;
  e.event_name = name;
  e.source_ip = ip;
  e.event_time = "2023-02-20T14:03:11Z";
  e.time = sqltriage::parse_iso8601(e.event_time);
  e.identity.type = "IAMUser";
  e.identity.arn = "arn:aws:iam::123456789012:user/alice";
  return e;
}

CloudTrailEvent instance_event(const std::string& ip, const std::string& instance) {
  auto e = event("ec2.amazonaws.com", "DescribeInstances", ip);
  e.identity.type = "AssumedRole";
  e.identity.arn = "arn:aws:sts::123456789012:assumed-role/WebRole/" + instance;
  e.identity.principal_id = "AROAEXAMPLE:" + instance;
  e.identity.session_issuer_arn = "arn:aws:iam::123456789012:role/WebRole";
  e.identity.access_key_id = "ASIAEXAMPLE0000001";
  return e;
}

const sqltriage::CheckHit* hit(const Finding& f, const std::string& id) {
  for (const auto& h : f.checks)
    if (h.id == id) return &h;
  return nullptr;
}

}  // namespace

TEST_CASE("cloudtrail checks: each sensitive call, and one lower when it failed",
          "[aws-cloudtrail]") {
  // (eventSource, eventName, check id, severity, technique)
  const std::vector<std::tuple<std::string, std::string, std::string, Severity, std::string>>
      cases = {
          {"secretsmanager.amazonaws.com", "GetSecretValue", "cloudtrail_secret_read",
           Severity::high, "T1555.006"},
          {"ssm.amazonaws.com", "GetParameter", "cloudtrail_parameter_read", Severity::high,
           "T1555.006"},
          {"ssm.amazonaws.com", "GetParameters", "cloudtrail_parameter_read", Severity::high,
           "T1555.006"},
          {"ssm.amazonaws.com", "GetParametersByPath", "cloudtrail_parameter_read", Severity::high,
           "T1555.006"},
          {"iam.amazonaws.com", "CreateAccessKey", "cloudtrail_access_key_created", Severity::high,
           "T1098.001"},
          {"iam.amazonaws.com", "CreateUser", "cloudtrail_user_created", Severity::high,
           "T1136.003"},
          {"iam.amazonaws.com", "CreateLoginProfile", "cloudtrail_login_profile", Severity::high,
           "T1098"},
          {"iam.amazonaws.com", "AttachUserPolicy", "cloudtrail_policy_attached", Severity::high,
           "T1098.003"},
          {"iam.amazonaws.com", "AttachRolePolicy", "cloudtrail_policy_attached", Severity::high,
           "T1098.003"},
          {"iam.amazonaws.com", "PutUserPolicy", "cloudtrail_policy_attached", Severity::high,
           "T1098.003"},
          {"iam.amazonaws.com", "PutRolePolicy", "cloudtrail_policy_attached", Severity::high,
           "T1098.003"},
          {"s3.amazonaws.com", "PutBucketPolicy", "cloudtrail_bucket_policy", Severity::medium,
           "T1537"},
          {"cloudtrail.amazonaws.com", "StopLogging", "cloudtrail_trail_tampering", Severity::high,
           "T1562.008"},
          {"cloudtrail.amazonaws.com", "DeleteTrail", "cloudtrail_trail_tampering", Severity::high,
           "T1562.008"},
          {"cloudtrail.amazonaws.com", "UpdateTrail", "cloudtrail_trail_tampering", Severity::high,
           "T1562.008"},
          {"cloudtrail.amazonaws.com", "PutEventSelectors", "cloudtrail_trail_tampering",
           Severity::high, "T1562.008"},
          {"sts.amazonaws.com", "GetCallerIdentity", "cloudtrail_caller_identity", Severity::low,
           "T1033"},
          {"s3.amazonaws.com", "ListBuckets", "cloudtrail_list_buckets", Severity::low, "T1619"},
      };
  const sqltriage::checks::AwsCloudTrailCheckOptions none;
  for (const auto& [source, name, id, severity, technique] : cases) {
    INFO(name);
    auto ok = sqltriage::aws::api_call_finding(event(source, name), "t.json");
    sqltriage::checks::apply_aws_cloudtrail_checks(ok, none);
    const auto* h = hit(ok, id);
    REQUIRE(h != nullptr);
    CHECK(h->severity == severity);
    CHECK(ok.severity == severity);
    CHECK(h->attack == std::vector<std::string>{technique});
    CHECK(ok.checks.size() == 1);

    auto failed_event = event(source, name);
    failed_event.error_code = "AccessDenied";
    auto failed = sqltriage::aws::api_call_finding(failed_event, "t.json");
    sqltriage::checks::apply_aws_cloudtrail_checks(failed, none);
    const auto* fh = hit(failed, id);
    REQUIRE(fh != nullptr);
    CHECK(static_cast<int>(fh->severity) == static_cast<int>(severity) - 1);
    CHECK(fh->reason.find("AccessDenied") != std::string::npos);
    CHECK(failed.data["event"]["outcome"] == "failure");
  }
  // The same names on another service, and ordinary calls, raise nothing.
  for (const auto& [source, name] :
       std::vector<std::pair<std::string, std::string>>{{"s3.amazonaws.com", "GetSecretValue"},
                                                        {"ec2.amazonaws.com", "DescribeInstances"},
                                                        {"iam.amazonaws.com", "ListRoles"}}) {
    auto f = sqltriage::aws::api_call_finding(event(source, name), "t.json");
    sqltriage::checks::apply_aws_cloudtrail_checks(f, none);
    CHECK(f.checks.empty());
    CHECK(f.severity == Severity::info);
  }
}

TEST_CASE("cloudtrail checks: instance role credentials used from another address",
          "[aws-cloudtrail]") {
  const std::string instance = "i-0123456789abcdef0";
  sqltriage::checks::AwsCloudTrailCheckOptions own;
  own.instance_ips = {"10.0.1.15", "54.170.1.2"};
  const std::string theft = "cloudtrail_instance_credentials_elsewhere";

  auto from_instance = sqltriage::aws::api_call_finding(instance_event("10.0.1.15", instance), "t");
  CHECK(from_instance.data["cloud"]["instance"]["id"] == instance);
  sqltriage::checks::apply_aws_cloudtrail_checks(from_instance, own);
  CHECK(hit(from_instance, theft) == nullptr);

  auto from_public = sqltriage::aws::api_call_finding(instance_event("54.170.1.2", instance), "t");
  sqltriage::checks::apply_aws_cloudtrail_checks(from_public, own);
  CHECK(hit(from_public, theft) == nullptr);

  auto elsewhere = sqltriage::aws::api_call_finding(instance_event("198.51.100.23", instance), "t");
  sqltriage::checks::apply_aws_cloudtrail_checks(elsewhere, own);
  const auto* h = hit(elsewhere, theft);
  REQUIRE(h != nullptr);
  CHECK(h->severity == Severity::high);
  CHECK(h->attack == std::vector<std::string>{"T1552.005"});
  CHECK(h->reason.find("198.51.100.23") != std::string::npos);

  // A service acting for the instance, and no known addresses: nothing to compare.
  auto service =
      sqltriage::aws::api_call_finding(instance_event("ec2.amazonaws.com", instance), "t");
  sqltriage::checks::apply_aws_cloudtrail_checks(service, own);
  CHECK(hit(service, theft) == nullptr);
  auto unknown = sqltriage::aws::api_call_finding(instance_event("198.51.100.23", instance), "t");
  sqltriage::checks::apply_aws_cloudtrail_checks(unknown, {});
  CHECK(hit(unknown, theft) == nullptr);

  // The session summary: raised with the foreign address and its call count.
  sqltriage::aws::Sessions sessions;
  for (const auto& ip : {"10.0.1.15", "10.0.1.15", "198.51.100.23", "AWS Internal", "198.51.100.23",
                         "198.51.100.23"})
    sessions.add(instance_event(ip, instance), "trail.json");
  REQUIRE(sessions.all().size() == 1);
  const auto& s = sessions.all().begin()->second;
  CHECK(s.calls == 6);
  CHECK(s.role_arn == "arn:aws:iam::123456789012:role/WebRole");
  auto use = sqltriage::aws::credential_use_finding(s, own.instance_ips);
  CHECK(use.data["aws"]["cloudtrail"]["source_addresses"]["198.51.100.23"] == 3);
  CHECK(use.data["aws"]["cloudtrail"]["source_addresses"]["10.0.1.15"] == 2);
  sqltriage::checks::apply_aws_cloudtrail_checks(use, own);
  const auto* u = hit(use, theft);
  REQUIRE(u != nullptr);
  CHECK(u->reason.find("3 call(s) from 198.51.100.23") != std::string::npos);
  CHECK(u->reason.find("AWS Internal") == std::string::npos);
}
