// `sqltriage investigate` end to end on the bundled sample evidence (scripts/make-sample.sh):
// the malicious scenario answers the four questions with the findings that prove them (checked
// from the cited findings' data, and with jq on the written document), the quiet scenario
// stays quiet, and --fail-on, --html and a run without AWS exports behave as documented.
// The facts asserted are the scenario's (tests/fixtures/README.md), not our own output.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using namespace sqltriage::test;

constexpr const char* kDropped = "C:\\ProgramData\\sqlserver.exe";
constexpr const char* kAgent = "C:\\Program Files\\Backup Agent\\agent.exe";
constexpr const char* kFnCreation = "2023-02-20T14:03:15.6054321Z";
constexpr const char* kAttacker = "203.0.113.45";

std::string q(const fs::path& p) { return shell_quote(p.string()); }

int rank(const std::string& severity) {
  static const std::vector<std::string> order = {"info", "low", "medium", "high", "critical"};
  for (std::size_t i = 0; i < order.size(); ++i)
    if (order[i] == severity) return static_cast<int>(i);
  FAIL("unknown severity " << severity);
  return -1;
}

/// A value that the artifact writes as text or as a number, as text.
std::string text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return "";
}

const Json* at_path(const Json& j, std::initializer_list<const char*> keys) {
  const Json* cur = &j;
  for (const char* k : keys) {
    if (!cur->is_object() || !cur->contains(k)) return nullptr;
    cur = &(*cur)[k];
  }
  return cur;
}

/// The member at `keys`, or null when a key is missing (const operator[] must not be used on
/// a missing key).
const Json& get(const Json& j, std::initializer_list<const char*> keys) {
  static const Json null_value;
  const Json* v = at_path(j, keys);
  return v ? *v : null_value;
}

std::string field(const Json& j, std::initializer_list<const char*> keys) {
  const Json* v = at_path(j, keys);
  return v ? text(*v) : "";
}

std::set<std::string> check_ids(const Json& finding) {
  std::set<std::string> ids;
  if (finding.contains("checks"))
    for (const auto& c : get(finding, {"checks"})) ids.insert(field(c, {"id"}));
  return ids;
}

/// One investigate run: the document and the exit code.
struct Run {
  CommandResult result;
  Json doc;
};

Run investigate(const std::string& args, const fs::path& out) {
  Run r;
  r.result = run_sqltriage("investigate " + args + " -o " + q(out), 300);
  INFO(r.result.err);
  if (fs::exists(out)) {
    std::ifstream in(out);
    r.doc = Json::parse(in);
  }
  return r;
}

const Json& subject(const Json& doc, const std::string& path) {
  REQUIRE(doc.contains("verdict"));
  for (const auto& s : get(doc, {"verdict", "subjects"}))
    if (field(s, {"path"}) == path) return s;
  FAIL("no subject " << path << " in " << get(doc, {"verdict"}).dump());
  return doc;
}

const Json& question(const Json& subj, const std::string& id) {
  for (const auto& qa : get(subj, {"questions"}))
    if (field(qa, {"id"}) == id) return qa;
  FAIL("no question " << id);
  return subj;
}

/// The findings a question cites, each checked to be a valid index.
std::vector<Json> cited(const Json& doc, const Json& qa) {
  std::vector<Json> out;
  const auto& all = get(doc, {"findings"});
  for (const auto& i : get(qa, {"findings"})) {
    REQUIRE(i.is_number_unsigned());
    REQUIRE(i.get<std::size_t>() < all.size());
    out.push_back(all[i.get<std::size_t>()]);
  }
  return out;
}

template <typename Pred>
bool any_of(const std::vector<Json>& findings, Pred pred) {
  for (const auto& f : findings)
    if (pred(f)) return true;
  return false;
}

/// jq's compact answer on a file.
std::string jq(const std::string& filter, const fs::path& file) {
  const auto r = run("jq -c " + shell_quote(filter) + " " + q(file));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

bool is_event(const Json& f, int event_id) {
  const Json* id = at_path(f, {"data", "EventID"});
  return id && text(*id) == std::to_string(event_id);
}

}  // namespace

