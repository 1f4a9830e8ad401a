// Offline VirusTotal reports (--vt-reports, --vt-query). The reports are written by this
// test around the facts of the investigation: two Unisys-signed samples whose sigcheck
// "original name" is sqlserver.exe (MD5 40593f27c042bf07c86a659b8745999d and
// c6b9b0d924476e5154c1e49e4e1aa4f0, submitted as "dhserver" and "sqlserver.exe"); the other
// hashes and numbers are made up. Dates are checked against date(1), JSON against Python.
#include <fstream>

#include "sqltriage/error.hpp"
#include "sqltriage/hashsets.hpp"
#include "support.hpp"

using namespace sqltriage;
using hashsets::VtReports;

namespace {

const std::string kUnisys1 = "40593f27c042bf07c86a659b8745999d";
const std::string kUnisys2 = "c6b9b0d924476e5154c1e49e4e1aa4f0";

std::string sha256_of(const std::string& text) {
  auto r = test::run("(printf %s " + test::shell_quote(text) + " | sha256sum)");
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 64);
}
std::string sha1_of(const std::string& text) {
  auto r = test::run("(printf %s " + test::shell_quote(text) + " | sha1sum)");
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 40);
}

std::string date_utc(const std::string& args) {
  auto r = test::run("date -u " + args);
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, r.out.find('\n'));
}

struct Reports {
  test::TempDir dir;
  std::filesystem::path path = dir.path() / "vt.jsonl";
  std::string sha256_1 = sha256_of("unisys sample 1"), sha256_2 = sha256_of("unisys sample 2"),
              sha256_3 = sha256_of("real sqlservr");
  Reports() {
    nlohmann::json v2 = {
        {"response_code", 1},
        {"md5", kUnisys1},
        {"sha1", sha1_of("unisys sample 1")},
        {"sha256", sha256_1},
        {"positives", 5},
        {"total", 71},
        {"first_seen", "2016-07-13 10:11:12"},
        {"submission_names", {"dhserver", "sqlserver.exe"}},
        {"additional_info",
         {{"sigcheck",
           {{"original name", "sqlserver.exe"},
            {"product", "Unisys Data Exchange"},
            {"verified", "Signed"},
            {"signers", "Unisys Corporation; DigiCert SHA2 Assured ID Code Signing CA"},
            {"copyright", "Copyright (c) Unisys Corporation"},
            {"description", "Data Exchange Server"}}},
          {"exiftool", {{"CompanyName", "Unisys Corporation"}, {"OriginalFileName", "x"}}}}}};
    nlohmann::json v3 = {{"data",
                          {{"type", "file"},
                           {"id", sha256_2},
                           {"attributes",
                            {{"md5", kUnisys2},
                             {"names", {"sqlserver.exe", "dhserver"}},
                             {"last_analysis_stats",
                              {{"malicious", 3},
                               {"suspicious", 1},
                               {"undetected", 60},
                               {"harmless", 0},
                               {"type-unsupported", 5},
                               {"timeout", 1}}},
                             {"signature_info",
                              {{"original name", "SqlServer.EXE"},
                               {"product", "Unisys Data Exchange"},
                               {"verified", "Signed"},
                               {"signers", "Unisys Corporation"},
                               {"copyright", "Copyright (c) Unisys Corporation"}}},
                             {"first_submission_date", 1468404672}}}}}};
    nlohmann::json bare = {
        {"type", "file"},
        {"id", sha256_3},
        {"attributes",
         {{"sha256", sha256_3},
          {"names", {"sqlservr.exe"}},
          {"last_analysis_stats", {{"malicious", 0}, {"undetected", 70}}},
          {"signature_info", {{"original name", "sqlservr.exe"}, {"verified", "Unsigned"}}},
          {"exiftool",
           {{"CompanyName", "Microsoft Corporation"}, {"ProductName", "Microsoft SQL Server"}}}}}};
    std::ofstream out(path, std::ios::binary);
    out << v2.dump() << "\n"                                   // line 1
        << "\n"                                                // line 2: blank
        << v3.dump() << "\r\n"                                 // line 3
        << "{\"data\": {\"attributes\": {\"md5\": \"0123\"\n"  // line 4: broken JSON
        << bare.dump() << "\n"                                 // line 5
        << "{\"data\": {\"type\": \"url\"}}\n"                 // line 6: not a file report
        << "[1, 2, 3]\n";                                      // line 7: not an object
  }
};

}  // namespace

