// registry.scheduled_task from task XML files and registry.startup_file, over a directory
// evidence built here: a UTF-16LE file with a byte order mark, a UTF-8 one in a nested
// folder, a malformed one (error with the byte offset, others still read) and one over the
// size bound.
#include <fstream>
#include <map>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/persistence/task_xml.hpp"
#include "registry_persistence_support.hpp"
#include "sqltriage/evidence.hpp"

namespace fs = std::filesystem;
using sqltriage::AccountNames;
using sqltriage::Finding;
using sqltriage::registry::Sink;
using sqltriage::test::ReaderOutput;

namespace {

void write_bytes(const fs::path& p, const std::vector<std::uint8_t>& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

/// UTF-8 text to UTF-16LE with a byte order mark (code points up to U+FFFF).
std::vector<std::uint8_t> utf16_bom(const std::string& utf8) {
  std::vector<std::uint8_t> out = {0xFF, 0xFE};
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = c;
    std::size_t len = 1;
    if (c >= 0xE0) {
      cp = ((c & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) | (utf8[i + 2] & 0x3F);
      len = 3;
    } else if (c >= 0xC0) {
      cp = ((c & 0x1F) << 6) | (utf8[i + 1] & 0x3F);
      len = 2;
    }
    out.push_back(static_cast<std::uint8_t>(cp));
    out.push_back(static_cast<std::uint8_t>(cp >> 8));
    i += len;
  }
  return out;
}

std::string task_xml(const std::string& author, const std::string& command,
                     const std::string& extra_actions = "") {
  return R"(<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Date>2023-02-20T14:03:11.1234567Z</Date>
    <Author>)" +
         author + R"(</Author>
    <Description>Keeps SQL alive</Description>
    <URI>\SqlKeepAlive</URI>
  </RegistrationInfo>
  <Triggers>
    <BootTrigger><Enabled>true</Enabled></BootTrigger>
    <TimeTrigger><StartBoundary>2023-02-21T03:00:00</StartBoundary><Enabled>false</Enabled></TimeTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>S-1-5-18</UserId>
      <RunLevel>HighestAvailable</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <Hidden>true</Hidden>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>)" +
         command + R"(</Command>
      <Arguments>-k x</Arguments>
      <WorkingDirectory>C:\ProgramData</WorkingDirectory>
    </Exec>)" +
         extra_actions + R"(
  </Actions>
</Task>
)";
}

template <typename Reader>
ReaderOutput run_evidence_reader(const fs::path& root, Reader reader) {
  ReaderOutput out;
  const auto evidence = sqltriage::open_evidence(root);
  REQUIRE(evidence->kind() == "directory");
  const AccountNames accounts;
  Sink sink{[&](Finding f) { out.findings.push_back(std::move(f)); }, out.errors};
  reader(*evidence, accounts, sink);
  return out;
}

}  // namespace

