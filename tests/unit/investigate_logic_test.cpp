// The investigation's reasoning on findings built in the test: parent links through reused
// process ids, the pivot's choice among creation records, and the verdict's JSON shape.
#include <catch2/catch.hpp>

#include "pipeline/investigate/questions.hpp"
#include "sqltriage/investigate.hpp"

namespace inv = sqltriage::investigation;
using sqltriage::Filetime;
using sqltriage::Finding;
using sqltriage::InvestigateOptions;
using sqltriage::parse_iso8601;

namespace {

Filetime at(const char* iso) { return *parse_iso8601(iso); }

Finding security_4688(const char* time, std::uint64_t record, std::uint64_t pid,
                      std::uint64_t parent_pid, const char* image, const char* subject_logon,
                      const char* target_logon) {
  Finding f;
  f.type = "evtx.process_creation";
  f.time = at(time);
  f.artifact.path = "C:\\Windows\\System32\\winevt\\Logs\\Security.evtx";
  f.artifact.record = record;
  f.data = {{"EventID", 4688},         {"NewProcessId", pid},
            {"ProcessId", parent_pid}, {"NewProcessName", image},
            {"SubjectLogonId", subject_logon}, {"TargetLogonId", target_logon},
            {"SubjectUserSid", "S-1-5-21-1-2-3-1001"}, {"SubjectUserName", "alice"},
            {"SubjectDomainName", "CORP"}, {"TargetUserName", "-"}, {"TargetDomainName", "-"}};
  return f;
}

Finding mft_entry(const char* path, const char* fn_created, const char* si_created) {
  Finding f;
  f.type = "mft.entry";
  f.artifact.path = "C:\\$MFT";
  f.artifact.record = 88;
  f.data = {{"Path", path}, {"Entry", 88}, {"Directory", false},
            {"$STANDARD_INFORMATION", {{"CreationTime", si_created}}},
            {"$FILE_NAME", nlohmann::ordered_json::array({{{"CreationTime", fn_created}}})}};
  return f;
}

Finding sysmon_11(const char* time, const char* path) {
  Finding f;
  f.type = "evtx.file_created";
  f.time = at(time);
  f.artifact.path = "Sysmon.evtx";
  f.artifact.record = 7;
  f.data = {{"EventID", 11}, {"TargetFilename", path}, {"Image", "C:\\x\\dropper.exe"}};
  return f;
}

}  // namespace

TEST_CASE("4688 parents are linked by process id and the creator's logon session, not the latest id",
          "[investigate]") {
  inv::ProcessIndex index;
  // pid 700 is used twice before the child: first by the real parent in session 0xaaa, then
  // (later, closer to the child) by an unrelated process in session 0xbbb.
  for (const auto& f :
       {security_4688("2023-02-20T10:00:00Z", 1, 700, 4, "C:\\w\\real-parent.exe", "0x3e7", "0xaaa"),
        security_4688("2023-02-20T11:00:00Z", 2, 700, 4, "C:\\w\\other.exe", "0x3e7", "0xbbb"),
        security_4688("2023-02-20T12:00:00Z", 3, 900, 700, "C:\\w\\child.exe", "0xaaa", "0x0")})
    index.add(*inv::ProcessIndex::from_finding(f));
  sqltriage::ArtifactRef child_ref{"C:\\Windows\\System32\\winevt\\Logs\\Security.evtx", 3, {}};
  const auto* child = index.of_event(child_ref);
  REQUIRE(child);
  std::string how;
  const auto* parent = index.parent_of(*child, &how);
  REQUIRE(parent);
  CHECK(parent->image == "C:\\w\\real-parent.exe");
  CHECK(how == "process id and logon id");
  // Without a session to match, the latest earlier creation of the id is taken, and said so.
  auto orphan = *child;
  orphan.creator_logon_id = "0x999";
  parent = index.parent_of(orphan, &how);
  REQUIRE(parent);
  CHECK(parent->image == "C:\\w\\other.exe");
  CHECK(how == "process id only");
  // A creation after the child is never its parent.
  index.add(*inv::ProcessIndex::from_finding(
      security_4688("2023-02-20T13:00:00Z", 4, 700, 4, "C:\\w\\late.exe", "0x3e7", "0xaaa")));
  CHECK(index.parent_of(*index.of_event(child_ref))->image == "C:\\w\\real-parent.exe");
}