TEST_CASE("VirusTotal v2 and v3 reports normalise alike") {
  Reports r;
  VtReports vt;
  vt.add(r.path);
  CHECK(vt.size() == 3);

  pe::Hashes h1;
  h1.md5 = kUnisys1;
  auto one = vt.lookup(h1);
  REQUIRE(one);
  CHECK(one->sha256 == r.sha256_1);
  CHECK(one->malicious == 5);
  CHECK(one->engines == 71);
  CHECK(one->names == std::vector<std::string>{"dhserver", "sqlserver.exe"});
  CHECK(one->original_filename == "sqlserver.exe");  // sigcheck before exiftool
  CHECK(one->company_name == "Unisys Corporation");
  CHECK(one->product == "Unisys Data Exchange");
  CHECK(one->signed_verified == true);
  CHECK(one->signers == "Unisys Corporation; DigiCert SHA2 Assured ID Code Signing CA");
  CHECK(one->first_submission_date == std::stoll(date_utc("-d '2016-07-13 10:11:12' +%s")));
  CHECK(one->line == 1);

  pe::Hashes h2;
  h2.sha256 = r.sha256_2;  // the v3 object has no sha256 attribute: its id is the SHA-256
  auto two = vt.lookup(h2);
  REQUIRE(two);
  CHECK(two->md5 == kUnisys2);
  CHECK(two->malicious == 3);
  CHECK(two->engines == 64);  // harmless + malicious + suspicious + undetected
  CHECK(two->original_filename == "SqlServer.EXE");
  CHECK(two->company_name == "Copyright (c) Unisys Corporation");  // no exiftool
  CHECK(two->signed_verified == true);
  CHECK(two->line == 3);

  auto j = hashsets::to_json(*two);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"MD5", "SHA1", "SHA256", "Malicious", "Engines", "Names",
                                         "OriginalFilename", "CompanyName", "Product",
                                         "SignedVerified", "Signers", "FirstSubmissionDate",
                                         "Line"});
  CHECK(j["FirstSubmissionDate"] == date_utc("-d @1468404672 +%Y-%m-%dT%H:%M:%SZ"));
  CHECK(j["SHA1"] == "");
  CHECK(j["Product"] == "Unisys Data Exchange");

  pe::Hashes h3;
  h3.sha256 = r.sha256_3;
  auto three = vt.lookup(h3);
  REQUIRE(three);
  CHECK(three->signed_verified == false);
  CHECK(three->company_name == "Microsoft Corporation");
  CHECK(three->product == "Microsoft SQL Server");
  CHECK_FALSE(three->first_submission_date);
  CHECK(hashsets::to_json(*three)["FirstSubmissionDate"].is_null());

  pe::Hashes none;
  none.md5 = "d41d8cd98f00b204e9800998ecf8427e";
  CHECK_FALSE(vt.lookup(none));
}

TEST_CASE("VirusTotal reports: unreadable lines are counted with their line numbers") {
  Reports r;
  VtReports vt;
  vt.add(r.path);
  // Python's json module agrees on which non-blank lines are not JSON.
  auto py = test::run(
      "/usr/bin/python3 -c 'import json,sys\n"
      "for n,l in enumerate(open(sys.argv[1]),1):\n"
      "  if l.strip():\n"
      "    try: json.loads(l)\n"
      "    except ValueError: print(n)' " +
      test::shell_quote(r.path.string()));
  REQUIRE(py.exit_code == 0);
  CHECK(py.out == "4\n");
  auto problems = vt.problems();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == r.path.string());
  CHECK(problems[0].message == "3 lines not understood (first at line 4: not valid JSON)");
  CHECK_THROWS_AS(vt.add(r.dir.path() / "missing.jsonl"), ArtifactError);
}

TEST_CASE(
    "VirusTotal query: which samples carry OriginalFilename sqlserver.exe, and are they signed") {
  Reports r;
  VtReports vt;
  vt.add(r.path);
  auto found = vt.query("original-name", "SQLSERVER.EXE");
  REQUIRE(found.size() == 2);
  CHECK(found[0].md5 == kUnisys1);
  CHECK(found[1].md5 == kUnisys2);
  for (const auto& f : found) {
    CHECK(f.signed_verified == true);
    CHECK(f.signers.find("Unisys Corporation") == 0);
  }
  CHECK(vt.query("original-name", "sqlservr.exe").at(0).sha256 == r.sha256_3);
  CHECK(vt.query("original-name", "sqlserver").empty());

  std::string upper = r.sha256_1;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto by_hash = vt.query("sha256", upper);
  REQUIRE(by_hash.size() == 1);
  CHECK(by_hash[0].md5 == kUnisys1);
  CHECK(vt.query("md5", kUnisys2).size() == 1);
  CHECK(vt.query("name", "DHSERVER").size() == 2);
  CHECK(vt.query("company", "unisys").size() == 2);
  CHECK(vt.query("company", "microsoft").size() == 1);
  CHECK_THROWS_AS(vt.query("imphash", "x"), std::invalid_argument);
}
