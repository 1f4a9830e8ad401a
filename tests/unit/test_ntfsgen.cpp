// ntfsgen, our NTFS image generator, checked against independent readers: sleuthkit (istat,
// fls, icat, ifind, mmls), ntfs-3g's ntfscat and ntfssecaudit, libfsntfs's fsntfsinfo and
// util-linux's sfdisk. Every value written by a spec must come back through them.
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <string>

#include "support.hpp"

namespace {

using sqltriage::test::CommandResult;
using sqltriage::test::ntfsgen_image;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;

std::string ntfsgen() { return SQLTRIAGE_NTFSGEN; }

bool have_tools(std::initializer_list<const char*> tools) {
  for (const char* t : tools)
    if (!tool_or_skip(t)) return false;
  return true;
}

/// ntfssecaudit reads a volume only as root (otherwise it prints "This is only possible as
/// root" and still exits 0).
bool can_audit_security() {
  if (!tool_or_skip("ntfssecaudit")) return false;
  if (geteuid() == 0) return true;
  WARN("ntfssecaudit needs root; skipping the owner checks");
  return false;
}

/// sfdisk lives in /usr/sbin, which a non-root PATH may lack.
std::string sfdisk() {
  if (sqltriage::test::have_tool("sfdisk")) return "sfdisk";
  if (std::filesystem::exists("/usr/sbin/sfdisk")) return "/usr/sbin/sfdisk";
  return tool_or_skip("sfdisk") ? "sfdisk" : "";
}

std::string q(const std::filesystem::path& p) { return shell_quote(p.string()); }

/// Runs a command that must succeed and returns its stdout.
std::string ok(const std::string& command) {
  const CommandResult r = run(command);
  INFO(command << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The MFT entry number of a path, as sleuthkit's ifind resolves it.
std::string inode_of(const std::filesystem::path& image, const std::string& path,
                     const std::string& offset_args = "") {
  std::string out = ok("ifind " + offset_args + " -n " + shell_quote(path) + " " + q(image));
  out.erase(std::remove(out.begin(), out.end(), '\n'), out.end());
  REQUIRE(std::all_of(out.begin(), out.end(), ::isdigit));
  return out;
}

/// The part of istat's output between `header` and the next blank line.
std::string istat_section(const std::string& istat, const std::string& header) {
  const auto start = istat.find(header);
  REQUIRE(start != std::string::npos);
  const auto end = istat.find("\n\n", start);
  return istat.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const char* kTimesSpec = R"({"label": "TIMES",
 "entries": [
   {"file": "\\inetpub\\wwwroot\\uploads\\sqlserver.exe", "text": "MZ",
    "si_times": {"creation": "2015-01-01T00:00:00Z", "modification": "2015-02-03T04:05:06Z",
                 "entry_modification": "2015-03-04T05:06:07.5Z", "access": "2015-04-05T06:07:08Z"},
    "fn_times": {"creation": "2026-11-01T10:00:00.1234567Z", "modification": "2026-11-01T10:00:01.0000001Z",
                 "entry_modification": "2026-11-01T10:00:02.9999999Z", "access": "2026-11-01T10:00:03.25Z"}},
   {"dir": "\\inetpub\\logs", "si_times": {"creation": "2019-05-06T07:08:09.0123456Z"}}
 ]})";

}  // namespace

TEST_CASE(
    "ntfsgen image: istat and fsntfsinfo read back the $STANDARD_INFORMATION and "
    "$FILE_NAME times of the spec",
    "[ntfsgen]") {
  if (!have_tools({"istat", "ifind", "fsntfsinfo"})) return;
  TempDir dir;
  const auto image = ntfsgen_image(dir, kTimesSpec, "--size-mb 16");
  const std::string entry = inode_of(image, "/inetpub/wwwroot/uploads/sqlserver.exe");
  const std::string istat = ok("istat " + q(image) + " " + entry);
  const std::string si = istat_section(istat, "$STANDARD_INFORMATION Attribute Values:");
  CHECK(contains(si, "Created:\t2015-01-01 00:00:00.000000000 (UTC)"));
  CHECK(contains(si, "File Modified:\t2015-02-03 04:05:06.000000000 (UTC)"));
  CHECK(contains(si, "MFT Modified:\t2015-03-04 05:06:07.500000000 (UTC)"));
  CHECK(contains(si, "Accessed:\t2015-04-05 06:07:08.000000000 (UTC)"));
  const std::string fn = istat_section(istat, "$FILE_NAME Attribute Values:");
  CHECK(contains(fn, "Name: sqlserver.exe"));
  CHECK(contains(fn, "Created:\t2026-11-01 10:00:00.123456700 (UTC)"));
  CHECK(contains(fn, "File Modified:\t2026-11-01 10:00:01.000000100 (UTC)"));
  CHECK(contains(fn, "MFT Modified:\t2026-11-01 10:00:02.999999900 (UTC)"));
  CHECK(contains(fn, "Accessed:\t2026-11-01 10:00:03.250000000 (UTC)"));

  // libfsntfs reads the same record independently (its own fixup and attribute parsing).
  const std::string info = ok("fsntfsinfo -E " + entry + " " + q(image));
  CHECK(contains(info, "Creation time\t\t\t: Jan 01, 2015 00:00:00.000000000 UTC"));
  CHECK(contains(info, "Creation time\t\t\t: Nov 01, 2026 10:00:00.123456700 UTC"));

  // A folder: only the creation time was given; the others keep what ntfs-3g wrote (now).
  const std::string logs = ok("istat " + q(image) + " " + inode_of(image, "/inetpub/logs"));
  const std::string logs_si = istat_section(logs, "$STANDARD_INFORMATION Attribute Values:");
  CHECK(contains(logs_si, "Created:\t2019-05-06 07:08:09.012345600 (UTC)"));
  CHECK_FALSE(contains(logs_si, "File Modified:\t2019-05-06"));
  const std::string logs_fn = istat_section(logs, "$FILE_NAME Attribute Values:");
  CHECK_FALSE(contains(logs_fn, "2019-05-06"));
}

TEST_CASE(
    "ntfsgen image: fls lists the tree, the deleted entry as unallocated, and named "
    "streams",
    "[ntfsgen]") {
  if (!have_tools({"fls", "istat", "ifind"})) return;
  TempDir dir;
  const auto image = ntfsgen_image(dir, R"({"entries": [
      {"dir": "\\inetpub\\wwwroot\\uploads"},
      {"file": "\\inetpub\\wwwroot\\uploads\\sqlserver.exe", "size": 5000,
       "streams": {"Zone.Identifier": "[ZoneTransfer]\r\nZoneId=3\r\n"}},
      {"file": "\\Windows\\Temp\\gone.tmp", "text": "bye", "deleted": true},
      {"file": "\\Users\\Public\\a.txt", "text": "a"}]})");
  const std::string fls = ok("fls -r -p " + q(image));
  INFO(fls);
  CHECK(std::regex_search(fls, std::regex("\nd/d [0-9]+-144-[0-9]+:\tinetpub/wwwroot/uploads\n")));
  CHECK(std::regex_search(
      fls, std::regex("\nr/r [0-9]+-128-[0-9]+:\tinetpub/wwwroot/uploads/sqlserver.exe\n")));
  CHECK(std::regex_search(fls, std::regex("\nr/r [0-9]+-128-[0-9]+:\tinetpub/wwwroot/uploads/"
                                          "sqlserver.exe:Zone.Identifier\n")));
  CHECK(std::regex_search(fls, std::regex("\nd/d [0-9]+-144-[0-9]+:\tUsers/Public\n")));
  CHECK(std::regex_search(fls, std::regex("\nr/r [0-9]+-128-[0-9]+:\tUsers/Public/a.txt\n")));
  // Deleted: "-/r *" (unallocated entry, found through its $FILE_NAME parent).
  CHECK(
      std::regex_search(fls, std::regex("\n-/r \\* [0-9]+-128-[0-9]+:\tWindows/Temp/gone.tmp\n")));
  CHECK(std::regex_search(fls, std::regex("\nd/d [0-9]+-144-[0-9]+:\tWindows/Temp\n")));

  const std::string gone =
      ok("istat " + q(image) + " " + inode_of(image, "/Windows/Temp/gone.tmp"));
  CHECK(contains(gone, "Not Allocated File"));
  CHECK(contains(gone, "Name: gone.tmp"));
  // The deleted list of fls (-d) holds exactly that entry among our files.
  const std::string deleted = ok("fls -r -d -p " + q(image));
  CHECK(contains(deleted, "Windows/Temp/gone.tmp"));
  CHECK_FALSE(contains(deleted, "sqlserver.exe"));
}