TEST_CASE("investigate on the sample answers the four questions about sqlserver.exe",
          "[investigate][sample]") {
  const auto sample = sample_evidence(false);
  if (!sample || !tool_or_skip("jq")) return;
  TempDir tmp;
  const auto out = tmp.path() / "report.json";
  const auto html = tmp.path() / "report.html";
  const Run r = investigate(q(sample->disk) + " --target sqlserver.exe --aws " + q(sample->aws) +
                                " --noise " + q(sample->noise) + " --html " + q(html),
                            out);
  INFO(r.result.err);
  REQUIRE(r.result.exit_code == 0);
  const Json& doc = r.doc;
  CHECK(get(doc, {"command"}) == "investigate");
  // The verdict comes right after the header, before the findings.
  {
    std::vector<std::string> keys;
    for (const auto& [k, v] : doc.items()) keys.push_back(k);
    const auto v = std::find(keys.begin(), keys.end(), "verdict");
    const auto f = std::find(keys.begin(), keys.end(), "findings");
    REQUIRE(v != keys.end());
    REQUIRE(f != keys.end());
    CHECK(v < f);
  }
  const auto overall = jq(".verdict.overall", out);
  CHECK((overall == "\"high\"\n" || overall == "\"critical\"\n"));
  CHECK(jq(".verdict.targets", out) == "[\"sqlserver.exe\"]\n");
  CHECK(fs::exists(html));
  CHECK(fs::file_size(html) > 0);

  const Json& s = subject(doc, kDropped);
  CHECK(get(s, {"found"}) == true);
  CHECK(rank(field(s, {"severity"})) >= rank("high"));

  SECTION("pivot: the creation time, from $FILE_NAME or Sysmon 11, which agree") {
    const Json& pivot = get(s, {"pivot"});
    const std::string source = field(pivot, {"source"});
    CHECK((source == "$FILE_NAME CreationTime" || source == "Sysmon 11"));
    // Sysmon writes the creation time to the millisecond; $FILE_NAME to 100 ns.
    const std::string time = field(pivot, {"time"});
    CHECK((time == kFnCreation || time == "2023-02-20T14:03:15.6050000Z"));
    bool fn = false;
    bool sysmon = false;
    for (const auto& c : get(pivot, {"candidates"})) {
      if (field(c, {"source"}) == "$FILE_NAME CreationTime") {
        fn = true;
        CHECK(field(c, {"time"}) == kFnCreation);
        CHECK(get(c, {"trusted"}) == true);
      }
      if (field(c, {"source"}) == "Sysmon 11") {
        sysmon = true;
        CHECK(field(c, {"time"}).rfind("2023-02-20T14:03:15.605", 0) == 0);
      }
      // The timestomped $STANDARD_INFORMATION time (2015) must not be trusted.
      if (field(c, {"source"}) == "$STANDARD_INFORMATION CreationTime") {
        CHECK(field(c, {"time"}) == "2015-07-14T09:21:33.0000000Z");
        CHECK(get(c, {"trusted"}) == false);
      }
    }
    CHECK(fn);
    CHECK(sysmon);
    // ±2 h by default.
    CHECK(field(pivot, {"since"}).rfind("2023-02-20T12:03:15", 0) == 0);
    CHECK(field(pivot, {"until"}).rfind("2023-02-20T16:03:15", 0) == 0);
    CHECK(jq(".verdict.subjects[0].pivot.candidates | map(.source) | index(\"$FILE_NAME "
             "CreationTime\") != null",
             out) == "true\n");
  }

  SECTION("Q1 what: an untrusted signature and a masquerade check on the pe.file") {
    const Json& qa = question(s, "what");
    CHECK(field(qa, {"answer"}) == "answered");
    CHECK(rank(field(qa, {"severity"})) >= rank("high"));
    const auto fs_ = cited(doc, qa);
    CHECK(any_of(fs_, [](const Json& f) {
      if (get(f, {"type"}) != "pe.file" || get(f, {"data", "Path"}) != kDropped) return false;
      const auto ids = check_ids(f);
      const bool masquerade = ids.count("lookalike_name") || ids.count("original_name_mismatch") ||
                              ids.count("known_binary_wrong_signer");
      return get(f, {"data", "Authenticode", "Signed"}) == true &&
             get(f, {"data", "Authenticode", "Trusted"}) == false &&
             field(f, {"data", "VersionInfo", "OriginalFilename"}) == "sqlservr.exe" && masquerade;
    }));
  }

  SECTION("Q2 dropped: owner, Zone.Identifier, Sysmon 11, the upload, the webshell, RDP") {
    const Json& qa = question(s, "dropped");
    CHECK(field(qa, {"answer"}) == "answered");
    CHECK(rank(field(qa, {"severity"})) >= rank("high"));
    const auto fs_ = cited(doc, qa);
    CHECK(any_of(fs_, [](const Json& f) {
      return field(f, {"type"}) == "mft.entry" && field(f, {"data", "Path"}) == kDropped &&
             field(f, {"data", "Owner", "Name"}) == "IIS APPPOOL\\DefaultAppPool" &&
             field(f, {"data", "Zone.Identifier", "ZoneId"}) == "3";
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return is_event(f, 11) && field(f, {"data", "TargetFilename"}) == kDropped &&
             field(f, {"data", "Image"}).find("powershell.exe") != std::string::npos;
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return field(f, {"type"}) == "weblog.upload" && field(f, {"data", "c-ip"}) == kAttacker &&
             field(f, {"data", "cs-method"}) == "POST" &&
             field(f, {"data", "cs-uri-stem"}) == "/uploads/up.aspx";
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return field(f, {"type"}) == "webshell.file" &&
             field(f, {"data", "Path"}) == "C:\\inetpub\\wwwroot\\uploads\\up.aspx";
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return is_event(f, 4624) && field(f, {"data", "LogonType"}) == "10" &&
             field(f, {"data", "IpAddress"}) == kAttacker &&
             field(f, {"data", "TargetUserName"}) == "Administrator";
    }));
  }

  SECTION("Q3 ran: Sysmon 1 under services.exe, service SQLServerUpdate, the Run key") {
    const Json& qa = question(s, "ran");
    CHECK(field(qa, {"answer"}) == "answered");
    CHECK(rank(field(qa, {"severity"})) >= rank("high"));
    const auto fs_ = cited(doc, qa);
    CHECK(any_of(fs_, [](const Json& f) {
      return is_event(f, 1) && field(f, {"data", "Image"}) == kDropped &&
             field(f, {"data", "ParentImage"}) == "C:\\Windows\\System32\\services.exe";
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return field(f, {"type"}) == "registry.service" &&
             field(f, {"data", "ServiceName"}) == "SQLServerUpdate" &&
             field(f, {"data", "ImagePath"}) == kDropped;
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return field(f, {"type"}) == "registry.autorun" &&
             field(f, {"data", "ValueName"}) == "SQLServerUpdate" &&
             field(f, {"data", "Command"}) == kDropped;
    }));
  }

  SECTION("Q4 reach: the secrets permission, the CloudTrail calls, a flow peer on 445") {
    const Json& qa = question(s, "reach");
    CHECK(field(qa, {"answer"}) == "answered");
    CHECK(rank(field(qa, {"severity"})) >= rank("high"));
    CHECK(get(qa, {"missing"}).empty());
    const auto fs_ = cited(doc, qa);
    CHECK(any_of(fs_, [](const Json& f) {
      if (get(f, {"type"}) != "aws.permission") return false;
      for (const auto& a : get(f, {"data", "aws", "iam", "statement", "action"}))
        if (a == "secretsmanager:GetSecretValue") return true;
      return false;
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return field(f, {"type"}) == "aws.api_call" &&
             field(f, {"data", "event", "action"}) == "GetSecretValue" &&
             field(f, {"data", "source", "ip"}) == "10.0.1.15";
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return field(f, {"type"}) == "aws.api_call" &&
             field(f, {"data", "source", "ip"}) == kAttacker &&
             check_ids(f).count("cloudtrail_instance_credentials_elsewhere");
    }));
    CHECK(any_of(fs_, [](const Json& f) {
      return field(f, {"type"}) == "aws.flow_peer" &&
             field(f, {"data", "aws", "flow", "service_port"}) == "445" &&
             field(f, {"data", "aws", "flow", "opened_by"}) == "host";
    }));
  }

  SECTION("every cited index is a finding of the document") {
    for (const auto& qa : get(s, {"questions"})) {
      INFO(get(qa, {"id"}));
      CHECK_FALSE(field(qa, {"summary"}).empty());
      cited(doc, qa);
    }
    CHECK(jq("([.verdict.subjects[].questions[].findings[]] | max) < (.findings | length)", out) ==
          "true\n");
  }
}

