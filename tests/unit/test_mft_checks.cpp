// Tests of the MFT checks (src/checks/mft_checks.cpp) on hand-built `mft.entry` data, in
// the shape docs/mft.md documents.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sqltriage/checks.hpp"
#include "sqltriage/finding.hpp"

using nlohmann::ordered_json;
using sqltriage::Finding;
using sqltriage::Severity;
namespace checks = sqltriage::checks;

namespace {

ordered_json times(const std::string& c, const std::string& m, const std::string& e,
                   const std::string& a) {
  return {{"CreationTime", c}, {"LastWriteTime", m}, {"ChangeTime", e}, {"LastAccessTime", a}};
}

ordered_json same_times(const std::string& t) { return times(t, t, t, t); }

ordered_json file_name(const std::string& name, const std::string& ns, ordered_json t) {
  ordered_json fn = {{"FileName", name}, {"Namespace", ns}};
  for (auto& [k, v] : t.items()) fn[k] = v;
  return fn;
}

ordered_json entry(const std::string& path, ordered_json si, ordered_json file_names) {
  return {{"Path", path},
          {"Entry", 41},
          {"Sequence", 1},
          {"InUse", true},
          {"Directory", false},
          {"$STANDARD_INFORMATION", std::move(si)},
          {"$FILE_NAME", file_names}};
}

Finding checked(ordered_json data) {
  Finding f;
  f.type = "mft.entry";
  f.data = std::move(data);
  checks::apply_mft_checks(f);
  return f;
}

std::vector<std::string> ids(const Finding& f) {
  std::vector<std::string> out;
  for (const auto& c : f.checks) out.push_back(c.id);
  std::sort(out.begin(), out.end());
  return out;
}

using Ids = std::vector<std::string>;

constexpr const char* kFnTime = "2023-02-20T14:03:58.1234567Z";
constexpr const char* kPlain = "C:\\Data\\report.txt";

}  // namespace

TEST_CASE("timestomping: $SI creation earlier than the long $FILE_NAME creation") {
  auto data = entry(kPlain, same_times("2015-01-01T00:00:00.5000000Z"),
                    {file_name("report.txt", "Win32", same_times(kFnTime))});
  const auto f = checked(data);
  REQUIRE(ids(f) == Ids{"timestomping"});
  CHECK(f.severity == Severity::medium);
  CHECK(f.attack == std::vector<std::string>{"T1070.006"});
  const auto& reason = f.checks.front().reason;
  CHECK(reason.find("2015-01-01T00:00:00.5000000Z") != std::string::npos);
  CHECK(reason.find(kFnTime) != std::string::npos);
  CHECK(reason.find("C:\\Data\\report.txt") != std::string::npos);

  SECTION("one tick earlier is enough; equal is not") {
    auto d2 = entry(kPlain, same_times("2023-02-20T14:03:58.1234566Z"),
                    {file_name("report.txt", "POSIX", same_times(kFnTime))});
    CHECK(ids(checked(d2)) == Ids{"timestomping"});
    auto d3 = entry(kPlain, same_times(kFnTime),
                    {file_name("report.txt", "Win32 & DOS", same_times(kFnTime))});
    CHECK(ids(checked(d3)).empty());
  }
  SECTION("$SI later than $FN (a normal copy or later change) does not fire") {
    auto d = entry(kPlain, same_times("2024-01-01T10:00:00.7654321Z"),
                   {file_name("report.txt", "Win32", same_times(kFnTime))});
    CHECK(ids(checked(d)).empty());
  }
  SECTION("only the DOS name is older: not compared") {
    auto d = entry(kPlain, same_times("2020-05-05T05:05:05.5555555Z"),
                   {file_name("REPORT~1.TXT", "DOS", same_times(kFnTime)),
                    file_name("report.txt", "Win32", same_times("2020-05-05T05:05:05.5555555Z"))});
    CHECK(ids(checked(d)).empty());
  }
  SECTION("any hard link's long name counts") {
    auto d = entry(kPlain, same_times("2020-05-05T05:05:05.5555555Z"),
                   {file_name("a.txt", "Win32", same_times("2020-05-05T05:05:05.5555555Z")),
                    file_name("b.txt", "POSIX", same_times("2021-01-01T00:00:00.1000000Z"))});
    const auto hit = checked(d);
    REQUIRE(ids(hit) == Ids{"timestomping"});
    CHECK(hit.checks.front().reason.find("\"b.txt\"") != std::string::npos);
  }
}

TEST_CASE("timestomping: whole-second $SI times while $FILE_NAME has sub-seconds") {
  // $SI later than $FN, so only the sub-second rule can fire.
  auto si = times("2024-03-01T08:00:00.0000000Z", "2024-03-01T09:00:00.0000000Z",
                  "2024-03-01T10:00:00.0000000Z", "2024-03-01T11:00:00.0000000Z");
  auto d = entry(kPlain, si, {file_name("report.txt", "Win32", same_times(kFnTime))});
  const auto f = checked(d);
  REQUIRE(ids(f) == Ids{"timestomping"});
  CHECK(f.checks.front().reason.find("zero sub-second") != std::string::npos);

  SECTION("sub-second zero in both: no hit") {
    auto d2 = entry(kPlain, si,
                    {file_name("report.txt", "Win32", same_times("2023-02-20T14:03:58.0000000Z"))});
    CHECK(ids(checked(d2)).empty());
  }
  SECTION("one $SI time with sub-seconds: no hit") {
    auto si2 = si;
    si2["LastAccessTime"] = "2024-03-01T11:00:00.0000001Z";
    auto d2 = entry(kPlain, si2, {file_name("report.txt", "Win32", same_times(kFnTime))});
    CHECK(ids(checked(d2)).empty());
  }
  SECTION("$SI times of 0 (absent) are not whole-second evidence") {
    auto d2 = entry(kPlain, same_times("1601-01-01T00:00:00.0000000Z"),
                    {file_name("report.txt", "Win32", same_times(kFnTime))});
    CHECK(ids(checked(d2)).empty());
  }
}

