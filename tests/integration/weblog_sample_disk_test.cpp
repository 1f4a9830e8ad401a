// The IIS logs of the sample disk (tests/fixtures/ntfs/sample_weblogs.hpp), read back with The
// Sleuth Kit (fls, icat) and checked with awk, columns found by name from each #Fields:
// directive; then `sqltriage weblog` on the disk against what awk extracted.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "ntfs/sample_weblogs.hpp"
#include "support.hpp"

using namespace sqltriage::test;
namespace fs = std::filesystem;
namespace nt = sqltriage::fixtures::ntfs;
using Json = nlohmann::json;

namespace {

std::string q(const fs::path& p) { return shell_quote(p.string()); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

/// Runs awk `program` on `file`; REQUIREs success.
std::string awk(const std::string& program, const fs::path& file) {
  const auto r = run("awk " + shell_quote(program) + " " + q(file));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

/// An awk prologue: CR dropped, col[NAME] = the column of NAME under the latest #Fields:
/// directive, nf = how many it names; other directives skipped.
const std::string kColumns =
    "{ sub(/\\r$/, \"\") }\n"
    "/^#Fields:/ { for (k in col) delete col[k]; for (i = 2; i <= NF; i++) col[$i] = i - 1;"
    " nf = NF - 1; next }\n"
    "/^#/ { next }\n";

/// The sample disk with a stand-in sqlserver.exe of an odd size (so that the upload's size
/// must follow the file), the logs and the executable extracted with fls and icat.
struct SampleWeblogDisk {
  TempDir dir;
  fs::path image;
  std::uint64_t exe_size = 0;
  std::map<std::string, fs::path> logs;  ///< file name -> the icat'ed copy

  static constexpr std::uint64_t kExeSize = 23457;

  SampleWeblogDisk() {
    const fs::path exe = dir.path() / "stand-in.exe";
    std::string bytes(kExeSize, '\x5A');
    bytes[0] = 'M';
    for (std::size_t i = 2; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 % 251);
    write_file(exe, bytes);
    image = dir.path() / "sample.img";
    const auto gen =
        run(shell_quote(SQLTRIAGE_NTFSGEN) + " sample " + q(image) + " --sqlserver " + q(exe));
    INFO(gen.err);
    REQUIRE(gen.exit_code == 0);
    // ntfsgen prints IMAGE<TAB>volume offset in bytes.
    const auto tab = gen.out.find('\t');
    REQUIRE(tab != std::string::npos);
    const std::string sectors = std::to_string(std::stoull(gen.out.substr(tab + 1)) / 512);
    const auto fls = run("fls -r -p -o " + sectors + " " + q(image));
    INFO(fls.err);
    REQUIRE(fls.exit_code == 0);
    auto extract = [&](const std::string& path, const fs::path& to) {
      std::smatch m;
      INFO(path);
      REQUIRE(
          std::regex_search(fls.out, m, std::regex("r/r ([0-9]+-128-[0-9]+):\t" + path + "\n")));
      const auto cat = run("icat -o " + sectors + " " + q(image) + " " + m[1].str());
      REQUIRE(cat.exit_code == 0);
      write_file(to, cat.out);
    };
    const fs::path exe_copy = dir.path() / "sqlserver.exe";
    extract("ProgramData/sqlserver\\.exe", exe_copy);
    exe_size = fs::file_size(exe_copy);
    for (const char* name : {"u_ex230219.log", "u_ex230220.log"}) {
      logs[name] = dir.path() / name;
      extract(std::string("inetpub/logs/LogFiles/W3SVC1/") + name, logs[name]);
    }
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::set<std::string> set_of(const std::string& lines) {
  const auto v = lines_of(lines);
  return {v.begin(), v.end()};
}

/// The ip column of the noise CSV, read by Python's csv module.
std::set<std::string> noise_ips(const fs::path& csv) {
  const auto r =
      run("/usr/bin/python3 -c 'import csv, sys\n"
          "for row in csv.DictReader(open(sys.argv[1], newline=\"\")): print(row[\"ip\"])' " +
          q(csv));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return set_of(r.out);
}

fs::path noise_csv() { return source_dir() / "tests/fixtures/weblog/sample-noise.csv"; }

}  // namespace

TEST_CASE("weblog sample disk: the IIS logs, read back with fls, icat and awk",
          "[weblog][sample][ntfsgen]") {
  if (!tool_or_skip("fls") || !tool_or_skip("icat")) return;
  SampleWeblogDisk disk;
  CHECK(disk.exe_size == SampleWeblogDisk::kExeSize);
  const auto written = nt::sample_weblogs(disk.exe_size);
  REQUIRE(written.size() == 2);
  std::set<std::string> clients;
  for (const auto& log : written) {
    INFO(log.file_name);
    REQUIRE(disk.logs.count(log.file_name) == 1);
    const fs::path& file = disk.logs.at(log.file_name);
    // What the generator wrote, line count and #Fields: directives, against awk.
    const auto lines = lines_of(log.text);
    std::vector<std::string> fields;
    for (auto line : lines)
      if (line.rfind("#Fields:", 0) == 0) fields.push_back(line.substr(0, line.size() - 1));
    CHECK(awk("END { print NR }", file) == std::to_string(lines.size()) + "\n");
    CHECK(lines_of(awk("/^#Fields:/ { sub(/\\r$/, \"\"); print }", file)) == fields);
    CHECK(fields.size() == (log.file_name == "u_ex230220.log" ? 2u : 1u));  // the restart
    CHECK(awk("!/\\r$/ { n++ } END { print n + 0 }", file) == "0\n");       // CRLF throughout
    // Every request: as many values as #Fields: names, the file's day, in time order.
    const std::string day = "2023-02-" + log.file_name.substr(8, 2);
    CHECK(awk(kColumns + "NF != nf || $(col[\"date\"]) != \"" + day +
                  "\" { bad++ } $(col[\"time\"]) < last { unordered++ }"
                  " { last = $(col[\"time\"]); n++ }"
                  " END { print n, bad + 0, unordered + 0 }",
              file) == std::to_string(lines.size() - 4 * fields.size()) + " 0 0\n");
    CHECK(slurp(file) == log.text);  // byte for byte
    for (const auto& ip : lines_of(awk(kColumns + "{ print $(col[\"c-ip\"]) }", file)))
      clients.insert(ip);
  }
  const fs::path day2 = disk.logs.at("u_ex230220.log");

  // Nobody but the attacker requests the webshell (IIS paths are case-insensitive).
  const std::string shell = "tolower($(col[\"cs-uri-stem\"])) == \"/uploads/up.aspx\"";
  CHECK(set_of(awk(kColumns + shell + " { print $(col[\"c-ip\"]) }", day2)) ==
        std::set<std::string>{nt::kAttacker});
  CHECK(awk(kColumns + shell + " { n++ } END { print n + 0 }", disk.logs.at("u_ex230219.log")) ==
        "0\n");

  // The one POST to it carried the executable: cs-bytes in [exe size, exe size + 64 KiB].
  const auto posts =
      lines_of(awk(kColumns + shell +
                       " && $(col[\"cs-method\"]) == \"POST\" { print $(col[\"date\"]),"
                       " $(col[\"time\"]), $(col[\"c-ip\"]), $(col[\"sc-status\"]),"
                       " $(col[\"cs-bytes\"]) }",
                   day2));
  REQUIRE(posts.size() == 1);
  std::istringstream post(posts[0]);
  std::string date, time, ip;
  int status = 0;
  std::uint64_t cs_bytes = 0;
  post >> date >> time >> ip >> status >> cs_bytes;
  CHECK(date + "T" + time == "2023-02-20T14:03:15");
  CHECK(ip == nt::kAttacker);
  CHECK(status == 200);
  CHECK(cs_bytes >= disk.exe_size);
  CHECK(cs_bytes <= disk.exe_size + 65536);
  // No other request of either day is that large.
  for (const auto& [name, file] : disk.logs)
    CHECK(awk(kColumns + "$(col[\"cs-bytes\"]) + 0 >= " + std::to_string(disk.exe_size) +
                  " { n++ } END { print n + 0 }",
              file) == (name == "u_ex230220.log" ? "1\n" : "0\n"));

  // The noise list names every scanner of the logs, in the CSV shape of a GreyNoise export.
  const auto noise = noise_ips(noise_csv());
  for (const char* scanner : nt::kScannerAddresses) {
    INFO(scanner);
    CHECK(noise.count(scanner) == 1);
    CHECK(clients.count(scanner) == 1);
  }
  CHECK(noise.count(nt::kAttacker) == 0);
  CHECK(awk("NR == 1 { print }", noise_csv()).rfind("ip,classification,", 0) == 0);
}

TEST_CASE("weblog cli: the sample disk's upload, webshell and clients, against awk",
          "[weblog][cli][sample]") {
  if (!tool_or_skip("fls") || !tool_or_skip("icat")) return;
  SampleWeblogDisk disk;
  const auto r = run_sqltriage(
      "weblog " + q(disk.image) +
      " --target 'C:\\ProgramData\\sqlserver.exe' --pivot 2023-02-20T14:03:11Z --window 2h"
      " --noise " +
      q(noise_csv()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(r.out));
  CHECK(doc.at("errors").empty());
  std::map<std::string, std::vector<Json>> by_type;
  for (const auto& f : doc.at("findings")) by_type[f.at("type").get<std::string>()].push_back(f);
  const auto noise = noise_ips(noise_csv());
  std::string noise_list;
  for (const auto& ip : noise) noise_list += ip + " ";

  // One weblog.log per file: lines, requests and noise requests as awk counts them.
  REQUIRE(by_type["weblog.log"].size() == 2);
  for (const auto& f : by_type["weblog.log"]) {
    const std::string path = f.at("artifact").at("path");
    INFO(path);
    const std::string name = path.substr(path.find_last_of('\\') + 1);
    REQUIRE(disk.logs.count(name) == 1);
    const auto counts =
        awk("BEGIN { split(\"" + noise_list + "\", l, \" \"); for (i in l) noise[l[i]] = 1 }\n" +
                kColumns + "{ n++; if ($(col[\"c-ip\"]) in noise) m++ }" +
                " END { print NR, n, m + 0 }",
            disk.logs.at(name));
    std::istringstream in(counts);
    std::uint64_t lines = 0, requests = 0, noisy = 0;
    in >> lines >> requests >> noisy;
    const auto& d = f.at("data");
    CHECK(d.at("Format") == "w3c");
    CHECK(d.at("Lines") == lines);
    CHECK(d.at("Requests") == requests);
    CHECK(d.at("NoiseRequests") == noisy);
    CHECK(noisy > 0);
    CHECK(d.at("BadLines") == 0);
    CHECK(d.at("RecordsRequestSize") == true);
  }

  // weblog.upload: the requests awk finds with cs-bytes in [exe size, exe size + 64 KiB].
  const fs::path day2 = disk.logs.at("u_ex230220.log");
  const std::string size = std::to_string(disk.exe_size);
  const auto expected = lines_of(awk(kColumns + "$(col[\"cs-bytes\"]) + 0 >= " + size +
                                         " && $(col[\"cs-bytes\"]) + 0 <= " + size +
                                         " + 65536 { print NR, $(col[\"c-ip\"]),"
                                         " $(col[\"cs-method\"]), $(col[\"cs-uri-stem\"]),"
                                         " $(col[\"cs-bytes\"]) }",
                                     day2));
  REQUIRE(expected.size() == 1);
  const auto& uploads = by_type["weblog.upload"];
  REQUIRE(uploads.size() == 1);
  const auto& up = uploads[0].at("data");
  std::ostringstream got;
  got << uploads[0].at("artifact").at("record").get<std::uint64_t>() << ' '
      << up.at("c-ip").get<std::string>() << ' ' << up.at("cs-method").get<std::string>() << ' '
      << up.at("cs-uri-stem").get<std::string>() << ' ' << up.at("cs-bytes").get<std::uint64_t>();
  CHECK(got.str() == expected[0]);
  CHECK(up.at("TargetSize") == disk.exe_size);

  // weblog.resource for the webshell: high or above, reached by the addresses awk lists.
  const std::string shell = "tolower($(col[\"cs-uri-stem\"])) == \"/uploads/up.aspx\"";
  const Json* webshell = nullptr;
  for (const auto& f : by_type["weblog.resource"])
    if (f.at("data").at("Resource") == "/uploads/up.aspx") webshell = &f;
  REQUIRE(webshell != nullptr);
  const std::string severity = webshell->at("severity");
  CHECK((severity == "high" || severity == "critical"));
  CHECK(webshell->at("data").at("Requests") ==
        std::stoull(awk(kColumns + shell + " { n++ } END { print n + 0 }", day2)));
  std::set<std::string> shell_ips;
  for (const auto& ip : webshell->at("data").at("ClientIps")) shell_ips.insert(ip);
  CHECK(shell_ips == set_of(awk(kColumns + shell + " { print $(col[\"c-ip\"]) }", day2)));

  // The attacker is a client of the window; no noise address is in a stack or a client.
  bool attacker_seen = false;
  for (const auto& f : by_type["weblog.client"]) {
    const std::string ip = f.at("data").at("c-ip");
    CHECK(noise.count(ip) == 0);
    if (ip == nt::kAttacker) {
      attacker_seen = true;
      CHECK(f.at("data").at("UploadMatches") == 1);
    }
  }
  CHECK(attacker_seen);
  for (const auto& f : by_type["weblog.resource"])
    for (const auto& ip : f.at("data").at("ClientIps")) CHECK(noise.count(ip) == 0);
}