TEST_CASE("investigate --fail-on high exits 1 on the sample", "[investigate][sample]") {
  const auto sample = sample_evidence(false);
  if (!sample) return;
  TempDir tmp;
  const Run r = investigate(q(sample->disk) + " --target sqlserver.exe --aws " + q(sample->aws) +
                                " --noise " + q(sample->noise) + " --fail-on high",
                            tmp.path() / "report.json");
  INFO(r.result.err);
  CHECK(r.result.exit_code == 1);
  REQUIRE(r.doc.contains("verdict"));
  CHECK(rank(field(r.doc, {"verdict", "overall"})) >= rank("high"));
}

TEST_CASE("investigate without --aws: question 4 has no evidence and names the AWS exports",
          "[investigate][sample]") {
  const auto sample = sample_evidence(false);
  if (!sample) return;
  TempDir tmp;
  const Run r = investigate(q(sample->disk) + " --target sqlserver.exe --noise " + q(sample->noise),
                            tmp.path() / "report.json");
  INFO(r.result.err);
  REQUIRE(r.result.exit_code == 0);
  const Json& s = subject(r.doc, kDropped);
  const Json& qa = question(s, "reach");
  CHECK(field(qa, {"answer"}) == "no evidence");
  CHECK(get(qa, {"findings"}).empty());
  bool names_aws = false;
  for (const auto& m : get(qa, {"missing"}))
    if (m.get<std::string>().find("AWS") != std::string::npos) names_aws = true;
  CHECK(names_aws);
  // The host's own questions are still answered.
  CHECK(question(s, "what")["answer"] == "answered");
  CHECK(question(s, "dropped")["answer"] == "answered");
  CHECK(question(s, "ran")["answer"] == "answered");
  for (const auto& f : get(r.doc, {"findings"})) CHECK(field(f, {"type"}).rfind("aws.", 0) != 0);
}

