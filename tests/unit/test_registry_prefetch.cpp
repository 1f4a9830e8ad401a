// registry.prefetch: the six corpus .pf files (format versions 17, 23 and MAM-compressed 30)
// against sccainfo; damaged files; prefetch found through a directory evidence.
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>

#include "registry_execution_support.hpp"
#include "sqltriage/evidence.hpp"

namespace fs = std::filesystem;
using namespace sqltriage;
using namespace sqltriage::test::execution;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;

namespace {

Collected read_evidence(const fs::path& path) {
  Collected c;
  auto evidence = open_evidence(path);
  registry::Sink sink{[&](Finding f) { c.findings.push_back(std::move(f)); }, c.errors};
  registry::read_prefetch(*evidence, sink);
  return c;
}

struct Scca {
  std::string name, hash;
  unsigned version = 0, runs = 0, filename_count = 0;
  std::vector<std::string> last_runs;  // our ISO form
  std::map<unsigned, std::string> filenames;
  std::vector<std::string> serials, devices, created;
};

/// "May 14, 2015 22:11:58.091134100 UTC" -> "2015-05-14T22:11:58.0911341Z".
std::string iso_from_sccainfo(const std::string& t) {
  static const std::map<std::string, std::string> months = {
      {"Jan", "01"}, {"Feb", "02"}, {"Mar", "03"}, {"Apr", "04"}, {"May", "05"}, {"Jun", "06"},
      {"Jul", "07"}, {"Aug", "08"}, {"Sep", "09"}, {"Oct", "10"}, {"Nov", "11"}, {"Dec", "12"}};
  static const std::regex re(R"(^(\w{3}) (\d{2}), (\d{4}) (\d{2}:\d{2}:\d{2})\.(\d{7})\d* UTC$)");
  std::smatch m;
  if (!std::regex_match(t, m, re)) return "unparsed: " + t;
  return m[3].str() + "-" + months.at(m[1]) + "-" + m[2].str() + "T" + m[4].str() + "." +
         m[5].str() + "Z";
}

Scca sccainfo(const fs::path& pf) {
  const auto out = run("sccainfo " + shell_quote(pf.string()));
  REQUIRE(out.exit_code == 0);
  Scca s;
  static const std::regex kv(R"(^\t([^\t:]+?)(?:: (\d+))?:?\t+: (.*)$)");
  std::istringstream in(out.out);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (!std::regex_match(line, m, kv)) continue;
    const std::string key = m[1], value = m[3];
    if (key == "Format version") s.version = static_cast<unsigned>(std::stoul(value));
    if (key == "Prefetch hash") s.hash = value;
    if (key == "Executable filename") s.name = value;
    if (key == "Run count") s.runs = static_cast<unsigned>(std::stoul(value));
    if (key == "Last run time" && value.rfind("Not set", 0) != 0)
      s.last_runs.push_back(iso_from_sccainfo(value));
    if (key == "Number of filenames") s.filename_count = static_cast<unsigned>(std::stoul(value));
    if (key == "Filename") s.filenames[static_cast<unsigned>(std::stoul(m[2]))] = value;
    if (key == "Serial number") s.serials.push_back(value);
    if (key == "Device path") s.devices.push_back(value);
    if (key == "Creation time") s.created.push_back(iso_from_sccainfo(value));
  }
  return s;
}

}  // namespace

TEST_CASE("prefetch: every corpus .pf equals sccainfo", "[registry][prefetch]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "prefetch");
  if (!tool_or_skip("sccainfo")) return;
  const Collected got = read_evidence(dir);
  CHECK(got.errors.empty());
  REQUIRE(got.findings.size() == 6);
  std::set<unsigned> versions;
  for (const Finding& f : got.findings) {
    INFO(f.artifact.path);
    const Scca s = sccainfo(f.artifact.path);
    CHECK(f.type == "registry.prefetch");
    CHECK(f.data["ExecutableName"] == s.name);
    CHECK(f.data["PrefetchHash"] == s.hash);
    CHECK(f.data["FormatVersion"] == s.version);
    CHECK(f.data["RunCount"] == s.runs);
    versions.insert(s.version);
    REQUIRE(!s.last_runs.empty());
    std::vector<std::string> ours = f.data["LastRunTimes"];
    CHECK(ours == s.last_runs);
    CHECK(format_filetime(*f.time) == s.last_runs.front());
    CHECK(f.data["FilesReferencedCount"] == s.filename_count);
    const auto& files = f.data["FilesReferenced"];
    const std::size_t listed = std::min<std::size_t>(s.filename_count, 1024);
    REQUIRE(files.size() == listed);
    CHECK(files.front() == s.filenames.at(1));
    if (s.filename_count <= 1024)
      CHECK(files.back() == s.filenames.at(s.filename_count));
    else
      CHECK(files.back() == s.filenames.at(1024));
    REQUIRE(f.data["Volumes"].size() == s.serials.size());
    for (std::size_t i = 0; i < s.serials.size(); ++i) {
      CHECK(f.data["Volumes"][i]["SerialNumber"] == s.serials[i]);
      CHECK(f.data["Volumes"][i]["DevicePath"] == s.devices[i]);
      CHECK(f.data["Volumes"][i]["CreationTime"] == s.created[i]);
    }
    CHECK(f.data["Compressed"] == (s.version == 30));
  }
  CHECK(versions == std::set<unsigned>{17, 23, 30});
}