TEST_CASE("task files: UTF-16 and UTF-8 files in nested folders, malformed and huge ones",
          "[registry][persistence]") {
  sqltriage::test::TempDir tmp;
  const fs::path tasks = tmp.path() / "Windows" / "System32" / "Tasks";
  // UTF-16LE with BOM, with CJK text before the Exec (each 3 bytes in UTF-8, 2 in UTF-16)
  write_bytes(tasks / "SqlKeepAlive",
              utf16_bom(task_xml("CONTOSO\\\xe7\xae\xa1\xe7\x90\x86\xe8\x80\x85",
                                 "C:\\ProgramData\\sqlserver.exe",
                                 "\n    <ComHandler><ClassId>{01234567-89AB-CDEF-0123-456789ABCDEF}"
                                 "</ClassId><Data>d</Data></ComHandler>")));
  // UTF-8 without a declaration of encoding, two folders deep
  std::string plain = task_xml("admin", "C:\\Windows\\System32\\cleanmgr.exe");
  plain.replace(plain.find("UTF-16"), 6, "UTF-8");
  plain.replace(plain.find("<Hidden>true</Hidden>"), 21, "<Enabled>false</Enabled>");
  plain.replace(plain.find("2023-02-20T14:03:11.1234567Z"), 28, "2023-02-20T14:03:11");
  write_bytes(tasks / "Microsoft" / "Windows" / "DiskCleanup" / "SilentCleanup",
              std::vector<std::uint8_t>(plain.begin(), plain.end()));
  // malformed, UTF-16: the bad end tag comes after 20 CJK characters
  const std::string before = "<?xml version=\"1.0\"?><Task><RegistrationInfo><Author>" +
                             std::string(20 * 3, '\0') + "</Author>";
  std::string cjk_before = before;
  for (int i = 0; i < 20; ++i)
    cjk_before.replace(cjk_before.find(std::string(3, '\0')), 3, "\xe4\xb8\xad");
  const std::string broken = cjk_before + "<Description>x</Descr></RegistrationInfo></Task>";
  write_bytes(tasks / "Broken", utf16_bom(broken));
  // bad end tag "</Descr>" in the file: BOM + 2 bytes per UTF-16 unit before it
  const std::size_t units_before =
      utf16_bom(cjk_before + "<Description>x").size() - 2;  // bytes after the BOM
  const std::size_t tag_at = 2 + units_before;
  // over the 4 MiB bound
  write_bytes(tasks / "Huge", std::vector<std::uint8_t>(4 * 1024 * 1024 + 1, ' '));
  // a folder that is not a task folder at all is not read
  write_bytes(tmp.path() / "Windows" / "Tasks" / "Legacy.job", {1, 2, 3});

  const auto out = run_evidence_reader(tmp.path(), sqltriage::registry::read_task_files);
  std::map<std::string, const Finding*> by;
  for (const auto& f : out.findings) by[f.data["TaskPath"].get<std::string>()] = &f;
  REQUIRE(out.findings.size() == 2);
  REQUIRE(by.count("\\SqlKeepAlive") == 1);
  REQUIRE(by.count("\\Microsoft\\Windows\\DiskCleanup\\SilentCleanup") == 1);

  const Finding& a = *by.at("\\SqlKeepAlive");
  CHECK(a.type == "registry.scheduled_task");
  CHECK(a.artifact.path == "C:\\Windows\\System32\\Tasks\\SqlKeepAlive");
  CHECK(a.data["Source"] == "Tasks XML");
  CHECK(a.data["Author"] == "CONTOSO\\\xe7\xae\xa1\xe7\x90\x86\xe8\x80\x85");
  CHECK(a.data["Description"] == "Keeps SQL alive");
  CHECK(a.data["URI"] == "\\SqlKeepAlive");
  CHECK(a.data["RegistrationDate"] == "2023-02-20T14:03:11.1234567Z");
  REQUIRE(a.time.has_value());
  CHECK(sqltriage::format_filetime(*a.time) == "2023-02-20T14:03:11.1234567Z");
  CHECK(a.data["UserId"] == "S-1-5-18");
  CHECK(a.data["UserName"] == "NT AUTHORITY\\SYSTEM");  // well-known SID
  CHECK(a.data["RunLevel"] == "HighestAvailable");
  CHECK(a.data["Hidden"] == true);
  CHECK(a.data["Enabled"] == true);
  REQUIRE(a.data["Triggers"].size() == 2);
  CHECK(a.data["Triggers"][0]["Type"] == "BootTrigger");
  CHECK(a.data["Triggers"][1]["Type"] == "TimeTrigger");
  CHECK(a.data["Triggers"][1]["StartBoundary"] == "2023-02-21T03:00:00");
  CHECK(a.data["Triggers"][1]["Enabled"] == false);
  CHECK(a.data["ActionsContext"] == "Author");
  REQUIRE(a.data["Actions"].size() == 2);
  CHECK(a.data["Actions"][0]["Type"] == "Exec");
  CHECK(a.data["Actions"][0]["Command"] == "C:\\ProgramData\\sqlserver.exe");
  CHECK(a.data["Actions"][0]["Arguments"] == "-k x");
  CHECK(a.data["Actions"][0]["WorkingDirectory"] == "C:\\ProgramData");
  CHECK(a.data["Actions"][1]["Type"] == "ComHandler");
  CHECK(a.data["Actions"][1]["ClassId"] == "{01234567-89AB-CDEF-0123-456789ABCDEF}");
  CHECK(a.summary.find("sqlserver.exe -k x") != std::string::npos);

  const Finding& b = *by.at("\\Microsoft\\Windows\\DiskCleanup\\SilentCleanup");
  CHECK(b.artifact.path ==
        "C:\\Windows\\System32\\Tasks\\Microsoft\\Windows\\DiskCleanup\\SilentCleanup");
  CHECK(b.data["Enabled"] == false);
  CHECK(b.data["Hidden"] == false);
  CHECK(b.data["RegistrationDate"] == "2023-02-20T14:03:11");
  CHECK_FALSE(b.time.has_value());  // local time without a zone: not placed on the UTC timeline

  REQUIRE(out.errors.size() == 2);
  std::map<std::string, const sqltriage::ErrorEntry*> errors;
  for (const auto& e : out.errors) errors[e.artifact.path] = &e;
  const auto& bad = *errors.at("C:\\Windows\\System32\\Tasks\\Broken");
  CHECK(bad.code == "record");
  REQUIRE(bad.artifact.offset.has_value());
  INFO(bad.message << " expected near " << tag_at);
  CHECK(*bad.artifact.offset >= tag_at);
  CHECK(*bad.artifact.offset <= tag_at + 16);  // inside "</Descr>" (8 units)
  const auto& huge = *errors.at("C:\\Windows\\System32\\Tasks\\Huge");
  CHECK(huge.code == "limit");
  CHECK(huge.message.find("4194305") != std::string::npos);
}

