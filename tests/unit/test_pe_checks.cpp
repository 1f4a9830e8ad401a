// Tests of the PE checks (src/checks/pe_checks.cpp) on hand-built `pe.file` data, in the
// shape docs/pe.md documents. End-to-end runs on real signed programs are in
// tests/integration/test_pe_cli.cpp.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sqltriage/checks.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"

using nlohmann::ordered_json;
using sqltriage::Finding;
using sqltriage::Severity;
namespace checks = sqltriage::checks;

namespace {

// 2026-11-29T00:00:00Z
constexpr sqltriage::Filetime kNow = sqltriage::kFiletimeUnixEpoch + 1795910400ULL * 10000000ULL;

ordered_json signature(const std::string& subject, const std::string& cn, bool verified,
                       bool trusted, bool digest_matches = true) {
  return {{"Entry", 0},
          {"DigestMatches", digest_matches},
          {"Verified", verified},
          {"Signer", {{"Subject", subject}, {"SubjectCN", cn}}},
          {"Trusted", trusted},
          {"TrustDetail", trusted ? "" : "unable to get local issuer certificate"}};
}

const ordered_json kMicrosoft =
    signature("CN=Microsoft Windows,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US",
              "Microsoft Windows", true, true);

ordered_json authenticode(std::vector<ordered_json> sigs, bool catalogs_searched = false,
                          bool registry_roots = false) {
  ordered_json a = {{"Signed", !sigs.empty()},
                    {"Signatures", sigs},
                    {"Catalogs", ordered_json::array()},
                    {"CatalogsSearched", catalogs_searched}};
  a["TrustSources"] = ordered_json::array();
  if (registry_roots)
    a["TrustSources"].push_back({{"Source", "registry ROOT"}, {"Certificates", 61}});
  return a;
}

Finding pe_file(const std::string& path, ordered_json version, ordered_json auth,
                std::int64_t stamp = 1676901600) {
  Finding f;
  f.type = "pe.file";
  f.data = {{"Path", path},
            {"PE", {{"TimeDateStamp", "x"}, {"TimeDateStampRaw", stamp}}},
            {"VersionInfo", std::move(version)},
            {"Authenticode", std::move(auth)}};
  checks::apply_pe_checks(f, kNow);
  return f;
}

std::vector<std::string> ids(const Finding& f) {
  std::vector<std::string> out;
  for (const auto& c : f.checks) out.push_back(c.id);
  std::sort(out.begin(), out.end());
  return out;
}

const ordered_json kSqlServr = {{"CompanyName", "Microsoft Corporation"},
                                {"OriginalFilename", "SQLSERVR.EXE"},
                                {"ProductName", "Microsoft SQL Server"}};

}  // namespace

TEST_CASE("pe checks: the founding case, a Microsoft look-alike dropped in ProgramData") {
  const auto f = pe_file("C:\\ProgramData\\sqlserver.exe", kSqlServr, authenticode({}));
  CHECK(ids(f) == std::vector<std::string>{"lookalike_name", "microsoft_claim_unsigned",
                                           "original_name_mismatch"});
  CHECK(f.severity == Severity::high);
  CHECK(std::find(f.attack.begin(), f.attack.end(), "T1036.005") != f.attack.end());
  for (const auto& c : f.checks) {
    if (c.id == "original_name_mismatch") {
      CHECK(c.severity == Severity::medium);
      CHECK(c.reason.find("SQLSERVR.EXE") != std::string::npos);
      CHECK(c.reason.find("sqlserver.exe") != std::string::npos);
    }
    if (c.id == "lookalike_name") CHECK(c.reason.find("sqlservr.exe") != std::string::npos);
  }
}

TEST_CASE("pe checks: the real binary in its real folder, Microsoft-signed, stays quiet") {
  const auto f = pe_file(
      "C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe",
      kSqlServr,
      authenticode({signature("CN=Microsoft Corporation,O=Microsoft Corporation,C=US",
                              "Microsoft Corporation", true, true)}));
  CHECK(f.checks.empty());
  CHECK(f.severity == Severity::info);
}

TEST_CASE("pe checks: a well-known name outside its folders is high, a host path is not judged") {
  const ordered_json svchost = {{"CompanyName", "Microsoft Corporation"},
                                {"OriginalFilename", "svchost.exe"}};
  const auto in_temp =
      pe_file("C:\\Windows\\Temp\\svchost.exe", svchost, authenticode({kMicrosoft}));
  CHECK(ids(in_temp) == std::vector<std::string>{"known_name_wrong_folder"});
  CHECK(in_temp.severity == Severity::high);
  const auto at_home =
      pe_file("C:\\Windows\\System32\\svchost.exe", svchost, authenticode({kMicrosoft}));
  CHECK(at_home.checks.empty());
  // A copy analysed on the examiner's machine: its folder says nothing.
  const auto copied = pe_file("/cases/42/svchost.exe", svchost, authenticode({kMicrosoft}));
  CHECK(copied.checks.empty());
}

