// Which AWS export a file is (classify_export), the export files under the inputs
// (find_exports) and what an aws scan is handed (start_export_run). Oracle: the files the test
// writes in each documented layout; the expected kind is the layout the test chose, and gzip
// copies are made by the gzip tool.
#include "sqltriage/aws_exports.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/aws/export_run.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using sqltriage::ErrorEntry;
using sqltriage::aws::ExportKind;
using sqltriage::test::errors_text;
using sqltriage::test::TempDir;
using sqltriage::test::write_file;

ExportKind kind_of(const fs::path& p) {
  return sqltriage::aws::classify_export(sqltriage::open_host_file(p), p.string());
}

struct Layout {
  const char* name;
  const char* text;
  ExportKind kind;
};

const std::vector<Layout>& layouts() {
  static const std::vector<Layout> all = {
      {"describe-instances.json",
       R"J({"Reservations": [{"OwnerId": "1234567890", "Instances": [{"InstanceId": "i-01a840fe4d183f01b",
          "IamInstanceProfile": {"Arn": "arn:aws:iam::1234567890:instance-profile/p", "Id": "AIPA"}}]}]})J",
       ExportKind::iam},
      {"profile-query.json",
       R"J([[{"Arn": "arn:aws:iam::1234567890:instance-profile/foobar_instance_profile", "Id": "AIPA"}]])J",
       ExportKind::iam},
      {"get-instance-profile.json",
       R"J({"InstanceProfile": {"InstanceProfileName": "p", "Roles": [{"RoleName": "r"}]}})J",
       ExportKind::iam},
      {"list-instance-profiles-for-role.json",
       R"J({"InstanceProfiles": [{"InstanceProfileName": "p", "Roles": []}]})J", ExportKind::iam},
      {"associations.json",
       R"J({"IamInstanceProfileAssociations": [{"InstanceId": "i-01a840fe4d183f01b"}]})J",
       ExportKind::iam},
      {"list-roles.json", R"J({"Roles": [{"RoleName": "r"}]})J", ExportKind::iam},
      {"list-role-policies.json", R"J({"PolicyNames": ["foobar_policy"]})J", ExportKind::iam},
      {"get-role-policy.json",
       "\xEF\xBB\xBF\n  {\"RoleName\": \"r\", \"PolicyName\": \"p\", \"PolicyDocument\": {}}",
       ExportKind::iam},
      {"policy.json", R"J({"Version": "2012-10-17", "Statement": []})J", ExportKind::iam},
      {"authorization.json", R"J({"UserDetailList": [], "RoleDetailList": []})J", ExportKind::iam},
      {"trail.json", R"J({"Records": [{"eventVersion": "1.08"}]})J", ExportKind::cloudtrail},
      {"lookup.json", "{\n    \"Events\": []\n}", ExportKind::cloudtrail},
      {"events.jsonl", "{\"eventVersion\":\"1.08\"}\n{\"eventVersion\":\"1.08\"}\n",
       ExportKind::cloudtrail},
      {"digest.json",
       R"J({"awsAccountId": "1234567890", "digestStartTime": "2023-02-20T13:00:00Z"})J",
       ExportKind::cloudtrail_digest},
      {"flows-header.log",
       "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
       "start end action log-status\n",
       ExportKind::flowlogs},
      {"flows-default.log",
       "\n2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
       "1418530010 1418530070 ACCEPT OK\n",
       ExportKind::flowlogs},
      {"flows-nodata.log",
       "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n",
       ExportKind::flowlogs},
      // Near misses: the same words in other places, or other shapes.
      {"other.json", R"J({"Name": "Records", "Statement": 1})J", ExportKind::unknown},
      {"array.json", R"J([{"eventVersion": "1.08"}])J", ExportKind::unknown},
      {"digest-like.json", R"J({"awsAccountId": "1234567890"})J", ExportKind::unknown},
      {"notes.txt", "srcaddr was 10.0.0.1\n", ExportKind::unknown},
      {"fifteen.log", "2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK extra\n",
       ExportKind::unknown},
      {"empty.json", "", ExportKind::unknown},
      {"binary.bin", "\x01\x02\x7f\xfe binary", ExportKind::unknown},
  };
  return all;
}

}  // namespace

TEST_CASE("classify_export names each documented AWS export layout", "[aws-exports]") {
  TempDir dir;
  for (const auto& l : layouts()) {
    INFO(l.name);
    write_file(dir.path() / l.name, l.text);
    CHECK(kind_of(dir.path() / l.name) == l.kind);
  }
}

