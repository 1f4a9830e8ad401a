// CloudTrail records written by the aws cloudtrail tests: fields as the AWS CloudTrail User
// Guide documents them ("CloudTrail record contents", "CloudTrail userIdentity element"), with
// values each test chooses and then expects back.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sqltriage/aws_cloudtrail.hpp"
#include "sqltriage/byte_source.hpp"

namespace sqltriage::test::cloudtrail {

using OJson = nlohmann::ordered_json;

/// What read_cloudtrail handed out for one file.
struct Read {
  std::vector<aws::CloudTrailEvent> events;
  std::vector<ErrorEntry> errors;
  aws::CloudTrailFileSummary summary;
  bool refused = false;  ///< ArtifactError: not a CloudTrail file at all (read_guarded only)
  std::string escaped;   ///< any other exception's text (read_guarded only)
};

/// Reads a file with read_cloudtrail; its exceptions pass through.
inline Read read(const std::filesystem::path& p) {
  Read r;
  r.summary = aws::read_cloudtrail(
      open_host_file(p), p.string(), [&](const aws::CloudTrailEvent& e) { r.events.push_back(e); },
      [&](ErrorEntry e) { r.errors.push_back(std::move(e)); });
  return r;
}

/// An EC2 instance role session's identity (AssumedRole, session named after the instance).
inline OJson instance_identity(const std::string& instance, const std::string& key,
                               const std::string& role = "WebRole") {
  return OJson{
      {"type", "AssumedRole"},
      {"principalId", "AROAEXAMPLEROLEID:" + instance},
      {"arn", "arn:aws:sts::123456789012:assumed-role/" + role + "/" + instance},
      {"accountId", "123456789012"},
      {"accessKeyId", key},
      {"sessionContext",
       {{"sessionIssuer",
         {{"type", "Role"},
          {"principalId", "AROAEXAMPLEROLEID"},
          {"arn", "arn:aws:iam::123456789012:role/" + role},
          {"accountId", "123456789012"},
          {"userName", role}}},
        {"attributes", {{"creationDate", "2023-02-20T10:00:00Z"}, {"mfaAuthenticated", "false"}}},
        {"ec2RoleDelivery", "2.0"}}}};
}

/// An IAM user's identity.
inline OJson user_identity(const std::string& user, const std::string& key) {
  return OJson{{"type", "IAMUser"},
               {"principalId", "AIDAEXAMPLEUSER0001"},
               {"arn", "arn:aws:iam::123456789012:user/" + user},
               {"accountId", "123456789012"},
               {"accessKeyId", key},
               {"userName", user}};
}

/// A whole record (every documented top-level field, responseElements included).
inline OJson record(int i, const std::string& time, const std::string& source,
                    const std::string& name, const std::string& ip, OJson identity,
                    OJson request = nullptr) {
  OJson r;
  r["eventVersion"] = "1.08";
  r["userIdentity"] = std::move(identity);
  r["eventTime"] = time;
  r["eventSource"] = source;
  r["eventName"] = name;
  r["awsRegion"] = "eu-west-1";
  r["sourceIPAddress"] = ip;
  r["userAgent"] = "aws-cli/2.13.25 Python/3.11.5 Linux/5.10 exe/x86_64 #" + std::to_string(i);
  r["requestParameters"] = std::move(request);
  r["responseElements"] = {{"credentials",
                            {{"accessKeyId", "ASIARESPONSEKEY00001"},
                             {"sessionToken", "SECRET-SESSION-TOKEN-" + std::to_string(i)}}}};
  r["requestID"] = "req-" + std::to_string(i);
  r["eventID"] = "0000aaaa-0000-4000-8000-" + std::to_string(100000000000 + i);
  r["readOnly"] = i % 2 == 0;
  r["eventType"] = "AwsApiCall";
  r["managementEvent"] = true;
  r["recipientAccountId"] = "123456789012";
  return r;
}

}  // namespace sqltriage::test::cloudtrail
