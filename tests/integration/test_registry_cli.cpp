// `sqltriage registry` end to end, through the built binary: the sample server's hives
// (tests/fixtures/registry/make_sample_hives.py) as a directory evidence and inside an NTFS
// image, `registry replay` on the corpus's dirty hive, and damaged hives.
//
// Independent references: hivexget and python3-hivex read back what the generator wrote
// (values, key LastWrite times); regfexport reads the replayed hive; regripper's samparse
// reads the SAM.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;
using sqltriage::test::run;
using sqltriage::test::run_sqltriage;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

Json registry(const std::string& args, int expected_exit = 0) {
  const auto r = run_sqltriage("registry " + args, 180);
  INFO("sqltriage registry " << args << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == expected_exit);
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(r.out));
  return doc;
}

/// The sample server's hives, written once per test run.
const fs::path& sample_root() {
  static TempDir dir;
  static bool made = false;
  if (!made) {
    const auto r =
        run("/usr/bin/python3 " +
            q(sqltriage::test::source_dir() / "tests/fixtures/registry/make_sample_hives.py") +
            " " + q(dir.path()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    made = true;
  }
  return dir.path();
}

std::vector<Json> of_type(const Json& doc, const std::string& type) {
  std::vector<Json> out;
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == type) out.push_back(f);
  return out;
}

std::set<std::string> check_ids(const Json& f) {
  std::set<std::string> out;
  for (const auto& c : f.at("checks")) out.insert(c.at("id").get<std::string>());
  return out;
}

std::string hivexget(const fs::path& hive, const std::string& key, const std::string& value) {
  const auto r = run("hivexget " + q(hive) + " " + shell_quote(key) + " " + shell_quote(value));
  REQUIRE(r.exit_code == 0);
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

/// A key's LastWrite as python3-hivex reads it, in the ISO form the findings use.
std::string hivex_last_write(const fs::path& hive, const std::string& key_path) {
  const std::string script =
      "import hivex,datetime,sys\n"
      "h=hivex.Hivex(sys.argv[1])\n"
      "n=h.root()\n"
      "for p in sys.argv[2].split('\\\\'):\n"
      "  n=h.node_get_child(n,p)\n"
      "t=h.node_timestamp(n)\n"
      "s,f=divmod(t,10000000)\n"
      "d=datetime.datetime(1601,1,1)+datetime.timedelta(seconds=s)\n"
      "print(d.strftime('%Y-%m-%dT%H:%M:%S')+'.%07dZ'%f)\n";
  TempDir dir;
  std::ofstream(dir.path() / "lw.py") << script;
  const auto r = run("/usr/bin/python3 " + q(dir.path() / "lw.py") + " " + q(hive) + " " +
                     shell_quote(key_path));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, r.out.find('\n'));
}

const Json* service(const std::vector<Json>& services, const std::string& name) {
  for (const auto& s : services)
    if (s.at("data").at("ServiceName") == name) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("registry on the sample hives: the dropped program's service, ShimCache and BAM",
          "[registry][cli]") {
  if (!tool_or_skip("hivexregedit") || !tool_or_skip("hivexget")) return;
  const fs::path root = sample_root();
  const fs::path system = root / "Windows/System32/config/SYSTEM";
  const Json doc =
      registry(q(root) + " --target sqlserver.exe --pivot 2023-02-20T14:04:00Z --window 5m");
  REQUIRE(doc.at("command") == "registry");

  const auto services = of_type(doc, "registry.service");
  const Json* dropped = service(services, "SQLServerUpdate");
  REQUIRE(dropped != nullptr);
  // The service exists only in SYSTEM.LOG1: hivex (no log replay) does not see it in the
  // stored hive, and reads it from the hive `registry replay` writes.
  const auto& d = dropped->at("data");
  CHECK(run("hivexget " + q(system) + " '\\ControlSet001\\Services\\SQLServerUpdate' ImagePath")
            .exit_code != 0);
  TempDir replay_dir;
  const fs::path replayed = replay_dir.path() / "SYSTEM";
  registry("replay " + q(system) + " -o " + q(replayed));
  CHECK(d.at("ImagePath") ==
        hivexget(replayed, "\\ControlSet001\\Services\\SQLServerUpdate", "ImagePath"));
  CHECK(d.at("LastWrite") ==
        hivex_last_write(replayed, "ControlSet001\\Services\\SQLServerUpdate"));
  const auto dirty = of_type(doc, "registry.dirty_hive");
  REQUIRE(dirty.size() == 1);
  CHECK(dirty[0].at("data").at("HivePath") == "C:\\Windows\\System32\\config\\SYSTEM");
  CHECK(dirty[0].at("data").at("Replayed") == true);
  CHECK(dropped->at("severity") == "high");
  const auto ids = check_ids(*dropped);
  CHECK(ids.count("persistence_target") == 1);
  CHECK(ids.count("persistence_user_writable") == 1);
  CHECK(ids.count("written_in_window") == 1);
  CHECK(dropped->at("attack").dump().find("T1543.003") != std::string::npos);

  // The genuine SQL Server service: quoted path, outside the window, not the target.
  const Json* genuine = service(services, "MSSQLSERVER");
  REQUIRE(genuine != nullptr);
  CHECK(genuine->at("severity") == "info");
  // An unquoted path with a space: low.
  const Json* backup = service(services, "BackupAgent");
  REQUIRE(backup != nullptr);
  CHECK(check_ids(*backup) == std::set<std::string>{"unquoted_service_path"});

  bool shim_target = false;
  for (const auto& f : of_type(doc, "registry.shimcache"))
    if (f.at("data").at("Path") == "C:\\ProgramData\\sqlserver.exe") {
      shim_target = true;
      CHECK(check_ids(f).count("execution_of_target") == 1);
      CHECK(f.at("data").at("LastModified") == "2015-07-14T09:21:33.0000000Z");
    }
  CHECK(shim_target);

  bool bam_dl = false;
  for (const auto& f : of_type(doc, "registry.bam"))
    if (f.at("data").at("Path").get<std::string>().find("\\tools\\dl.exe") != std::string::npos) {
      bam_dl = true;
      CHECK(f.at("data").at("UserSid") == "S-1-5-21-3623811015-3361044348-30300820-500");
      CHECK(f.at("data").at("LastExecution") == "2023-02-20T14:22:31.4412345Z");
    }
  CHECK(bam_dl);

  // Accounts: local users from the SAM and ProfileList's profiles.
  std::set<std::string> users;
  for (const auto& f : of_type(doc, "registry.account"))
    if (f.at("data").at("Source") == "SAM") users.insert(f.at("data").at("UserName"));
  CHECK(users == std::set<std::string>{"Administrator", "DefaultAccount", "Guest"});

  // The administrator's NTUSER.DAT is found through ProfileList and carries the SID.
  bool user_run = false;
  for (const auto& f : of_type(doc, "registry.autorun"))
    if (f.at("data").at("Hive") == "NTUSER.DAT") {
      user_run = true;
      CHECK(f.at("data").at("UserSid") == "S-1-5-21-3623811015-3361044348-30300820-500");
    }
  CHECK(user_run);

  // Amcache saw the program run.
  bool amcache = false;
  for (const auto& f : of_type(doc, "registry.amcache"))
    if (f.at("data").at("Path") == "c:\\programdata\\sqlserver.exe") {
      amcache = true;
      CHECK(check_ids(f).count("execution_of_target") == 1);
    }
  CHECK(amcache);
  CHECK(doc.at("errors").empty());
}

TEST_CASE("registry names the hives an evidence root lacks", "[registry][cli][bad-input]") {
  TempDir root;
  fs::create_directories(root.path() / "Windows/System32/config");
  const Json doc = registry(q(root.path()), 3);
  std::set<std::string> missing;
  for (const auto& e : doc.at("errors"))
    if (e.at("code") == "missing") missing.insert(e.at("artifact").at("path"));
  CHECK(missing == std::set<std::string>{"C:\\Windows\\AppCompat\\Programs\\Amcache.hve",
                                         "C:\\Windows\\System32\\config\\SAM",
                                         "C:\\Windows\\System32\\config\\SECURITY",
                                         "C:\\Windows\\System32\\config\\SOFTWARE",
                                         "C:\\Windows\\System32\\config\\SYSTEM"});
}

TEST_CASE("registry reads the same hives inside an NTFS disk image", "[registry][cli]") {
  if (!tool_or_skip("hivexregedit")) return;
  TempDir dir;
  const fs::path disk = dir.path() / "disk.raw";
  const auto r =
      run(shell_quote(SQLTRIAGE_NTFSGEN) + " sample " + q(disk) + " --tree " + q(sample_root()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json from_image = registry(q(disk));
  const Json from_folder = registry(q(sample_root()));
  // Same findings apart from where the hives were read from.
  auto strip = [](const Json& doc) {
    std::vector<std::string> out;
    for (auto f : doc.at("findings")) {
      f.erase("artifact");
      f["data"].erase("HivePath");
      out.push_back(f.dump());
    }
    return out;
  };
  CHECK(strip(from_image) == strip(from_folder));
  CHECK(from_image.at("evidence").at(0).at("kind") == "image");
}

TEST_CASE("registry replay writes Windows' recovery of the dirty corpus hive", "[registry][cli]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry/yarp_NewDirtyHive1");
  if (!tool_or_skip("regfexport")) return;
  TempDir out;
  const fs::path hive = dir / "NewDirtyHive";
  const fs::path replayed = out.path() / "replayed";
  const Json doc = registry("replay " + q(hive) + " -o " + q(replayed));
  const auto dirty = of_type(doc, "registry.dirty_hive");
  REQUIRE(dirty.size() == 1);
  CHECK(dirty[0].at("data").at("Replayed") == true);
  CHECK(dirty[0].at("data").at("PagesChanged").get<int>() > 0);
  // regfexport lists the same keys and values in the replayed hive as in Windows' own.
  auto listing = [](const fs::path& p) {
    const auto r = run("regfexport " + q(p));
    REQUIRE(r.exit_code == 0);
    return r.out.substr(r.out.find('\n'));  // without the version banner
  };
  CHECK(listing(replayed) == listing(dir / "RecoveredHive_Windows10"));
  CHECK(listing(hive) != listing(dir / "RecoveredHive_Windows10"));

  // The output must be a new file, and the evidence is never the output.
  const auto again = run_sqltriage("registry replay " + q(hive) + " -o " + q(replayed));
  CHECK(again.exit_code == 2);
  CHECK(again.err.find("exists") != std::string::npos);
}

TEST_CASE("registry --no-replay reads a dirty hive as stored and says so", "[registry][cli]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry/yarp_NewDirtyHive1");
  TempDir copy;
  for (const char* name : {"NewDirtyHive", "NewDirtyHive.LOG1", "NewDirtyHive.LOG2"})
    fs::copy_file(dir / name, copy.path() / name);
  const Json replayed = registry(q(copy.path() / "NewDirtyHive"));
  const Json stored = registry(q(copy.path() / "NewDirtyHive") + " --no-replay");
  const auto a = of_type(replayed, "registry.dirty_hive");
  const auto b = of_type(stored, "registry.dirty_hive");
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  CHECK(a[0].at("data").at("Replayed") == true);
  CHECK(b[0].at("data").at("Replayed") == false);
  CHECK(b[0].at("data").at("Dirty") == true);
}

TEST_CASE("registry reports damaged hives with file and offset and reads the rest",
          "[registry][cli][bad-input]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry");
  TempDir folder;
  fs::copy_file(dir / "yarp_TruncatedHive", folder.path() / "SYSTEM");
  fs::create_directories(folder.path() / "more");
  fs::copy_file(dir / "velo_SAM", folder.path() / "more" / "SAM");
  // A file that only claims to be a hive.
  std::ofstream(folder.path() / "SOFTWARE", std::ios::binary) << "regf" << std::string(100, 'x');
  const Json doc = registry(q(folder.path()));
  bool truncated = false;
  bool garbage = false;
  for (const auto& e : doc.at("errors")) {
    const std::string path = e.at("artifact").at("path");
    if (path.find("SYSTEM") != std::string::npos) truncated = e.at("artifact").contains("offset");
    if (path.find("SOFTWARE") != std::string::npos) garbage = true;
  }
  CHECK(truncated);
  CHECK(garbage);
  CHECK_FALSE(of_type(doc, "registry.account").empty());  // the SAM beside them still read

  // Nothing readable at all: exit code 3.
  TempDir only_bad;
  fs::copy_file(dir / "yarp_TruncatedHive", only_bad.path() / "SYSTEM");
  registry(q(only_bad.path() / "SYSTEM"), 3);
}

TEST_CASE("registry reads big-data values through the binary as through the library",
          "[registry][cli]") {
  // A real ShimCache value is larger than one cell (a "db" big-data value). Read through the
  // built binary, the result depends on which libyal helper copies the dynamic linker binds
  // (cmake/Dependencies.cmake): the count must equal RegRipper's for the current control set.
  SQLTRIAGE_REQUIRE_CORPUS(hive, "registry/regipy_SYSTEM");
  if (!tool_or_skip("regripper")) return;
  const auto rip = run("regripper -r " + q(hive) + " -p appcompatcache");
  REQUIRE(rip.exit_code == 0);
  std::size_t expected = 0;
  std::istringstream lines(rip.out);
  for (std::string line; std::getline(lines, line);)
    if (line.size() > 3 && line[1] == ':' && line[2] == '\\') ++expected;
  REQUIRE(expected > 100);
  const Json doc = registry(q(hive));
  std::size_t current = 0;
  for (const auto& f : of_type(doc, "registry.shimcache"))
    if (f.at("data").at("ControlSet") == "ControlSet001") ++current;
  CHECK(current == expected);
  for (const auto& e : doc.at("errors"))
    CHECK(e.at("message").get<std::string>().find("AppCompatCache") == std::string::npos);
}

namespace {

std::vector<unsigned char> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& p, const std::vector<unsigned char>& b) {
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

std::uint32_t le32_at(const std::vector<unsigned char>& b, std::size_t at) {
  return std::uint32_t{b[at]} | std::uint32_t{b[at + 1]} << 8 | std::uint32_t{b[at + 2]} << 16 |
         std::uint32_t{b[at + 3]} << 24;
}

void put32_at(std::vector<unsigned char>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<unsigned char>(v >> (8 * i));
}

std::size_t accounts_in(const Json& doc) { return of_type(doc, "registry.account").size(); }

bool has_error(const Json& doc, const std::string& text, std::optional<std::uint64_t> offset) {
  for (const auto& e : doc.at("errors"))
    if (e.at("message").get<std::string>().find(text) != std::string::npos &&
        (!offset ||
         (e.at("artifact").contains("offset") && e.at("artifact").at("offset") == *offset)))
      return true;
  return false;
}

}  // namespace

TEST_CASE("registry survives a subkey list that lists itself", "[registry][cli][bad-input]") {
  // libregf follows index-root lists recursively: one that names itself overflowed the stack.
  SQLTRIAGE_REQUIRE_CORPUS(sam, "registry/velo_SAM");
  TempDir dir;
  auto b = read_bytes(sam);
  const std::size_t root = 0x1000 + le32_at(b, 0x24);
  const std::uint32_t list = le32_at(b, root + 4 + 0x1C);
  const std::size_t cell = 0x1000 + list;
  b[cell + 4] = 'r';
  b[cell + 5] = 'i';
  b[cell + 6] = 1;
  b[cell + 7] = 0;
  put32_at(b, cell + 8, list);
  fs::create_directories(dir.path() / "crafted");
  write_bytes(dir.path() / "crafted/SAM", b);
  fs::copy_file(sam, dir.path() / "SAM");  // a sound hive beside it is still read
  const Json doc = registry(q(dir.path()));
  CHECK(has_error(doc, "points to the list itself", cell));
  CHECK(accounts_in(doc) > 0);
}

TEST_CASE("registry refuses another hive's transaction log", "[registry][cli][bad-input]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry");
  TempDir work;
  fs::copy_file(dir / "velo_SAM", work.path() / "SAM");
  const Json clean = registry(q(work.path() / "SAM"));
  fs::copy_file(dir / "regipy_SYSTEM_B/SYSTEM_B.LOG1", work.path() / "SAM.LOG1");
  const Json doc = registry(q(work.path() / "SAM"));
  CHECK(has_error(doc, "belongs to another hive", 48));
  CHECK(accounts_in(doc) == accounts_in(clean));
  CHECK(of_type(doc, "registry.dirty_hive").empty());
}