TEST_CASE("prefetch: truncated and garbage files are errors naming them, the rest is read",
          "[registry][prefetch]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "prefetch");
  TempDir dir;
  const fs::path good = dir.path() / "PING.EXE-B29F6629.pf";
  fs::copy_file(corpus / "PING.EXE-B29F6629.pf", good);
  const std::string whole = read_text(good);
  std::ofstream(dir.path() / "TRUNCATED.EXE-00000000.pf", std::ios::binary) << whole.substr(0, 300);
  std::ofstream(dir.path() / "NOTEPAD.EXE-CUT.pf", std::ios::binary)
      << read_text(corpus / "NOTEPAD.EXE-D8414F97.pf").substr(0, 2000);
  std::mt19937 rng(7);
  std::string garbage(5000, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  std::ofstream(dir.path() / "GARBAGE.EXE-11111111.pf", std::ios::binary) << garbage;
  // A MAM header announcing 3 GiB of uncompressed data.
  std::ofstream(dir.path() / "HUGE.EXE-22222222.pf", std::ios::binary)
      << std::string("MAM\x04\x00\x00\x00\xc0", 8) << std::string(100, 'x');
  std::ofstream(dir.path() / "notes.txt") << "not prefetch";

  const Collected got = read_evidence(dir.path());
  REQUIRE(got.findings.size() == 1);
  CHECK(got.findings[0].data["ExecutableName"] == "PING.EXE");
  REQUIRE(got.errors.size() == 4);
  std::set<std::string> named;
  for (const ErrorEntry& e : got.errors) {
    INFO(e.message);
    CHECK(e.code == "open_failed");
    CHECK(!e.message.empty());
    named.insert(fs::path(e.artifact.path).filename().string());
  }
  CHECK(named == std::set<std::string>{"TRUNCATED.EXE-00000000.pf", "NOTEPAD.EXE-CUT.pf",
                                       "GARBAGE.EXE-11111111.pf", "HUGE.EXE-22222222.pf"});
  for (const ErrorEntry& e : got.errors)
    if (e.artifact.path.find("HUGE") != std::string::npos) CHECK(e.artifact.offset == 4u);
}

TEST_CASE("prefetch: found under the Windows Prefetch folder of a directory evidence",
          "[registry][prefetch]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "prefetch");
  TempDir dir;
  fs::create_directories(dir.path() / "Windows" / "System32");
  fs::create_directories(dir.path() / "Windows" / "Prefetch");
  for (const char* name : {"CMD.EXE-087B4001.pf", "VELOCIRAPTOR.EXE-DB95245D.pf"})
    fs::copy_file(corpus / name, dir.path() / "Windows" / "Prefetch" / name);
  std::ofstream(dir.path() / "Windows" / "Prefetch" / "Layout.ini") << "x";
  const Collected got = read_evidence(dir.path());
  CHECK(got.errors.empty());
  REQUIRE(got.findings.size() == 2);
  CHECK(got.findings[0].artifact.path == "C:\\Windows\\Prefetch\\CMD.EXE-087B4001.pf");
  CHECK(got.findings[0].data["ExecutableName"] == "CMD.EXE");
  CHECK(got.findings[1].artifact.path == "C:\\Windows\\Prefetch\\VELOCIRAPTOR.EXE-DB95245D.pf");
  CHECK(got.findings[1].data["RunCount"] == 30);
}