TEST_CASE("timestomping: no $FILE_NAME or no $STANDARD_INFORMATION, nothing to compare") {
  auto d = entry(kPlain, same_times("2015-01-01T00:00:00.0000000Z"), ordered_json::array());
  CHECK(ids(checked(d)).empty());
  ordered_json no_si = {{"Path", kPlain},
                        {"$FILE_NAME", {file_name("report.txt", "Win32", same_times(kFnTime))}}};
  CHECK(ids(checked(no_si)).empty());
}

TEST_CASE("internet_download on the entry's Zone.Identifier") {
  auto d = entry("C:\\Users\\Administrator\\Documents\\tool.exe", same_times(kFnTime),
                 {file_name("tool.exe", "Win32", same_times(kFnTime))});
  d["Zone.Identifier"] = {
      {"ZoneId", 3}, {"ZoneName", "Internet"}, {"HostUrl", "http://203.0.113.7/tool.exe"}};
  const auto f = checked(d);
  REQUIRE(ids(f) == Ids{"internet_download"});
  CHECK(f.severity == Severity::medium);
  CHECK(f.attack == std::vector<std::string>{"T1105"});
  CHECK(f.checks.front().reason.find("http://203.0.113.7/tool.exe") != std::string::npos);
  CHECK(f.checks.front().reason.find("tool.exe came from the Internet zone") != std::string::npos);

  SECTION("ZoneId 4 counts") {
    d["Zone.Identifier"]["ZoneId"] = 4;
    CHECK(ids(checked(d)) == Ids{"internet_download"});
  }
  SECTION("ZoneId 2 (trusted) and 0 (local) do not") {
    d["Zone.Identifier"]["ZoneId"] = 2;
    CHECK(ids(checked(d)).empty());
    d["Zone.Identifier"]["ZoneId"] = 0;
    CHECK(ids(checked(d)).empty());
  }
  SECTION("a document from the Internet is low") {
    d["Path"] = "C:\\Data\\invoice.pdf";
    const auto low = checked(d);
    REQUIRE(ids(low) == Ids{"internet_download"});
    CHECK(low.severity == Severity::low);
  }
}

TEST_CASE("user_writable_executable") {
  auto exe = [](const std::string& path) {
    return entry(path, same_times(kFnTime),
                 {file_name(std::string(checks::basename(path)), "Win32", same_times(kFnTime))});
  };
  const auto f = checked(exe("C:\\inetpub\\wwwroot\\uploads\\sqlserver.exe"));
  REQUIRE(ids(f) == Ids{"user_writable_executable"});
  CHECK(f.severity == Severity::medium);
  CHECK(f.checks.front().reason.find("C:\\inetpub\\wwwroot\\uploads\\sqlserver.exe") !=
        std::string::npos);
  CHECK(ids(checked(exe("C:\\ProgramData\\tools\\dl.exe"))) == Ids{"user_writable_executable"});
  CHECK(ids(checked(exe("\\Users\\bob\\Downloads\\x.ps1"))) == Ids{"user_writable_executable"});
  CHECK(ids(checked(exe("C:\\inetpub\\wwwroot\\up.aspx"))) == Ids{"user_writable_executable"});

  SECTION("outside those folders, or not runnable: no hit") {
    CHECK(ids(checked(exe("C:\\Windows\\System32\\svchost.exe"))).empty());
    CHECK(ids(checked(exe("C:\\ProgramData\\tools\\readme.txt"))).empty());
    CHECK(ids(checked(exe("C:\\ProgramData2\\tool.exe"))).empty());
  }
  SECTION("MZ data without a runnable extension") {
    auto d = exe("C:\\Windows\\Temp\\update.dat");
    CHECK(ids(checked(d)).empty());
    d["FileSignature"] = "MZ";
    const auto hit = checked(d);
    REQUIRE(ids(hit) == Ids{"user_writable_executable"});
    CHECK(hit.checks.front().reason.find("\"MZ\"") != std::string::npos);
  }
  SECTION("a folder named like an executable is not one") {
    auto d = exe("C:\\ProgramData\\setup.exe");
    d["Directory"] = true;
    CHECK(ids(checked(d)).empty());
  }
  SECTION("a well-known binary in its own folder under ProgramData is not reported") {
    CHECK(ids(checked(exe("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.2301.6-0\\"
                          "MsMpEng.exe")))
              .empty());
  }
}

TEST_CASE("every MFT check at once: the scenario's sqlserver.exe") {
  auto d = entry("C:\\inetpub\\wwwroot\\uploads\\sqlserver.exe",
                 same_times("2015-07-10T09:00:00.0000000Z"),
                 {file_name("sqlserver.exe", "Win32", same_times(kFnTime)),
                  file_name("SQLSER~1.EXE", "DOS", same_times(kFnTime))});
  d["Zone.Identifier"] = {{"ZoneId", 3}, {"HostUrl", "http://203.0.113.7/sqlserver.exe"}};
  const auto f = checked(d);
  CHECK(ids(f) == Ids{"internet_download", "timestomping", "user_writable_executable"});
  CHECK(f.severity == Severity::medium);
  CHECK(f.attack == std::vector<std::string>{"T1070.006", "T1105"});
}