TEST_CASE("task files: a task XML that is not a Task", "[registry][persistence]") {
  const std::string s = "<?xml version=\"1.0\"?>\n<NotATask/>";
  const auto p = sqltriage::registry::parse_task_xml(
      reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  REQUIRE(p.error.has_value());
  CHECK(p.error_offset == s.find("NotATask"));  // the element's name
  const auto empty = sqltriage::registry::parse_task_xml(nullptr, 0);
  CHECK(empty.error.has_value());
}

TEST_CASE("startup folders: all users and each profile, desktop.ini marked",
          "[registry][persistence]") {
  sqltriage::test::TempDir tmp;
  const fs::path root = tmp.path();
  fs::create_directories(root / "Windows");
  const fs::path all =
      root / "ProgramData" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "StartUp";
  write_bytes(all / "evil.lnk", std::vector<std::uint8_t>(123, 'L'));
  write_bytes(all / "desktop.ini", std::vector<std::uint8_t>(10, 'd'));
  write_bytes(all / "sub" / "not-started.exe", {1});
  const fs::path jdoe = root / "Users" / "jdoe" / "AppData" / "Roaming" / "Microsoft" / "Windows" /
                        "Start Menu" / "Programs" / "Startup";
  write_bytes(jdoe / "run.bat", std::vector<std::uint8_t>(7, 'b'));
  fs::create_directories(root / "Users" / "Public");
  fs::create_directory_symlink(root / "Users" / "jdoe", root / "Users" / "Link");  // not followed

  const auto out = run_evidence_reader(root, sqltriage::registry::read_startup_folders);
  CHECK(out.errors.empty());
  std::map<std::string, const Finding*> by;
  for (const auto& f : out.findings) by[f.data["Path"].get<std::string>()] = &f;
  REQUIRE(out.findings.size() == 3);
  const auto& lnk =
      *by.at("C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\StartUp\\evil.lnk");
  CHECK(lnk.type == "registry.startup_file");
  CHECK(lnk.artifact.path == lnk.data["Path"]);
  CHECK(lnk.data["FileName"] == "evil.lnk");
  CHECK(lnk.data["Size"] == 123);
  CHECK(lnk.data["Scope"] == "AllUsers");
  CHECK(lnk.data["User"].is_null());
  CHECK(lnk.data["IsDesktopIni"] == false);
  CHECK(by.at("C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\StartUp\\desktop.ini")
            ->data["IsDesktopIni"] == true);
  const auto& bat = *by.at(
      "C:\\Users\\jdoe\\AppData\\Roaming\\Microsoft\\Windows\\Start "
      "Menu\\Programs\\Startup\\run.bat");
  CHECK(bat.data["Scope"] == "User");
  CHECK(bat.data["User"] == "jdoe");
  CHECK(bat.data["UserSid"].is_null());
  CHECK(bat.data["Size"] == 7);
}