TEST_CASE("classify_export looks inside gzip files and refuses gzip magic without deflate",
          "[aws-exports]") {
  REQUIRE(sqltriage::test::have_tool("gzip"));
  TempDir dir;
  for (const auto& l : layouts()) {
    if (l.kind == ExportKind::unknown) continue;
    INFO(l.name);
    const fs::path p = dir.path() / l.name;
    write_file(p, l.text);
    auto r = sqltriage::test::run("gzip -n " + sqltriage::test::shell_quote(p.string()));
    REQUIRE(r.exit_code == 0);
    CHECK(kind_of(p.string() + ".gz") == l.kind);
  }
  write_file(dir.path() / "fake.gz", std::string("\x1f\x8b\x07\x00junk", 8));
  CHECK(kind_of(dir.path() / "fake.gz") == ExportKind::unknown);
}

TEST_CASE("find_exports walks folders in name order and never opens links or FIFOs",
          "[aws-exports]") {
  TempDir dir;
  const fs::path root = dir.path() / "exports";
  write_file(root / "b" / "trail.json", R"J({"Records": []})J");
  write_file(root / "a.json", R"J({"PolicyNames": []})J");
  write_file(root / "c" / "d" / "flows.log", "version srcaddr dstaddr\n");
  write_file(dir.path() / "outside.json", R"J({"Records": []})J");
  fs::create_symlink(dir.path() / "outside.json", root / "link.json");
  REQUIRE(::mkfifo((root / "pipe").c_str(), 0600) == 0);

  std::vector<ErrorEntry> errors;
  const auto files = sqltriage::aws::find_exports({root, dir.path() / "absent"}, errors);
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(fs::relative(f.path, root).string());
  CHECK(names == std::vector<std::string>{"a.json", "b/trail.json", "c/d/flows.log"});
  CHECK(files[0].kind == ExportKind::iam);
  CHECK(files[1].kind == ExportKind::cloudtrail);
  CHECK(files[2].kind == ExportKind::flowlogs);
  CHECK_FALSE(files[0].given);
  const std::string text = errors_text(errors);
  CHECK(text.find("link.json") != std::string::npos);
  CHECK(text.find("symbolic link") != std::string::npos);
  CHECK(text.find("pipe") != std::string::npos);
  CHECK(text.find("FIFO") != std::string::npos);
  CHECK(text.find("absent") != std::string::npos);
  CHECK(errors.size() == 3);
}

TEST_CASE(
    "start_export_run keeps its kind, names the reader of a file given for another, "
    "and reports files that are no export",
    "[aws-exports]") {
  TempDir dir;
  const fs::path root = dir.path() / "exports";
  write_file(root / "trail.json", R"J({"Records": []})J");
  write_file(root / "policy.json", R"J({"Version": "2012-10-17", "Statement": []})J");
  write_file(root / "notes.txt", "collected by the responder\n");
  write_file(dir.path() / "flows.log", "version srcaddr dstaddr\n");

  auto run = sqltriage::pipeline::aws::start_export_run(
      "aws cloudtrail", {root, dir.path() / "flows.log"}, ExportKind::cloudtrail);
  REQUIRE(run.files.size() == 1);
  CHECK(run.files[0].path == root / "trail.json");
  const std::string text = errors_text(run.run.early);
  CHECK(text.find("notes.txt") != std::string::npos);
  CHECK(text.find("not an AWS export") != std::string::npos);
  CHECK(text.find("sqltriage aws flowlogs") != std::string::npos);
  CHECK(text.find("policy.json") == std::string::npos);  // a sibling of another kind
  CHECK(run.run.early.size() == 2);
  REQUIRE(run.run.header.evidence.size() == 2);
}

TEST_CASE("export_finding says what was read", "[aws-exports]") {
  sqltriage::aws::ExportFile file{"/x/trail.json.gz", ExportKind::cloudtrail, true};
  auto f = sqltriage::pipeline::aws::export_finding(file, "12 events",
                                                    {{"events", 12}, {"layout", "records"}});
  CHECK(f.type == "aws.export");
  CHECK(f.data["kind"] == "cloudtrail");
  CHECK(f.data["events"] == 12);
  CHECK(f.data["layout"] == "records");
  CHECK(f.summary == "cloudtrail export /x/trail.json.gz: 12 events");
}