TEST_CASE("ntfsgen image: icat and ntfscat return the bytes of the files and streams",
          "[ntfsgen]") {
  if (!have_tools({"icat", "istat", "ifind", "ntfscat"})) return;
  TempDir dir;
  const auto host = dir.path() / "payload.bin";
  {
    std::ofstream out(host, std::ios::binary);
    for (int i = 0; i < 70000; ++i) out.put(static_cast<char>((i * 7 + i / 251) & 0xFF));
  }
  const std::string zone =
      "[ZoneTransfer]\\r\\nZoneId=3\\r\\nHostUrl=http://203.0.113.7/sqlserver.exe\\r\\n";
  const auto image = ntfsgen_image(dir, R"({"entries": [
      {"file": "\\drop\\sqlserver.exe", "from": ")" +
                                            host.string() + R"(",
       "streams": {"Zone.Identifier": ")" + zone +
                                            R"(", "other": {"size": 2000}}},
      {"file": "\\drop\\readme.txt", "text": "h\u00e9llo"},
      {"file": "\\drop\\twin.bin", "size": 2000}]})");
  const std::string entry = inode_of(image, "/drop/sqlserver.exe");

  // Unnamed $DATA from a host file (non-resident, 70000 bytes).
  CHECK(ok("icat " + q(image) + " " + entry) == slurp(host));
  CHECK(ok("ntfscat " + q(image) + " /drop/sqlserver.exe") == slurp(host));

  // Named streams: the resident Zone.Identifier and the pseudo-random "other".
  const std::string istat = ok("istat " + q(image) + " " + entry);
  std::smatch m;
  REQUIRE(std::regex_search(istat, m,
                            std::regex("Type: \\$DATA \\(128-([0-9]+)\\)   Name: Zone.Identifier  "
                                       " Resident   size: ([0-9]+)")));
  const std::string zone_id = m[1];
  CHECK(m[2] == "68");
  REQUIRE(std::regex_search(istat, m,
                            std::regex("Type: \\$DATA \\(128-([0-9]+)\\)   Name: other   "
                                       "Non-Resident   size: 2000")));
  const std::string other_id = m[1];
  const std::string expected_zone =
      "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=http://203.0.113.7/sqlserver.exe\r\n";
  CHECK(ok("icat " + q(image) + " " + entry + "-128-" + zone_id) == expected_zone);
  CHECK(ok("ntfscat -a 0x80 -n Zone.Identifier " + q(image) + " /drop/sqlserver.exe") ==
        expected_zone);
  const std::string other = ok("icat " + q(image) + " " + entry + "-128-" + other_id);
  CHECK(other.size() == 2000);
  CHECK(ok("ntfscat -a 0x80 -n other " + q(image) + " /drop/sqlserver.exe") == other);
  // Pseudo-random bytes depend on the path: another file of the same size differs.
  const std::string twin = ok("icat " + q(image) + " " + inode_of(image, "/drop/twin.bin"));
  CHECK(twin.size() == 2000);
  CHECK(twin != other);
  CHECK(std::count(other.begin(), other.end(), '\0') < 100);

  // Text is written as UTF-8 bytes.
  CHECK(ok("icat " + q(image) + " " + inode_of(image, "/drop/readme.txt")) == "h\xC3\xA9llo");

  // The same spec gives the same pseudo-random bytes.
  const auto again =
      ntfsgen_image(dir, R"({"entries": [{"file": "\\drop\\twin.bin", "size": 2000}]})");
  CHECK(ok("icat " + q(again) + " " + inode_of(again, "/drop/twin.bin")) == twin);
}

