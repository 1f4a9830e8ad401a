// The JSON object forms of the document's parts (docs/findings.md).
#include <string>

#include "sqltriage/output.hpp"

namespace sqltriage {
namespace {

nlohmann::ordered_json artifact_json(const ArtifactRef& ref) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["path"] = ref.path;
  if (ref.record) j["record"] = *ref.record;
  if (ref.offset) j["offset"] = *ref.offset;
  return j;
}

nlohmann::ordered_json check_json(const CheckHit& hit) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["id"] = hit.id;
  j["severity"] = std::string(to_string(hit.severity));
  j["attack"] = hit.attack;
  j["reason"] = hit.reason;
  return j;
}

}  // namespace

nlohmann::ordered_json to_json(const Finding& f) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["type"] = f.type;
  j["severity"] = std::string(to_string(f.severity));
  j["time"] = f.time ? nlohmann::ordered_json(format_filetime(*f.time)) : nullptr;
  j["summary"] = f.summary;
  j["artifact"] = artifact_json(f.artifact);
  j["data"] = f.data;
  j["attack"] = f.attack;
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& hit : f.checks) checks.push_back(check_json(hit));
  j["checks"] = std::move(checks);
  return j;
}

nlohmann::ordered_json to_json(const ErrorEntry& e) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["artifact"] = artifact_json(e.artifact);
  j["code"] = e.code;
  j["message"] = e.message;
  return j;
}

nlohmann::ordered_json to_json(const DocumentHeader& h) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["schema"] = "sqltriage.findings/1";
  j["tool"] = {{"name", "sqltriage"}, {"version", SQLTRIAGE_VERSION}};
  j["command"] = h.command;
  nlohmann::ordered_json evidence = nlohmann::ordered_json::array();
  for (const auto& item : h.evidence) {
    auto entry = nlohmann::ordered_json{{"path", item.path}, {"kind", item.kind}};
    if (!item.layout.empty()) entry["layout"] = item.layout;
    evidence.push_back(std::move(entry));
  }
  j["evidence"] = std::move(evidence);
  j["started"] = format_filetime(h.started);
  return j;
}

nlohmann::ordered_json to_json(const RunStats& s) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["files"] = s.files;
  j["records"] = s.records;
  j["findings"] = s.findings;
  j["errors"] = s.errors;
  j["elapsed_s"] = s.elapsed_s;
  return j;
}

}  // namespace sqltriage
