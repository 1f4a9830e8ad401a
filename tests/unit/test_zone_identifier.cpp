// Zone.Identifier streams: our parser against Python's configparser, and the
// internet_download check.
#include <fstream>

#include "sqltriage/checks.hpp"
#include "sqltriage/zone_identifier.hpp"
#include "support.hpp"

using namespace sqltriage;

TEST_CASE("Zone.Identifier text parses as configparser reads it") {
  // As Edge writes it (CRLF, with a packaged-app key), and as curl/PowerShell write it.
  const std::vector<std::string> streams = {
      "[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=https://example.net/dl\r\n"
      "HostUrl=https://cdn.example.net/a/sqlserver.exe?x=1&y=2\r\n"
      "LastWriterPackageFamilyName=Microsoft.MicrosoftEdge_8wekyb3d8bbwe\r\n",
      "\xEF\xBB\xBF[ZoneTransfer]\nZoneId=4\nAppZoneId=4\n", "[ZoneTransfer]\r\nZoneId=2\r\n"};
  test::TempDir tmp;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    auto path = tmp.path() / ("z" + std::to_string(i));
    std::ofstream(path, std::ios::binary) << streams[i];
    // configparser lower-cases keys by default; keep their case with optionxform = str.
    auto py = test::run(
        "/usr/bin/python3 -c 'import configparser,sys\n"
        "c=configparser.ConfigParser(interpolation=None); c.optionxform=str\n"
        "c.read(sys.argv[1], encoding=\"utf-8-sig\")\n"
        "[print(k+\"=\"+v) for k,v in c[\"ZoneTransfer\"].items()]' " +
        test::shell_quote(path.string()));
    REQUIRE(py.exit_code == 0);
    auto z = parse_zone_identifier(streams[i]);
    REQUIRE(z);
    std::string ours;
    for (const auto& [k, v] : z->values) ours += k + "=" + v + "\n";
    CHECK(ours == py.out);
  }
  auto z = parse_zone_identifier(streams[0]);
  CHECK(z->zone_id == 3);
  CHECK(z->host_url == "https://cdn.example.net/a/sqlserver.exe?x=1&y=2");
  CHECK(z->referrer_url == "https://example.net/dl");
  CHECK(parse_zone_identifier(streams[1])->zone_id == 4);
}

TEST_CASE("Sysmon 15's one-line rendering and damaged text") {
  auto z = parse_zone_identifier("[ZoneTransfer]  ZoneId=3  HostUrl=http://198.51.100.23/x.exe");
  REQUIRE(z);
  CHECK(z->zone_id == 3);
  CHECK(z->host_url == "http://198.51.100.23/x.exe");
  CHECK_FALSE(parse_zone_identifier("ZoneId=3"));  // no section
  auto bad = parse_zone_identifier("[ZoneTransfer]\r\nZoneId=three\r\n=x\r\n");
  REQUIRE(bad);
  CHECK_FALSE(bad->zone_id);  // not a number: no ZoneId, the text kept in values
  CHECK(bad->values.size() == 1);
  CHECK(zone_name(3) == "Internet");
  CHECK(zone_name(7).empty());
}

namespace {
Finding sysmon15(int zone, const std::string& target) {
  Finding f;
  f.data = {{"EventID", 15},
            {"Provider", "Microsoft-Windows-Sysmon"},
            {"Channel", "Microsoft-Windows-Sysmon/Operational"},
            {"TargetFilename", target},
            {"ZoneId", zone},
            {"HostUrl", "http://198.51.100.23/sqlserver.exe"}};
  return f;
}
}  // namespace

TEST_CASE("internet_download: medium for runnable files from the Internet zone") {
  auto f = sysmon15(3, "C:\\ProgramData\\sqlserver.exe:Zone.Identifier");
  checks::apply_evtx_checks(f);
  REQUIRE(f.checks.size() == 1);
  CHECK(f.checks[0].id == "internet_download");
  CHECK(f.severity == Severity::medium);
  CHECK(f.attack == std::vector<std::string>{"T1105"});
  CHECK(f.checks[0].reason.find("http://198.51.100.23/sqlserver.exe") != std::string::npos);
  CHECK(f.checks[0].reason.find("C:\\ProgramData\\sqlserver.exe came from") == 0);

  auto archive = sysmon15(3, "C:\\Users\\a\\Downloads\\report.zip:Zone.Identifier");
  checks::apply_evtx_checks(archive);
  CHECK(archive.severity == Severity::low);
  CHECK(archive.attack.empty());

  auto intranet = sysmon15(1, "C:\\ProgramData\\tool.exe:Zone.Identifier");
  checks::apply_evtx_checks(intranet);
  CHECK(intranet.checks.empty());
}