TEST_CASE("ntfsgen image: --disk mbr and gpt put the volume at LBA 2048", "[ntfsgen]") {
  if (!have_tools({"mmls", "fls"})) return;
  const std::string sfdisk_cmd = sfdisk();
  if (sfdisk_cmd.empty()) return;
  const std::string spec = R"({"entries": [{"file": "\\hello.txt", "text": "hi"}]})";
  {
    TempDir dir;
    const auto image = ntfsgen_image(dir, spec, "--disk mbr --size-mb 24");
    CHECK(std::filesystem::file_size(image) == 24u << 20);
    const std::string mmls = ok("mmls " + q(image));
    INFO(mmls);
    CHECK(contains(mmls, "DOS Partition Table"));
    CHECK(std::regex_search(
        mmls, std::regex("0000002048   0000049151   0000047104   NTFS / exFAT \\(0x07\\)")));
    CHECK(contains(ok("fls -o 2048 " + q(image)), "hello.txt"));
    // The boot sector's hidden sectors field (0x1C) matches the partition start.
    const std::string boot = slurp(image).substr(1048576, 512);
    CHECK(boot.substr(3, 8) == "NTFS    ");
    CHECK(static_cast<unsigned char>(boot[0x1C]) == 0x00);
    CHECK(static_cast<unsigned char>(boot[0x1D]) == 0x08);
  }
  {
    TempDir dir;
    const auto image = ntfsgen_image(dir, spec, "--disk gpt --size-mb 24");
    const std::string mmls = ok("mmls " + q(image));
    INFO(mmls);
    CHECK(contains(mmls, "GUID Partition Table (EFI)"));
    CHECK(std::regex_search(
        mmls, std::regex("0000002048   0000047103   0000045056   Basic data partition")));
    // sfdisk checks both headers and the entry array (CRC-32s) and gives the type GUID.
    CHECK(contains(ok(sfdisk_cmd + " -V " + q(image)), "No errors detected"));
    const std::string dump = ok(sfdisk_cmd + " -d " + q(image));
    CHECK(contains(dump, "label: gpt"));
    CHECK(contains(
        dump, "start=        2048, size=       45056, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"));
    CHECK(contains(ok("fls -o 2048 " + q(image)), "hello.txt"));
  }
  {
    // The line ntfsgen prints: OUT<TAB>volume offset.
    TempDir dir;
    const auto spec_file = dir.path() / "spec.json";
    std::ofstream(spec_file) << spec;
    const auto out = dir.path() / "d.img";
    CHECK(ok(q(ntfsgen()) + " image " + q(out) + " --spec " + q(spec_file) + " --disk mbr") ==
          out.string() + "\t1048576\n");
    CHECK(std::filesystem::file_size(out) == 64u << 20);
    const auto raw = dir.path() / "v.img";
    CHECK(ok(q(ntfsgen()) + " image " + q(raw) + " --spec " + q(spec_file)) ==
          raw.string() + "\t0\n");
  }
}