TEST_CASE("the pivot is the earliest trustworthy creation record, never $STANDARD_INFORMATION",
          "[investigate]") {
  InvestigateOptions o;
  o.targets = {"sqlserver.exe"};
  inv::Context ctx(o);
  // $SI is earliest (timestomped); Sysmon 11 is 2 s before $FILE_NAME: Sysmon 11 wins.
  ctx.findings.push_back(mft_entry("C:\\ProgramData\\sqlserver.exe", "2023-02-20T14:03:17.0000000Z",
                                   "2015-07-14T09:21:33.0000000Z"));
  ctx.findings.push_back(sysmon_11("2023-02-20T14:03:15.0000000Z", "c:\\programdata\\SQLSERVER.exe"));
  ctx.findings.push_back(sysmon_11("2023-02-20T14:03:10.0000000Z", "C:\\ProgramData\\other.exe"));
  auto subjects = inv::find_subjects(ctx);
  REQUIRE(subjects.size() == 1);
  CHECK(subjects[0].found);
  CHECK(subjects[0].finding == std::optional<std::size_t>(0));
  inv::choose_pivot(ctx, subjects[0]);
  const auto& p = subjects[0].pivot;
  REQUIRE(p.time);
  CHECK(*p.time == at("2023-02-20T14:03:15Z"));
  CHECK(p.source == "Sysmon 11");
  CHECK(p.candidates.size() == 3);  // $FN, $SI (untrusted), the Sysmon 11 of this file only
  CHECK(*p.since == at("2023-02-20T12:03:15Z"));
  CHECK(*p.until == at("2023-02-20T16:03:15Z"));

  // A $FILE_NAME time before 1990 is not trusted; --pivot overrides whatever the records say.
  ctx.findings[1].data["TargetFilename"] = "C:\\elsewhere\\sqlserver.exe";
  ctx.findings[0] = mft_entry("C:\\ProgramData\\sqlserver.exe", "1601-01-01T00:00:01Z", "1601-01-01T00:00:01Z");
  subjects = inv::find_subjects(ctx);
  inv::choose_pivot(ctx, subjects[0]);
  CHECK_FALSE(subjects[0].pivot.time);
  o.pivot = at("2023-02-21T00:00:00Z");
  o.window = 600ULL * 10000000ULL;
  inv::choose_pivot(ctx, subjects[0]);
  CHECK(subjects[0].pivot.source == "--pivot");
  CHECK(*subjects[0].pivot.until == at("2023-02-21T00:10:00Z"));
}

TEST_CASE("the verdict JSON cites findings by index and names what is missing", "[investigate]") {
  sqltriage::InvestigationReport r;
  sqltriage::Subject s;
  s.path = "C:\\x.exe";
  s.pivot.time = at("2023-02-20T14:03:15Z");
  s.questions[0].id = "what";
  s.questions[0].answer = sqltriage::Answer::partly;
  s.questions[0].findings = {3, 1};
  s.questions[3].id = "reach";
  s.questions[3].missing = {"AWS exports"};
  r.subjects.push_back(s);
  r.overall = sqltriage::Severity::medium;
  const auto j = sqltriage::verdict_json(r);
  CHECK(j["overall"] == "medium");
  const auto& q = j["subjects"][0]["questions"];
  REQUIRE(q.size() == 4);
  CHECK(q[0]["answer"] == "partly");
  CHECK(q[0]["findings"] == nlohmann::ordered_json::array({3, 1}));
  CHECK(q[3]["answer"] == "no evidence");
  CHECK(q[3]["missing"][0] == "AWS exports");
  CHECK(j["subjects"][0]["pivot"]["time"] == "2023-02-20T14:03:15.0000000Z");
  CHECK(j["subjects"][0]["pivot"]["since"].is_null());
}