TEST_CASE("registry reads a hive whose base-block checksum or one hive-bin offset is wrong",
          "[registry][cli][bad-input]") {
  SQLTRIAGE_REQUIRE_CORPUS(sam, "registry/velo_SAM");
  TempDir work;
  const Json clean = registry(q(sam));
  REQUIRE(accounts_in(clean) > 0);

  auto b = read_bytes(sam);
  b[508] ^= 0xFF;
  fs::create_directories(work.path() / "sum");
  write_bytes(work.path() / "sum/SAM", b);
  const Json sum = registry(q(work.path() / "sum/SAM"));
  CHECK(has_error(sum, "checksum", 508));
  CHECK(accounts_in(sum) == accounts_in(clean));

  b = read_bytes(sam);
  const std::size_t second = 0x1000 + le32_at(b, 0x1000 + 8);
  REQUIRE(std::string(b.begin() + static_cast<long>(second),
                      b.begin() + static_cast<long>(second) + 4) == "hbin");
  put32_at(b, second + 4, 0);
  fs::create_directories(work.path() / "bin");
  write_bytes(work.path() / "bin/SAM", b);
  const Json bin = registry(q(work.path() / "bin/SAM"));
  CHECK(has_error(bin, "records its offset as 0", second + 4));
  CHECK(accounts_in(bin) == accounts_in(clean));
}

TEST_CASE("registry names files that only look like hives, replay refuses a FIFO",
          "[registry][cli][bad-input]") {
  TempDir work;
  std::ofstream(work.path() / "SYSTEM", std::ios::binary) << std::string(5000, '\x5a');
  std::ofstream(work.path() / "notes.txt") << "not evidence\n";
  const Json doc = registry(q(work.path()), 3);
  CHECK(has_error(doc, "not a registry hive", 0));
  CHECK(doc.at("errors").size() == 1);  // notes.txt is simply not a hive: no error

  const fs::path fifo = work.path() / "fifo" / "SAM";
  fs::create_directories(fifo.parent_path());
  REQUIRE(run("mkfifo " + q(fifo)).exit_code == 0);
  const auto r = run_sqltriage("registry replay " + q(fifo) + " -o " + q(work.path() / "out"), 30);
  CHECK(r.exit_code == 3);
  CHECK(r.out.find("not a regular file") != std::string::npos);
  CHECK_FALSE(fs::exists(work.path() / "out"));
}