TEST_CASE("ntfsgen image: owners go to $Secure:$SDS, attributes to $STANDARD_INFORMATION",
          "[ntfsgen]") {
  if (!have_tools({"istat", "ifind"})) return;
  TempDir dir;
  const auto image = ntfsgen_image(dir, R"({"entries": [
      {"file": "\\drop\\x.exe", "text": "MZ", "owner": "S-1-5-21-1-2-3-500",
       "attributes": ["hidden", "system"]},
      {"file": "\\drop\\y.exe", "text": "MZ", "owner": "S-1-5-18"},
      {"file": "\\drop\\plain.txt", "text": "p"}]})");
  const std::string istat = ok("istat " + q(image) + " " + inode_of(image, "/drop/x.exe"));
  const std::string si = istat_section(istat, "$STANDARD_INFORMATION Attribute Values:");
  CHECK(contains(si, "Flags: Hidden, System, Archive"));
  CHECK(std::regex_search(si, std::regex("Security ID: [1-9][0-9]+")));
  const std::string plain_si =
      istat_section(ok("istat " + q(image) + " " + inode_of(image, "/drop/plain.txt")),
                    "$STANDARD_INFORMATION Attribute Values:");
  CHECK(contains(plain_si, "Flags: Archive\n"));

  if (can_audit_security()) {
    const std::string x = ok("ntfssecaudit " + q(image) + " /drop/x.exe");
    CHECK(contains(x, "Windows owner S-1-5-21-1-2-3-500"));
    CHECK(std::regex_search(x, std::regex(": key 0x[0-9a-f]+")));  // a security_id
    const std::string y = ok("ntfssecaudit " + q(image) + " /drop/y.exe");
    CHECK(contains(y, "Windows owner S-1-5-18"));
    // Without an owner, ntfs-3g writes an inline $SECURITY_DESCRIPTOR (Administrators).
    const std::string plain = ok("ntfssecaudit " + q(image) + " /drop/plain.txt");
    CHECK(contains(plain, "no key"));
    CHECK(contains(plain, "Windows owner S-1-5-32-544"));
    CHECK(contains(ok("ntfssecaudit -a " + q(image)), "No errors were found"));
  }
}