TEST_CASE("investigate on the quiet scenario stays quiet about the backup agent",
          "[investigate][sample][quiet]") {
  const auto sample = sample_evidence(true);
  if (!sample || !tool_or_skip("jq")) return;
  TempDir tmp;
  const auto out = tmp.path() / "report.json";
  const std::string common = q(sample->disk) + " --target agent.exe --aws " + q(sample->aws) +
                             " --noise " + q(sample->noise) + " --ca-file " + q(sample->root);
  const Run r = investigate(common + " --fail-on medium", out);
  INFO(r.result.err);
  CHECK(r.result.exit_code == 0);
  REQUIRE(r.doc.contains("verdict"));
  const auto overall = jq(".verdict.overall", out);
  CHECK((overall == "\"info\"\n" || overall == "\"low\"\n"));
  const Json& s = subject(r.doc, kAgent);
  CHECK(get(s, {"found"}) == true);
  CHECK(rank(field(s, {"severity"})) <= rank("low"));
  for (const auto& qa : get(s, {"questions"})) {
    INFO(get(qa, {"id"}) << ": " << get(qa, {"summary"}));
    CHECK(rank(field(qa, {"severity"})) <= rank("low"));
  }
  // What it is: signed and trusted through the given root, named as its version info says.
  const auto what = cited(r.doc, question(s, "what"));
  CHECK(any_of(what, [](const Json& f) {
    return field(f, {"type"}) == "pe.file" && field(f, {"data", "Path"}) == kAgent &&
           get(f, {"data", "Authenticode", "Trusted"}) == true &&
           field(f, {"data", "VersionInfo", "OriginalFilename"}) == "agent.exe" &&
           check_ids(f).empty();
  }));
  // Who runs it: services.exe at boot.
  const auto ran = cited(r.doc, question(s, "ran"));
  CHECK(any_of(ran, [](const Json& f) {
    return is_event(f, 1) && field(f, {"data", "Image"}) == kAgent &&
           field(f, {"data", "ParentImage"}) == "C:\\Windows\\System32\\services.exe";
  }));
  // Nothing of the attack is in the evidence at all.
  CHECK(jq("[.findings[] | select(.data.\"c-ip\" == \"203.0.113.45\" or .data.IpAddress == "
           "\"203.0.113.45\" or .data.source.ip == \"203.0.113.45\")] | length",
           out) == "0\n");
}

TEST_CASE("investigate of a benign file on the attacked disk does not inherit the attack",
          "[investigate][sample]") {
  // agent.exe was installed months before the attack: the webshell, the upload of
  // sqlserver.exe's size and the stolen credentials are the host's story, not the agent's.
  const auto sample = sample_evidence(false);
  if (!sample) return;
  TempDir tmp;
  const Run r = investigate(q(sample->disk) + " --target agent.exe --ca-file " + q(sample->root) +
                                " --aws " + q(sample->aws) + " --noise " + q(sample->noise) +
                                " --fail-on medium",
                            tmp.path() / "report.json");
  INFO(r.result.err);
  CHECK(r.result.exit_code == 0);
  REQUIRE(r.doc.contains("verdict"));
  const Json& s = get(r.doc, {"verdict", "subjects"})[0];
  CHECK(field(s, {"path"}) == kAgent);
  CHECK(rank(field(r.doc, {"verdict", "overall"})) <= rank("low"));
  const Json& all = get(r.doc, {"findings"});
  for (const auto& i : get(question(s, "dropped"), {"findings"})) {
    const std::string type = field(all[i.get<std::size_t>()], {"type"});
    CHECK(type != "weblog.upload");
    CHECK(type != "webshell.file");
  }
}

TEST_CASE("investigate refuses --html and -o naming one file under two spellings",
          "[investigate]") {
  TempDir tmp;
  const auto evidence = tmp.path() / "evidence";
  fs::create_directories(evidence);
  write_file(evidence / "a.txt", "x");
  const auto out = tmp.path() / "same.out";
  const auto r = run_sqltriage("investigate " + q(evidence) + " --target a.txt -o " + q(out) +
                               " --html " + q(tmp.path() / "." / "same.out"));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("name the same file") != std::string::npos);
  CHECK_FALSE(fs::exists(out));
}
