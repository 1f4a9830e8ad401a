// Shared by the [aws-iam] tests: running scan_aws_iam into memory, picking findings, and asking
// jq about a fixture.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sqltriage/aws_scan.hpp"
#include "sqltriage/output.hpp"
#include "support.hpp"

namespace sqltriage::test::aws_iam {

using Json = nlohmann::ordered_json;

using Collect = sqltriage::test::CollectingSink;

struct Scan {
  Collect out;
  ScanOutcome outcome;
};

inline Scan scan(const std::vector<std::filesystem::path>& inputs,
                 const std::string& instance_id = "") {
  AwsIamScanOptions opt;
  opt.inputs = inputs;
  opt.instance_id = instance_id;
  Scan s;
  s.outcome = scan_aws_iam(opt, "aws iam", s.out);
  return s;
}

/// The findings of `type`, in order.
inline std::vector<Json> of_type(const Scan& s, const std::string& type) {
  std::vector<Json> out;
  for (const auto& f : s.out.findings)
    if (f["type"] == type) out.push_back(f);
  return out;
}

/// The aws.permission findings of statement `index` of policy `policy`.
inline std::vector<Json> statement(const Scan& s, const std::string& policy, std::size_t index) {
  std::vector<Json> out;
  for (const auto& f : of_type(s, "aws.permission"))
    if (f["data"]["aws"]["iam"]["policy"]["name"] == policy &&
        f["data"]["aws"]["iam"]["statement"]["index"] == index)
      out.push_back(f);
  return out;
}

/// jq's compact answer for `filter` on `file`, parsed (REQUIREs that jq succeeds).
inline Json jq(const std::string& filter, const std::filesystem::path& file) {
  const auto r = run("/usr/bin/jq -c " + shell_quote(filter) + " " + shell_quote(file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return Json::parse(r.out);
}

/// The families of a finding's "sensitive" entries, in order.
inline std::vector<std::string> families(const Json& f) {
  std::vector<std::string> out;
  for (const auto& e : f["data"]["sensitive"]) out.push_back(e["family"].get<std::string>());
  return out;
}

/// The "sensitive" entry of `family` (null when absent).
inline Json entry(const Json& f, const std::string& family) {
  for (const auto& e : f["data"]["sensitive"])
    if (e["family"] == family) return e;
  return Json();
}

/// A JSON string or array of strings (as IAM writes Action and Resource) as a list; other
/// array members are left out.
inline std::vector<std::string> as_strings(const Json& j) {
  std::vector<std::string> out;
  if (j.is_string()) return {j.get<std::string>()};
  for (const auto& e : j)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

/// The check ids of a finding, in order.
inline std::vector<std::string> check_ids(const Json& f) {
  std::vector<std::string> out;
  for (const auto& c : f["checks"]) out.push_back(c["id"].get<std::string>());
  return out;
}

}  // namespace sqltriage::test::aws_iam