TEST_CASE("ntfsgen image: hostile records (broken fixup, parent cycle, lone surrogate)",
          "[ntfsgen]") {
  if (!have_tools({"istat", "ifind", "fls", "icat", "fsntfsinfo"})) return;
  TempDir dir;
  const auto image = ntfsgen_image(dir, R"({"entries": [
      {"file": "\\broken.txt", "text": "x"},
      {"file": "\\fine.txt", "text": "y"},
      {"dir": "\\a\\b"}],
    "hostile": [
      {"break_fixup": "\\broken.txt"},
      {"parent_cycle": ["\\a", "\\a\\b"]},
      {"unpaired_surrogate_name": "\\dir\\name-with-D800"}]})");

  // Broken fixup: sleuthkit refuses the record; its neighbour is fine.
  const std::string broken = inode_of(image, "/broken.txt");
  const CommandResult bad = run("istat " + q(image) + " " + broken);
  CHECK(bad.exit_code != 0);
  CHECK(contains(bad.err, "Incorrect update sequence value in MFT entry"));
  CHECK(contains(ok("istat " + q(image) + " " + inode_of(image, "/fine.txt")), "Name: fine.txt"));
  // The raw record: the last two bytes of its second 512-byte stride differ from the USN.
  const std::string mft = ok("icat " + q(image) + " 0");
  const std::string rec = mft.substr(std::stoul(broken) * 1024, 1024);
  REQUIRE(rec.substr(0, 4) == "FILE");
  const auto usa = static_cast<unsigned char>(rec[4]) | static_cast<unsigned char>(rec[5]) << 8;
  CHECK(rec.substr(usa, 2) != rec.substr(1022, 2));
  CHECK(rec.substr(usa, 2) == rec.substr(510, 2));

  // Parent cycle: each folder's $FILE_NAME names the other (with its sequence number).
  const std::string a = inode_of(image, "/a");
  const std::string b = inode_of(image, "/a/b");
  const auto seq = [&](const std::string& entry) {
    std::smatch m;
    const std::string out = ok("istat " + q(image) + " " + entry);
    REQUIRE(std::regex_search(out, m, std::regex("Sequence: ([0-9]+)")));
    return m[1].str();
  };
  CHECK(contains(ok("fsntfsinfo -E " + a + " " + q(image)),
                 "Parent file reference\t\t: " + b + "-" + seq(b)));
  CHECK(contains(ok("fsntfsinfo -E " + b + " " + q(image)),
                 "Parent file reference\t\t: " + a + "-" + seq(a)));
  // fls follows the index from the root and stops at the loop.
  CHECK(contains(ok("fls -r -p " + q(image)), "a/b/a"));

  // Lone surrogate: the $FILE_NAME holds "name-with-" then the single unit 0xD800.
  std::u16string name = u"name-with-";
  std::string bytes;
  for (char16_t c : name) bytes += {static_cast<char>(c & 0xFF), static_cast<char>(c >> 8)};
  bytes += std::string("\x00\xD8", 2);
  const auto at = mft.find(bytes);
  REQUIRE(at != std::string::npos);
  // The $FILE_NAME's name length byte (value offset 64) says 11 units.
  CHECK(static_cast<unsigned char>(mft[at - 2]) == 11);
  CHECK(contains(ok("fls -r -p " + q(image)), "dir/name-with-"));
}