TEST_CASE("pe checks: Microsoft-named signer certificates") {
  const auto forged = signature("CN=Microsoft Corporation,O=Microsoft Corporation,C=US",
                                "Microsoft Corporation", true, false);
  SECTION("untrusted with the evidence's own roots available: a forgery, high") {
    const auto f =
        pe_file("C:\\Tools\\helper.exe",
                {{"CompanyName", "Microsoft Corporation"}, {"OriginalFilename", "helper.exe"}},
                authenticode({forged}, false, true));
    REQUIRE(ids(f) == std::vector<std::string>{"microsoft_signature_untrusted"});
    CHECK(f.checks[0].severity == Severity::high);
    CHECK(f.checks[0].reason.find("unable to get local issuer certificate") != std::string::npos);
  }
  SECTION("untrusted with no Windows roots to judge by: low") {
    const auto f =
        pe_file("C:\\Tools\\helper.exe",
                {{"CompanyName", "Microsoft Corporation"}, {"OriginalFilename", "helper.exe"}},
                authenticode({forged}));
    REQUIRE(ids(f) == std::vector<std::string>{"microsoft_signature_untrusted"});
    CHECK(f.checks[0].severity == Severity::low);
  }
  SECTION("a verified signature by someone else does not count as Microsoft's") {
    const auto f = pe_file("C:\\Tools\\helper.exe",
                           {{"ProductName", "Microsoft® Windows® Operating System"},
                            {"OriginalFilename", "helper.exe"}},
                           authenticode({signature("CN=Unisys Corporation,O=Unisys Corporation",
                                                   "Unisys Corporation", true, true)}));
    CHECK(ids(f) == std::vector<std::string>{"microsoft_claim_unsigned"});
  }
}

TEST_CASE("pe checks: a well-known binary signed by the wrong signer, or unsigned") {
  const ordered_json lsass = {{"CompanyName", "Microsoft Corporation"},
                              {"OriginalFilename", "lsass.exe"}};
  const auto other = signature("CN=Evil Ltd,O=Evil Ltd", "Evil Ltd", true, true);
  const auto wrong = pe_file("C:\\Windows\\System32\\lsass.exe", lsass, authenticode({other}));
  CHECK(ids(wrong) ==
        std::vector<std::string>{"known_binary_wrong_signer", "microsoft_claim_unsigned"});
  // Unsigned: Windows signs its own files through catalogs, so only judged when they were
  // searched.
  CHECK(ids(pe_file("C:\\Windows\\System32\\lsass.exe", lsass, authenticode({}, false))) ==
        std::vector<std::string>{"microsoft_claim_unsigned"});
  CHECK(ids(pe_file("C:\\Windows\\System32\\lsass.exe", lsass, authenticode({}, true))) ==
        std::vector<std::string>{"known_binary_unsigned", "microsoft_claim_unsigned"});
}

TEST_CASE("pe checks: OriginalFilename comparisons forgive case, .mui and a missing extension") {
  const auto sig = authenticode({signature("CN=Vendor,O=Vendor", "Vendor", true, true)});
  CHECK(pe_file("C:\\App\\tool.exe", {{"OriginalFilename", "TOOL.EXE"}}, sig).checks.empty());
  CHECK(pe_file("C:\\App\\tool.exe", {{"OriginalFilename", "tool.exe.mui"}}, sig).checks.empty());
  CHECK(pe_file("C:\\App\\tool.exe", {{"OriginalFilename", "tool"}}, sig).checks.empty());
  CHECK(ids(pe_file("C:\\App\\tool.exe", {{"OriginalFilename", "dhserver.exe"}}, sig)) ==
        std::vector<std::string>{"original_name_mismatch"});
}

TEST_CASE("pe checks: signatures that do not verify") {
  const auto f =
      pe_file("C:\\App\\tool.exe", {{"OriginalFilename", "tool.exe"}},
              authenticode({signature("CN=Vendor,O=Vendor", "Vendor", false, false, false)}));
  REQUIRE(ids(f) == std::vector<std::string>{"signature_invalid"});
  CHECK(f.checks[0].severity == Severity::high);
  CHECK(f.checks[0].attack == std::vector<std::string>{"T1553.002"});
  CHECK(f.checks[0].reason.find("changed after signing") != std::string::npos);
}

TEST_CASE("pe checks: TimeDateStamp zero or in the future, unless Microsoft signed it") {
  const ordered_json v = {{"OriginalFilename", "tool.exe"}};
  CHECK(ids(pe_file("C:\\App\\tool.exe", v, authenticode({}), 0)) ==
        std::vector<std::string>{"timedatestamp_zeroed"});
  // 2030-01-01: after kNow.
  CHECK(ids(pe_file("C:\\App\\tool.exe", v, authenticode({}), 1893456000)) ==
        std::vector<std::string>{"timedatestamp_future"});
  CHECK(pe_file("C:\\App\\tool.exe", v, authenticode({}), 1795910400).checks.empty());
  CHECK(pe_file("C:\\App\\tool.exe", v, authenticode({kMicrosoft}), 1893456000).checks.empty());
}

TEST_CASE("pe checks: hash-set verdicts and VirusTotal detections") {
  Finding f;
  f.type = "pe.file";
  f.data = {{"Path", "/cases/x.bin"},
            {"HashSets",
             {{{"Set", "nsrl.db"}, {"Verdict", "known-good"}, {"Algorithm", "sha1"}},
              {{"Set", "bazaar.csv"},
               {"Verdict", "known-bad"},
               {"Algorithm", "sha256"},
               {"Entry", {{"signature", "CobaltStrike"}}}}}},
            {"VirusTotal", {{"Malicious", 2}, {"Engines", 70}}}};
  checks::apply_pe_checks(f, kNow);
  CHECK(ids(f) == std::vector<std::string>{"hashset_known_bad", "virustotal_detections"});
  CHECK(f.severity == Severity::critical);
  for (const auto& c : f.checks) {
    if (c.id == "hashset_known_bad")
      CHECK(c.reason.find("bazaar.csv (CobaltStrike)") != std::string::npos);
    if (c.id == "virustotal_detections") CHECK(c.severity == Severity::medium);
  }
  f.checks.clear();
  f.data["VirusTotal"]["Malicious"] = 0;
  f.data.erase("HashSets");
  checks::apply_pe_checks(f, kNow);
  CHECK(f.checks.empty());
}