TEST_CASE("ntfsgen tree copies a host folder tree into the volume root", "[ntfsgen]") {
  if (!have_tools({"fls", "icat", "ifind"})) return;
  TempDir dir;
  const auto src = dir.path() / "src";
  std::filesystem::create_directories(src / "inetpub" / "wwwroot");
  std::filesystem::create_directories(src / "empty");
  std::ofstream(src / "inetpub" / "wwwroot" / "index.htm") << "<html>index</html>";
  std::ofstream(src / "top.txt") << "top";
  const auto image = dir.path() / "tree.img";
  CHECK(ok(q(ntfsgen()) + " tree " + q(image) + " --from " + q(src) + " --size-mb 16") ==
        image.string() + "\t0\n");
  const std::string fls = ok("fls -r -p " + q(image));
  INFO(fls);
  CHECK(std::regex_search(fls, std::regex("\nd/d [0-9-]+:\tempty\n")));
  CHECK(std::regex_search(fls, std::regex("\nd/d [0-9-]+:\tinetpub/wwwroot\n")));
  CHECK(std::regex_search(fls, std::regex("\nr/r [0-9-]+:\ttop.txt\n")));
  CHECK(ok("icat " + q(image) + " " + inode_of(image, "/inetpub/wwwroot/index.htm")) ==
        "<html>index</html>");
}

TEST_CASE("ntfsgen rejects bad specs with a message naming the entry", "[ntfsgen]") {
  TempDir dir;
  const auto write = [&](const std::string& body) {
    const auto p = dir.path() / "bad.json";
    std::ofstream(p, std::ios::trunc) << body;
    return run(q(ntfsgen()) + " image " + q(dir.path() / "bad.img") + " --spec " + q(p));
  };
  auto r = write(R"({"entries": [{"file": "\\a", "txt": "typo"}]})");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "entries[0]"));
  CHECK(contains(r.err, "unknown key txt"));
  r = write(R"({"entries": [{"file": "\\a", "si_times": {"creation": "2015-01-01 00:00:00"}}]})");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "si_times.creation"));
  r = write(R"({"entries": [{"file": "\\a"}, {"file": "\\a"}]})");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "\\a"));
  r = write(R"({"hostile": [{"unpaired_surrogate_name": "\\dir\\plain"}]})");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "D800"));
  r = write(R"({"entries": [{"file": "\\a", "owner": "S-1-x"}]})");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "entries[0] (\\a).owner: not a SID"));
  // Content larger than the (64 MiB) volume: the error names the entry.
  r = write(R"({"entries": [{"file": "\\big", "size": 80000000}]})");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "entries[0] (\\big)"));
  CHECK(contains(r.err, "No space left on device"));
  r = write("{not json");
  CHECK(r.exit_code == 1);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "bad.img"));
  r = run(q(ntfsgen()) + " image " + q(dir.path() / "x.img") + " --spec " +
          q(dir.path() / "bad.json") + " --disk floppy");
  CHECK(r.exit_code == 2);
}

TEST_CASE("ntfsgen sample: the WEB01 evidence disk", "[ntfsgen]") {
  if (!have_tools({"mmls", "fls", "istat", "icat", "ifind"})) return;
  TempDir dir;
  const auto image = dir.path() / "sample.img";
  CHECK(ok(q(ntfsgen()) + " sample " + q(image)) == image.string() + "\t1048576\n");
  CHECK(std::filesystem::file_size(image) == 96u << 20);
  CHECK(std::regex_search(ok("mmls " + q(image)),
                          std::regex("0000002048   [0-9]+   [0-9]+   NTFS / exFAT \\(0x07\\)")));
  const std::string o = "-o 2048";
  const std::string fls = ok("fls -r -p " + o + " " + q(image));
  INFO(fls);
  for (const char* path :
       {"Windows/System32/config", "Windows/System32/svchost.exe",
        "Windows/System32/winevt/Logs/Security.evtx", "Windows/System32/winevt/Logs/System.evtx",
        "Windows/System32/winevt/Logs/Microsoft-Windows-Sysmon%4Operational.evtx",
        "inetpub/wwwroot/iisstart.htm", "inetpub/wwwroot/uploads/up.aspx",
        "ProgramData/sqlserver.exe", "ProgramData/sqlserver.exe:Zone.Identifier",
        "ProgramData/tools/dl.exe",
        "ProgramData/tools/dl.exe:Zone.Identifier", "Users/Administrator/Downloads/notes.txt"})
    CHECK(std::regex_search(fls, std::regex(std::string("\n[rd]/[rd] [0-9-]+:\t") + path + "\n")));
  CHECK(std::regex_search(fls, std::regex("\n-/r \\* [0-9-]+:\tWindows/Temp/deleted.tmp\n")));

  // sqlserver.exe: MZ bytes, $SI timestomped to 2015 (whole seconds), $FN at its creation
  // in the EVTX scenario (Sysmon 11, 2023-02-20T14:03:15.6054321Z), resident Zone.Identifier.
  const std::string exe = inode_of(image, "/ProgramData/sqlserver.exe", o);
  CHECK(ok("icat " + o + " " + q(image) + " " + exe).substr(0, 2) == "MZ");
  const std::string istat = ok("istat " + o + " " + q(image) + " " + exe);
  const std::string si = istat_section(istat, "$STANDARD_INFORMATION Attribute Values:");
  CHECK(contains(si, "Created:\t2015-07-14 09:21:33.000000000 (UTC)"));
  CHECK(contains(si, "File Modified:\t2015-07-14 09:21:33.000000000 (UTC)"));
  const std::string fn = istat_section(istat, "$FILE_NAME Attribute Values:");
  CHECK(contains(fn, "Created:\t2023-02-20 14:03:15.605432100 (UTC)"));
  std::smatch m;
  REQUIRE(std::regex_search(
      istat, m, std::regex("\\$DATA \\(128-([0-9]+)\\)   Name: Zone.Identifier   Resident")));
  const std::string zone = ok("icat " + o + " " + q(image) + " " + exe + "-128-" + m[1].str());
  CHECK(contains(zone, "ZoneId=3\r\n"));
  CHECK(zone == "[ZoneTransfer]\r\nZoneId=3\r\nHostUrl=http://198.51.100.23/sqlserver.exe\r\n");

  // dl.exe: a non-resident Zone.Identifier of more than 1 KiB.
  const std::string dl =
      ok("istat " + o + " " + q(image) + " " + inode_of(image, "/ProgramData/tools/dl.exe", o));
  REQUIRE(std::regex_search(dl, m,
                            std::regex("Name: Zone.Identifier   Non-Resident   size: ([0-9]+)")));
  CHECK(std::stoul(m[1]) > 1024);

  // deleted.tmp: the record stays, not allocated.
  CHECK(contains(
      ok("istat " + o + " " + q(image) + " " + inode_of(image, "/Windows/Temp/deleted.tmp", o)),
      "Not Allocated File"));

  // The logs are the EVTX sample byte for byte.
  const auto logs = dir.path() / "logs";
  ok(q(SQLTRIAGE_EVTXGEN) + " sample " + q(logs));
  CHECK(ok("icat " + o + " " + q(image) + " " +
           inode_of(image, "/Windows/System32/winevt/Logs/Security.evtx", o)) ==
        slurp(logs / "C/Windows/System32/winevt/Logs/Security.evtx"));

  // Owners, from $Secure:$SDS (ntfssecaudit reads a volume, so cut the partition out).
  if (!can_audit_security()) return;
  const auto volume = dir.path() / "volume.img";
  ok("dd if=" + q(image) + " of=" + q(volume) + " bs=1M skip=1 conv=sparse status=none");
  const auto owner = [&](const std::string& path) {
    const std::string out = ok("ntfssecaudit " + q(volume) + " " + shell_quote(path));
    std::smatch sm;
    REQUIRE(std::regex_search(out, sm, std::regex("Windows owner (S-[0-9-]+)")));
    return sm[1].str();
  };
  CHECK(owner("/ProgramData/sqlserver.exe") ==
        "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415");
  CHECK(owner("/ProgramData/tools/dl.exe") == "S-1-5-21-3623811015-3361044348-30300820-500");
  CHECK(owner("/Windows/System32/svchost.exe") == "S-1-5-18");
  CHECK(owner("/Windows/System32/winevt/Logs/System.evtx") == "S-1-5-18");
}
