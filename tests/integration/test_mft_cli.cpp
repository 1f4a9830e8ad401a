// `sqltriage mft` end to end, through the built binary, on NTFS images written by ntfsgen
// (tests/fixtures/ntfs) and on their collected copies.
//
// What the binary should report comes from independent tools run on the same image: The Sleuth
// Kit (istat for times, sizes, streams and security ids; ifind for entry numbers; icat for
// stream bytes and the collected $MFT / $Secure:$SDS copies; fls for deleted entries and the
// bodyfile) and ntfs-3g's ntfssecaudit for owners. The expectations about checks and data
// shapes come from docs/mft.md and docs/checks.md.
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
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
using sqltriage::test::CommandResult;
using sqltriage::test::ntfsgen_image;
using sqltriage::test::run;
using sqltriage::test::run_sqltriage;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

// ---------------------------------------------------------------------------------------------
// Running sqltriage

Json document(const CommandResult& r) {
  INFO("stderr: " << r.err);
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(r.out));
  return doc;
}

Json mft(const std::string& args, int expected_exit = 0) {
  const auto r = run_sqltriage("mft " + args, 120);
  INFO("sqltriage mft " << args << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == expected_exit);
  return document(r);
}

std::vector<Json> findings_of(const Json& doc, const std::string& type) {
  std::vector<Json> out;
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == type) out.push_back(f);
  return out;
}

const Json* finding_for_entry(const Json& doc, std::uint64_t entry) {
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == "mft.entry" && f.at("data").at("Entry") == entry) return &f;
  return nullptr;
}

std::vector<std::string> check_ids(const Json& f) {
  std::vector<std::string> ids;
  for (const auto& c : f.at("checks")) ids.push_back(c.at("id"));
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> strings(const Json& array) {
  std::vector<std::string> out;
  for (const auto& s : array) out.push_back(s.get<std::string>());
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// ---------------------------------------------------------------------------------------------
// The Sleuth Kit and ntfs-3g as oracles

bool have_oracles() {
  for (const char* tool : {"istat", "ifind", "icat", "fls", "ntfssecaudit"})
    if (!sqltriage::test::tool_or_skip(tool)) return false;
  return true;
}

std::string tsk_offset(std::uint64_t volume_offset) {
  return volume_offset == 0 ? "" : " -o " + std::to_string(volume_offset / 512);
}

std::string tool(const std::string& command) {
  // run() appends its own redirections: a group keeps the command's own ones.
  const auto r = run("( TZ=UTC " + command + " )");
  INFO(command << "\nstderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::uint64_t ifind(const fs::path& image, std::uint64_t offset, const std::string& path) {
  const auto out = tool("ifind" + tsk_offset(offset) + " -n " + shell_quote(path) + " " +
                        shell_quote(image.string()));
  return std::stoull(out);
}

/// istat's "Created: 2015-07-14 09:21:33.000000000 (UTC)" as format_filetime writes it.
std::string iso_of_istat(const std::string& value) {
  // "YYYY-MM-DD hh:mm:ss.nnnnnnnnn (UTC)"
  REQUIRE(value.size() >= 29);
  return value.substr(0, 10) + "T" + value.substr(11, 8) + "." + value.substr(20, 7) + "Z";
}

struct IstatTimes {
  std::string created, modified, mft_modified, accessed;
};

struct IstatAttribute {
  std::string type;  // "$DATA"
  std::string id;    // "128-4"
  std::string name;  // "Zone.Identifier" or "N/A"
  bool resident = false;
  std::uint64_t size = 0;
};

struct Istat {
  std::uint64_t sequence = 0;
  bool allocated = false;
  std::optional<std::uint32_t> security_id;
  IstatTimes si;
  std::vector<std::string> fn_names;
  std::vector<IstatTimes> fn;
  std::vector<IstatAttribute> attributes;
};

Istat istat(const fs::path& image, std::uint64_t offset, std::uint64_t entry) {
  const auto out = tool("istat -z UTC" + tsk_offset(offset) + " " + shell_quote(image.string()) +
                        " " + std::to_string(entry));
  Istat r;
  std::istringstream in(out);
  std::string line;
  enum { none, si, fn, attrs } section = none;
  IstatTimes* times = nullptr;
  auto value = [&](const std::string& key) { return line.substr(key.size()); };
  while (std::getline(in, line)) {
    if (line.rfind("Entry:", 0) == 0) {
      r.sequence = std::stoull(line.substr(line.find("Sequence:") + 9));
    } else if (line == "Allocated File" || line == "Allocated Directory") {
      r.allocated = true;
    } else if (line.rfind("$STANDARD_INFORMATION Attribute Values:", 0) == 0) {
      section = si;
      times = &r.si;
    } else if (line.rfind("$FILE_NAME Attribute Values:", 0) == 0) {
      section = fn;
      r.fn.emplace_back();
      times = &r.fn.back();
    } else if (line.rfind("Attributes:", 0) == 0) {
      section = attrs;
    } else if (section == si && line.rfind("Security ID: ", 0) == 0) {
      r.security_id = static_cast<std::uint32_t>(std::stoul(value("Security ID: ")));
    } else if (section == fn && line.rfind("Name: ", 0) == 0) {
      r.fn_names.push_back(value("Name: "));
    } else if ((section == si || section == fn) && times != nullptr) {
      if (line.rfind("Created:\t", 0) == 0) times->created = iso_of_istat(value("Created:\t"));
      if (line.rfind("File Modified:\t", 0) == 0)
        times->modified = iso_of_istat(value("File Modified:\t"));
      if (line.rfind("MFT Modified:\t", 0) == 0)
        times->mft_modified = iso_of_istat(value("MFT Modified:\t"));
      if (line.rfind("Accessed:\t", 0) == 0) times->accessed = iso_of_istat(value("Accessed:\t"));
    } else if (section == attrs && line.rfind("Type: ", 0) == 0) {
      // "Type: $DATA (128-4)   Name: Zone.Identifier   Resident   size: 101"
      IstatAttribute a;
      a.type = line.substr(6, line.find(' ', 6) - 6);
      const auto open = line.find('('), close = line.find(')');
      a.id = line.substr(open + 1, close - open - 1);
      const auto name_at = line.find("Name: ") + 6;
      a.name = line.substr(name_at, line.find("   ", name_at) - name_at);
      a.resident = line.find("   Resident") != std::string::npos;
      a.size = std::stoull(line.substr(line.find("size: ") + 6));
      r.attributes.push_back(a);
    }
  }
  return r;
}

const IstatAttribute* attribute(const Istat& s, const std::string& type, const std::string& name) {
  for (const auto& a : s.attributes)
    if (a.type == type && a.name == name) return &a;
  return nullptr;
}

std::string icat(const fs::path& image, std::uint64_t offset, const std::string& address) {
  return tool("icat" + tsk_offset(offset) + " " + shell_quote(image.string()) + " " + address);
}

/// The owner SID ntfssecaudit prints for a file ("Windows owner S-1-..."). ntfssecaudit reads a
/// volume, so a partitioned disk is cut to its volume first (a copy in the test's folder).
std::string ntfssecaudit_owner(const TempDir& dir, const fs::path& image, std::uint64_t offset,
                               const std::string& posix_path) {
  fs::path volume = image;
  if (offset != 0) {
    volume = dir.path() / "volume-for-ntfssecaudit.img";
    if (!fs::exists(volume))
      tool("dd if=" + shell_quote(image.string()) + " of=" + shell_quote(volume.string()) +
           " bs=512 skip=" + std::to_string(offset / 512) + " status=none");
  }
  const auto out = tool("ntfssecaudit " + shell_quote(volume.string()) + " " +
                        shell_quote(posix_path) + " 2>&1");
  const auto at = out.find("Windows owner ");
  REQUIRE(at != std::string::npos);
  return out.substr(at + 14, out.find('\n', at) - at - 14);
}

void check_times(const Json& block, const IstatTimes& t) {
  CHECK(block.at("CreationTime") == t.created);
  CHECK(block.at("LastWriteTime") == t.modified);
  CHECK(block.at("ChangeTime") == t.mft_modified);
  CHECK(block.at("LastAccessTime") == t.accessed);
}

/// "Key=Value" lines of a Zone.Identifier text after [ZoneTransfer], in order.
std::vector<std::pair<std::string, std::string>> zone_keys(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == ';') continue;
    if (line[0] == '[') {
      in_section = line == "[ZoneTransfer]";
      continue;
    }
    const auto eq = line.find('=');
    if (in_section && eq != std::string::npos)
      out.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Images

struct SampleDisk {
  TempDir dir;
  fs::path image;
  static constexpr std::uint64_t kOffset = 1048576;  // ntfsgen: partition 1 at LBA 2048
  SampleDisk() {
    image = dir.path() / "sample.img";
    const auto r = run(shell_quote(SQLTRIAGE_NTFSGEN) + " sample " + shell_quote(image.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
};

/// A spec with the scenario's files, for the disk-layout and collected-copy comparisons.
const char* kSpec = R"({"label": "WEB01",
 "entries": [
  {"dir": "\\Windows\\System32"},
  {"file": "\\inetpub\\wwwroot\\uploads\\sqlserver.exe", "size": 6000,
   "streams": {"Zone.Identifier": "[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=http://203.0.113.7/\r\nHostUrl=http://203.0.113.7/sqlserver.exe\r\n"},
   "si_times": {"creation": "2015-07-14T09:21:33Z", "modification": "2015-07-14T09:21:33Z",
                "entry_modification": "2015-07-14T09:21:33Z", "access": "2015-07-14T09:21:33Z"},
   "fn_times": {"creation": "2023-02-20T14:03:15.6054321Z", "modification": "2023-02-20T14:03:15.6054321Z",
                "entry_modification": "2023-02-20T14:03:15.6054321Z", "access": "2023-02-20T14:03:15.6054321Z"},
   "owner": "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"},
  {"file": "\\ProgramData\\tools\\dl.exe", "size": 3000,
   "streams": {"Zone.Identifier": "[ZoneTransfer]\r\nZoneId=4\r\nHostUrl=http://198.51.100.23/dl.exe\r\nAppZoneId=4\r\nLastWriterPackageFamilyName=Microsoft.MicrosoftEdge_8wekyb3d8bbwe\r\nCustomKey=kept\r\n; padding to push the stream out of the MFT record: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"},
   "owner": "S-1-5-18"},
  {"file": "\\Windows\\Temp\\deleted.tmp", "text": "gone", "deleted": true},
  {"file": "\\Users\\Administrator\\Downloads\\notes.txt", "text": "plain notes"}
 ]})";

}  // namespace

// ---------------------------------------------------------------------------------------------

TEST_CASE("mft cli: the sample disk's sqlserver.exe, against istat, icat and ntfssecaudit",
          "[mft][cli]") {
  if (!have_oracles()) return;
  SampleDisk disk;
  const auto off = SampleDisk::kOffset;
  const auto doc = mft(shell_quote(disk.image.string()) + " --target sqlserver.exe");
  CHECK(doc.at("evidence").at(0).at("kind") == "image");
  const auto entry = ifind(disk.image, off, "/ProgramData/sqlserver.exe");
  const auto entries = findings_of(doc, "mft.entry");
  REQUIRE(entries.size() == 1);
  const auto& f = entries[0];
  const auto& d = f.at("data");
  const auto st = istat(disk.image, off, entry);

  CHECK(d.at("Path") == "C:\\ProgramData\\sqlserver.exe");
  CHECK(d.at("Entry") == entry);
  CHECK(d.at("Sequence") == st.sequence);
  CHECK(d.at("InUse") == true);
  CHECK(f.at("artifact").at("path") == "C:\\$MFT");
  CHECK(f.at("artifact").at("record") == entry);
  const auto* data = attribute(st, "$DATA", "N/A");
  REQUIRE(data != nullptr);
  CHECK(d.at("Size") == data->size);
  check_times(d.at("$STANDARD_INFORMATION"), st.si);
  REQUIRE(st.security_id.has_value());
  CHECK(d.at("$STANDARD_INFORMATION").at("SecurityId") == *st.security_id);
  REQUIRE(d.at("$FILE_NAME").size() == st.fn.size());
  for (std::size_t i = 0; i < st.fn.size(); ++i) {
    CHECK(d.at("$FILE_NAME").at(i).at("FileName") == st.fn_names.at(i));
    check_times(d.at("$FILE_NAME").at(i), st.fn.at(i));
  }
  CHECK(f.at("time") == st.si.created);

  // Owner: $Secure:$SDS, as ntfssecaudit reads it.
  const auto owner = ntfssecaudit_owner(disk.dir, disk.image, off, "/ProgramData/sqlserver.exe");
  CHECK(d.at("Owner").at("Sid") == owner);
  CHECK(d.at("Owner").at("SidSource") == "$Secure:$SDS");
  // Microsoft publishes this SID as IIS APPPOOL\DefaultAppPool's; no hive is needed for it.
  if (owner == "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415")
    CHECK(d.at("Owner").at("Name") == "IIS APPPOOL\\DefaultAppPool");

  // The resident Zone.Identifier, parsed; its keys in the stream's order.
  const auto* zone_attr = attribute(st, "$DATA", "Zone.Identifier");
  REQUIRE(zone_attr != nullptr);
  CHECK(zone_attr->resident);
  const auto zone_text = icat(disk.image, off, std::to_string(entry) + "-" + zone_attr->id);
  const auto keys = zone_keys(zone_text);
  REQUIRE(!keys.empty());
  const auto& zone = d.at("Zone.Identifier");
  for (const auto& [k, v] : keys) {
    if (k == "ZoneId")
      CHECK(zone.at("ZoneId") == std::stoi(v));
    else
      CHECK(zone.at(k) == v);
  }
  CHECK(zone.at("ZoneName") == "Internet");
  REQUIRE(d.at("Streams").size() == 1);
  CHECK(d.at("Streams").at(0).at("Name") == "Zone.Identifier");
  CHECK(d.at("Streams").at(0).at("Size") == zone_attr->size);
  CHECK(d.at("Streams").at(0).at("Resident") == true);
  CHECK(d.at("FileSignature") == "MZ");

  // The three checks, and the HostUrl in the summary.
  CHECK(check_ids(f) ==
        std::vector<std::string>{"internet_download", "timestomping", "user_writable_executable"});
  CHECK(f.at("severity") == "medium");
  const std::string host_url = zone.at("HostUrl");
  CHECK(f.at("summary").get<std::string>().find(host_url) != std::string::npos);

  SECTION("--fail-on medium exits 1, --fail-on high 0") {
    mft(shell_quote(disk.image.string()) + " --target sqlserver.exe --fail-on medium", 1);
    mft(shell_quote(disk.image.string()) + " --target sqlserver.exe --fail-on high", 0);
  }
}

TEST_CASE("mft cli: a non-resident Zone.Identifier is read and parsed whole", "[mft][cli]") {
  if (!have_oracles()) return;
  SampleDisk disk;
  const auto off = SampleDisk::kOffset;
  const auto entry = ifind(disk.image, off, "/ProgramData/tools/dl.exe");
  const auto st = istat(disk.image, off, entry);
  const auto* zone_attr = attribute(st, "$DATA", "Zone.Identifier");
  REQUIRE(zone_attr != nullptr);
  REQUIRE_FALSE(zone_attr->resident);
  const auto keys = zone_keys(icat(disk.image, off, std::to_string(entry) + "-" + zone_attr->id));
  const auto doc = mft(shell_quote(disk.image.string()) + " --target DL.EXE");
  const auto* f = finding_for_entry(doc, entry);
  REQUIRE(f != nullptr);
  const auto& zone = f->at("data").at("Zone.Identifier");
  // Every key of the stream, in order, with ZoneName inserted after ZoneId.
  std::vector<std::string> expected, got;
  for (const auto& [k, v] : keys) {
    expected.push_back(k);
    if (k == "ZoneId") expected.push_back("ZoneName");
  }
  for (const auto& [k, v] : zone.items()) got.push_back(k);
  CHECK(got == expected);
  for (const auto& [k, v] : keys)
    if (k != "ZoneId") CHECK(zone.at(k) == v);
  CHECK(f->at("data").at("Streams").at(0).at("Resident") == false);
  CHECK(f->at("data").at("Streams").at(0).at("Size") == zone_attr->size);
}

TEST_CASE("mft cli: a deleted entry is found and marked", "[mft][cli]") {
  if (!have_oracles()) return;
  SampleDisk disk;
  const auto off = SampleDisk::kOffset;
  // fls -d lists the deleted names: "-/r * 85-128-2:	Windows/Temp/deleted.tmp".
  const auto listing = tool("fls -r -d" + tsk_offset(off) + " " + shell_quote(disk.image.string()));
  const auto at = listing.find("Windows/Temp/deleted.tmp");
  REQUIRE(at != std::string::npos);
  const auto line_start = listing.rfind('\n', at) + 1;
  const auto star = listing.find("* ", line_start) + 2;
  const auto entry = std::stoull(listing.substr(star, listing.find('-', star) - star));
  const auto st = istat(disk.image, off, entry);
  REQUIRE_FALSE(st.allocated);

  const auto doc = mft(shell_quote(disk.image.string()) + " --target deleted.tmp");
  const auto entries = findings_of(doc, "mft.entry");
  REQUIRE(entries.size() == 1);
  const auto& d = entries[0].at("data");
  CHECK(d.at("Entry") == entry);
  CHECK(d.at("Sequence") == st.sequence);
  CHECK(d.at("InUse") == false);
  CHECK(d.at("Path") == "C:\\Windows\\Temp\\deleted.tmp");
  CHECK(entries[0].at("summary").get<std::string>().rfind("Deleted file ", 0) == 0);
  check_times(d.at("$STANDARD_INFORMATION"), st.si);
}

TEST_CASE("mft cli: --target by path, any case, either slash, with or without drive",
          "[mft][cli]") {
  if (!have_oracles()) return;
  SampleDisk disk;
  const auto entry = ifind(disk.image, SampleDisk::kOffset, "/ProgramData/sqlserver.exe");
  for (const std::string target : {"C:\\ProgramData\\sqlserver.exe", "\\PROGRAMDATA\\SqlServer.EXE",
                                   "c:/programdata/SQLSERVER.exe", "ProgramData/sqlserver.exe"}) {
    INFO(target);
    const auto doc = mft(shell_quote(disk.image.string()) + " --target " + shell_quote(target));
    const auto entries = findings_of(doc, "mft.entry");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].at("data").at("Entry") == entry);
  }
  // A path names one file: another folder's file of the same name does not match.
  const auto none =
      mft(shell_quote(disk.image.string()) + " --target 'C:\\Windows\\sqlserver.exe' --no-usn");
  CHECK(findings_of(none, "mft.entry").empty());
  CHECK(none.at("errors").empty());
  // Several targets in one run, in entry order.
  const auto two = mft(shell_quote(disk.image.string()) +
                       " --target dl.exe --target 'C:\\ProgramData\\sqlserver.exe'");
  CHECK(findings_of(two, "mft.entry").size() == 2);
}

TEST_CASE("mft cli: --target by DOS 8.3 name", "[mft][cli]") {
  if (!have_oracles()) return;
  TempDir dir;
  const auto image = sqltriage::test::ntfsgen_image(dir, R"({"entries": [{"dir": "\\Windows"},
               {"file": "\\inetpub\\wwwroot\\uploads\\sqlserver.exe", "text": "MZ stub"}]})");
  // ntfs-3g writes POSIX names only; its system.ntfs_dos_name attribute adds a DOS name.
  const auto mount = dir.path() / "mnt";
  fs::create_directory(mount);
  const auto mounted =
      run("ntfs-3g " + shell_quote(image.string()) + " " + shell_quote(mount.string()));
  if (mounted.exit_code != 0) {
    WARN("ntfs-3g cannot mount here (no FUSE?), skipping: " << mounted.err);
    return;
  }
  const auto set =
      run("/usr/bin/python3 -c " +
          shell_quote("import os,sys; os.setxattr(sys.argv[1], "
                      "'system.ntfs_dos_name', b'SQLSER~1.EXE')") +
          " " + shell_quote((mount / "inetpub/wwwroot/uploads/sqlserver.exe").string()));
  const auto unmounted = run("umount " + shell_quote(mount.string()));
  REQUIRE(unmounted.exit_code == 0);
  INFO(set.err);
  REQUIRE(set.exit_code == 0);
  const auto entry = ifind(image, 0, "/inetpub/wwwroot/uploads/sqlserver.exe");
  const auto st = istat(image, 0, entry);
  REQUIRE(std::count(st.fn_names.begin(), st.fn_names.end(), "SQLSER~1.EXE") == 1);

  for (const std::string target : {"SQLSER~1.EXE", "sqlser~1.exe"}) {
    const auto doc = mft(shell_quote(image.string()) + " --target " + shell_quote(target));
    const auto entries = findings_of(doc, "mft.entry");
    REQUIRE(entries.size() == 1);
    const auto& d = entries[0].at("data");
    CHECK(d.at("Entry") == entry);
    // Both names, with their name spaces; the path uses the long one.
    std::set<std::string> spaces;
    for (const auto& fn : d.at("$FILE_NAME")) spaces.insert(fn.at("Namespace").get<std::string>());
    CHECK(spaces.count("DOS") == 1);
    CHECK(d.at("Path") == "C:\\inetpub\\wwwroot\\uploads\\sqlserver.exe");
  }
}

TEST_CASE("mft cli: the same volume as a bare volume, an MBR disk and a GPT disk", "[mft][cli]") {
  TempDir dir;
  std::vector<Json> docs;
  std::vector<std::string> layouts;
  for (const std::string disk : {"none", "mbr", "gpt"}) {
    const auto image = sqltriage::test::ntfsgen_image(dir, kSpec, "--disk " + disk);
    auto doc =
        mft(shell_quote(image.string()) +
            " --target sqlserver.exe --target dl.exe --target deleted.tmp --target notes.txt");
    layouts.push_back(doc.at("evidence").at(0).at("layout"));
    docs.push_back(std::move(doc));
  }
  CHECK(layouts[0].find("offset 0") != std::string::npos);
  CHECK(layouts[1].find("MBR") != std::string::npos);
  CHECK(layouts[2].find("GPT") != std::string::npos);
  REQUIRE(findings_of(docs[0], "mft.entry").size() == 4);
  for (std::size_t i = 1; i < docs.size(); ++i) {
    const auto a = findings_of(docs[0], "mft.entry"), b = findings_of(docs[i], "mft.entry");
    REQUIRE(a.size() == b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      // The volumes are written at different times: compare everything ntfsgen did not leave
      // to the clock (entries, paths, sizes, owners, streams, zones, the patched times).
      for (const char* key : {"Path", "Entry", "Sequence", "InUse", "Size", "AllocatedSize",
                              "Owner", "Streams", "Zone.Identifier"})
        CHECK(a[k].at("data").value(key, Json()) == b[k].at("data").value(key, Json()));
      CHECK(check_ids(a[k]) == check_ids(b[k]));
      CHECK(a[k].at("severity") == b[k].at("severity"));
    }
  }
  const auto sql = findings_of(docs[2], "mft.entry")[0];
  CHECK(sql.at("data").at("$STANDARD_INFORMATION").at("CreationTime") ==
        "2015-07-14T09:21:33.0000000Z");
  CHECK(sql.at("data").at("$FILE_NAME").at(0).at("CreationTime") == "2023-02-20T14:03:15.6054321Z");
}

TEST_CASE("mft cli: a collected folder gives the image's facts, minus cluster data", "[mft][cli]") {
  if (!have_oracles()) return;
  TempDir dir;
  const auto image = sqltriage::test::ntfsgen_image(dir, kSpec);
  // Collect as a KAPE-style tool would: $MFT, $Secure:$SDS (istat names its attribute).
  const auto collected = dir.path() / "collected";
  fs::create_directory(collected);
  const auto sds = istat(image, 0, 9);
  const auto* sds_attr = attribute(sds, "$DATA", "$SDS");
  REQUIRE(sds_attr != nullptr);
  tool("icat " + shell_quote(image.string()) + " 0 > " +
       shell_quote((collected / "$MFT").string()));
  tool("icat " + shell_quote(image.string()) + " 9-" + sds_attr->id + " > " +
       shell_quote((collected / "$Secure_$SDS").string()));

  const std::string targets =
      " --target sqlserver.exe --target dl.exe --target deleted.tmp --target notes.txt";
  const auto from_image = mft(shell_quote(image.string()) + targets);
  const auto from_copy = mft(shell_quote(collected.string()) + targets);
  CHECK(from_copy.at("evidence").at(0).at("kind") == "folder");
  const auto a = findings_of(from_image, "mft.entry"), b = findings_of(from_copy, "mft.entry");
  REQUIRE(a.size() == 4);
  REQUIRE(b.size() == a.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    const auto& da = a[k].at("data");
    const auto& db = b[k].at("data");
    INFO(da.at("Path"));
    for (const char* key :
         {"Path", "Entry", "Sequence", "InUse", "Directory", "Size", "AllocatedSize",
          "$STANDARD_INFORMATION", "$FILE_NAME", "Owner", "Streams"})
      CHECK(da.value(key, Json()) == db.value(key, Json()));
    CHECK(b[k].at("artifact").at("path") == (collected / "$MFT").string());
    const bool non_resident_zone =
        !da.at("Streams").empty() && da.at("Streams").at(0).at("Resident") == false;
    if (non_resident_zone) {
      // dl.exe: its Zone.Identifier's clusters are not in a collected $MFT.
      CHECK_FALSE(db.contains("Zone.Identifier"));
      CHECK(contains(strings(db.at("Unavailable")), "Zone.Identifier"));
    } else {
      CHECK(da.value("Zone.Identifier", Json()) == db.value("Zone.Identifier", Json()));
    }
    if (da.contains("FileSignature") && !db.contains("FileSignature"))
      CHECK(contains(strings(db.at("Unavailable")), "FileSignature"));
  }
  // Without the $SDS copy, the owners that live there are listed as unavailable.
  fs::remove(collected / "$Secure_$SDS");
  const auto no_sds = mft(shell_quote(collected.string()) + " --target sqlserver.exe");
  const auto e = findings_of(no_sds, "mft.entry");
  REQUIRE(e.size() == 1);
  CHECK_FALSE(e[0].at("data").contains("Owner"));
  CHECK(contains(strings(e[0].at("data").at("Unavailable")), "Owner"));
  bool missing_sds = false;
  for (const auto& err : no_sds.at("errors"))
    if (err.at("code") == "missing" &&
        err.at("message").get<std::string>().find("$SDS") != std::string::npos)
      missing_sds = true;
  CHECK(missing_sds);
  // A collected $MFT given alone is recognised by its FILE signature, whatever its name.
  fs::rename(collected / "$MFT", collected / "mft.bin");
  const auto alone = mft(shell_quote((collected / "mft.bin").string()) + " --target notes.txt");
  CHECK(alone.at("evidence").at(0).at("kind") == "file");
  REQUIRE(findings_of(alone, "mft.entry").size() == 1);
}

namespace {

/// A USN_RECORD_V2 (Microsoft winioctl.h), laid out by hand: 60-byte header, UTF-16LE name,
/// padded to 8 bytes.
std::string usn_v2(std::uint64_t file_ref, std::uint64_t parent_ref, std::int64_t usn,
                   std::uint64_t timestamp, std::uint32_t reason, const std::string& ascii_name) {
  const std::size_t name_bytes = 2 * ascii_name.size();
  const std::size_t length = (60 + name_bytes + 7) / 8 * 8;
  std::string r(length, '\0');
  auto put = [&r](std::size_t at, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) r[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  put(0, length, 4);
  put(4, 2, 2);  // MajorVersion
  put(6, 0, 2);
  put(8, file_ref, 8);
  put(16, parent_ref, 8);
  put(24, static_cast<std::uint64_t>(usn), 8);
  put(32, timestamp, 8);
  put(40, reason, 4);
  put(44, 0, 4);      // SourceInfo
  put(48, 0x104, 4);  // SecurityId
  put(52, 0x20, 4);   // FileAttributes: ARCHIVE
  put(56, name_bytes, 2);
  put(58, 60, 2);
  for (std::size_t i = 0; i < ascii_name.size(); ++i) r[60 + 2 * i] = ascii_name[i];
  return r;
}

/// Cluster numbers istat lists for a non-resident attribute (the lines after its "Type:").
std::vector<std::uint64_t> clusters_of(const fs::path& image, std::uint64_t entry,
                                       const std::string& attribute_id) {
  const auto out = tool("istat " + shell_quote(image.string()) + " " + std::to_string(entry));
  const auto at = out.find("(" + attribute_id + ")");
  REQUIRE(at != std::string::npos);
  std::istringstream in(out.substr(out.find('\n', at) + 1));
  std::vector<std::uint64_t> clusters;
  std::string line;
  while (std::getline(in, line) && line.rfind("Type:", 0) != 0) {
    std::istringstream words(line);
    std::uint64_t c = 0;
    while (words >> c) clusters.push_back(c);
  }
  return clusters;
}

std::uint64_t cluster_size(const fs::path& volume_image) {
  std::ifstream in(volume_image, std::ios::binary);
  unsigned char boot[16] = {};
  in.read(reinterpret_cast<char*>(boot), sizeof boot);
  return (boot[11] | boot[12] << 8) * static_cast<std::uint64_t>(boot[13]);
}

/// An image whose \$Extend\$UsnJrnl:$J stream holds `records` (then zeros).
fs::path image_with_journal(const TempDir& dir, const std::string& records,
                            std::uint64_t& journal_entry) {
  const auto image =
      sqltriage::test::ntfsgen_image(dir, R"({"entries": [{"dir": "\\Windows\\System32"},
        {"file": "\\inetpub\\wwwroot\\uploads\\sqlserver.exe", "text": "MZ stub"},
        {"file": "\\inetpub\\wwwroot\\iisstart.htm", "text": "<html></html>"},
        {"file": "\\$Extend\\$UsnJrnl", "streams": {"$J": {"size": 16384}}}]})");
  journal_entry = ifind(image, 0, "/$Extend/$UsnJrnl");
  const auto st = istat(image, 0, journal_entry);
  const auto* j = attribute(st, "$DATA", "$J");
  REQUIRE(j != nullptr);
  REQUIRE_FALSE(j->resident);
  const auto clusters = clusters_of(image, journal_entry, j->id);
  const auto size = cluster_size(image);
  REQUIRE(clusters.size() * size >= 16384);
  std::string stream = records;
  stream.resize(16384, '\0');
  std::fstream out(image, std::ios::binary | std::ios::in | std::ios::out);
  for (std::size_t i = 0; i * size < stream.size(); ++i) {
    out.seekp(static_cast<std::streamoff>(clusters[i] * size));
    out.write(stream.data() + i * size, static_cast<std::streamsize>(size));
  }
  REQUIRE(out.good());
  return image;
}

}  // namespace

TEST_CASE("mft cli: USN records of the target, in journal order, parents resolved", "[mft][cli]") {
  if (!have_oracles()) return;
  TempDir dir;
  // First an image to learn the entry numbers ntfsgen gives (they do not depend on the $J
  // content), then the journal naming them.
  std::uint64_t journal = 0;
  auto image = image_with_journal(dir, "", journal);
  const auto exe = ifind(image, 0, "/inetpub/wwwroot/uploads/sqlserver.exe");
  const auto uploads = ifind(image, 0, "/inetpub/wwwroot/uploads");
  const auto htm = ifind(image, 0, "/inetpub/wwwroot/iisstart.htm");
  const auto wwwroot = ifind(image, 0, "/inetpub/wwwroot");
  const auto exe_seq = istat(image, 0, exe).sequence;
  const auto up_seq = istat(image, 0, uploads).sequence;
  const std::uint64_t exe_ref = exe | static_cast<std::uint64_t>(exe_seq) << 48;
  const std::uint64_t up_ref = uploads | static_cast<std::uint64_t>(up_seq) << 48;
  const std::uint64_t htm_ref = htm | 1ULL << 48;
  const std::uint64_t www_ref = wwwroot | 1ULL << 48;
  const std::uint64_t t0 = 133213753951234567ULL;  // 2023-02-20T14:03:15.1234567Z
  // create under a temporary name, rename, write, close; and an unrelated file in between.
  std::string records;
  std::vector<std::int64_t> usns;
  auto add = [&](std::uint64_t ref, std::uint64_t parent, std::uint64_t t, std::uint32_t reason,
                 const std::string& name) {
    usns.push_back(static_cast<std::int64_t>(records.size()));
    records += usn_v2(ref, parent, usns.back(), t, reason, name);
  };
  add(exe_ref, up_ref, t0, 0x00000100, "dl_8a1f.tmp");         // FILE_CREATE
  add(htm_ref, www_ref, t0 + 5, 0x00000002, "iisstart.htm");   // DATA_EXTEND, other file
  add(exe_ref, up_ref, t0 + 10, 0x00001000, "dl_8a1f.tmp");    // RENAME_OLD_NAME
  add(exe_ref, up_ref, t0 + 10, 0x00002000, "sqlserver.exe");  // RENAME_NEW_NAME
  add(exe_ref, up_ref, t0 + 20, 0x00000002, "sqlserver.exe");  // DATA_EXTEND
  add(exe_ref, up_ref, t0 + 30, 0x80000002, "sqlserver.exe");  // DATA_EXTEND | CLOSE
  image = image_with_journal(dir, records, journal);

  const auto doc = mft(shell_quote(image.string()) + " --target sqlserver.exe");
  const auto usn = findings_of(doc, "mft.usn");
  REQUIRE(usn.size() == 5);  // every record of the entry, none of iisstart.htm
  const std::vector<std::size_t> expected_index = {0, 2, 3, 4, 5};
  const std::vector<std::string> first_reason = {
      "USN_REASON_FILE_CREATE", "USN_REASON_RENAME_OLD_NAME", "USN_REASON_RENAME_NEW_NAME",
      "USN_REASON_DATA_EXTEND", "USN_REASON_DATA_EXTEND"};
  for (std::size_t i = 0; i < usn.size(); ++i) {
    const auto& f = usn[i];
    const auto& d = f.at("data");
    INFO(i);
    CHECK(d.at("Usn") == usns[expected_index[i]]);
    CHECK(f.at("artifact").at("offset") == usns[expected_index[i]]);
    CHECK(f.at("artifact").at("path") == "C:\\$Extend\\$UsnJrnl:$J");
    CHECK(d.at("FileReferenceNumber").at("Entry") == exe);
    CHECK(d.at("FileReferenceNumber").at("Sequence") == exe_seq);
    CHECK(d.at("ParentFileReferenceNumber").at("Entry") == uploads);
    CHECK(d.at("ParentPath") == "C:\\inetpub\\wwwroot\\uploads");
    CHECK(d.at("ReasonNames").at(0) == first_reason[i]);
    CHECK(d.at("SecurityId") == 0x104);
  }
  CHECK(usn[0].at("data").at("FileName") == "dl_8a1f.tmp");
  CHECK(usn[0].at("time") == "2023-02-20T14:03:15.1234567Z");
  CHECK(usn[4].at("data").at("ReasonNames") ==
        Json::array({"USN_REASON_DATA_EXTEND", "USN_REASON_CLOSE"}));
  CHECK(usn[4].at("data").at("Path") == "C:\\inetpub\\wwwroot\\uploads\\sqlserver.exe");
  // The entry finding comes first, then the journal.
  CHECK(doc.at("findings").at(0).at("type") == "mft.entry");

  SECTION("the same from collected copies, named as KAPE names them") {
    const auto kape = dir.path() / "kape";
    fs::create_directories(kape / "$Extend");
    const auto journal_stat = istat(image, 0, journal);
    const auto secure_stat = istat(image, 0, 9);
    const auto* j = attribute(journal_stat, "$DATA", "$J");
    const auto* sds = attribute(secure_stat, "$DATA", "$SDS");
    REQUIRE(j != nullptr);
    REQUIRE(sds != nullptr);
    tool("icat " + shell_quote(image.string()) + " 0 > " + shell_quote((kape / "$MFT").string()));
    tool("icat " + shell_quote(image.string()) + " 9-" + sds->id + " > " +
         shell_quote((kape / "$Secure%3A$SDS").string()));
    tool("icat " + shell_quote(image.string()) + " " + std::to_string(journal) + "-" + j->id +
         " > " + shell_quote((kape / "$Extend" / "$UsnJrnl%3A$J").string()));
    const auto copy = mft(shell_quote(kape.string()) + " --target sqlserver.exe");
    CHECK(copy.at("errors").empty());
    const auto copied = findings_of(copy, "mft.usn");
    REQUIRE(copied.size() == usn.size());
    for (std::size_t i = 0; i < usn.size(); ++i) {
      CHECK(copied[i].at("data") == usn[i].at("data"));
      CHECK(copied[i].at("artifact").at("offset") == usn[i].at("artifact").at("offset"));
      CHECK(copied[i].at("artifact").at("path") == (kape / "$Extend" / "$UsnJrnl%3A$J").string());
    }
    const auto entry_copy = findings_of(copy, "mft.entry");
    REQUIRE(entry_copy.size() == 1);
    CHECK(entry_copy[0].at("data").at("Owner") ==
          findings_of(doc, "mft.entry").at(0).at("data").at("Owner"));
  }
  SECTION("--all lists every record; --no-usn none; --since filters by TimeStamp") {
    const auto all = mft(shell_quote(image.string()) + " --all");
    CHECK(findings_of(all, "mft.usn").size() == 6);
    const auto none = mft(shell_quote(image.string()) + " --target sqlserver.exe --no-usn");
    CHECK(findings_of(none, "mft.usn").empty());
    const auto later = mft(shell_quote(image.string()) +
                           " --target sqlserver.exe --since 2023-02-20T14:03:15.1234568Z");
    CHECK(findings_of(later, "mft.usn").size() == 4);
  }
}

TEST_CASE("mft cli: a $J of only zeros gives no records and no error", "[mft][cli]") {
  if (!have_oracles()) return;
  TempDir dir;
  std::uint64_t journal = 0;
  const auto image = image_with_journal(dir, "", journal);
  const auto doc = mft(shell_quote(image.string()) + " --all");
  CHECK(findings_of(doc, "mft.usn").empty());
  CHECK(doc.at("errors").empty());
  CHECK_FALSE(findings_of(doc, "mft.entry").empty());
  // A folder holding only that journal: read, empty, exit 0 (an empty journal is sound).
  const auto folder = dir.path() / "j-only";
  fs::create_directory(folder);
  const auto st = istat(image, 0, journal);
  tool("icat " + shell_quote(image.string()) + " " + std::to_string(journal) + "-" +
       attribute(st, "$DATA", "$J")->id + " > " + shell_quote((folder / "$J").string()));
  const auto only = mft(shell_quote(folder.string()) + " --all");
  CHECK(only.at("findings").empty());
}

namespace {

std::vector<Json> jsonl_lines(const std::string& text) {
  std::vector<Json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(Json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("mft cli: the corpus journal in a folder without $MFT", "[mft][cli][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(journal, "ntfs/dfir_ntfs_usnjrnlj.bin");
  SQLTRIAGE_REQUIRE_CORPUS(reference, "ntfs/dfir_ntfs_usnjrnlj.fsutil.txt");
  TempDir dir;
  fs::copy_file(journal, dir.path() / "$J");
  // The USNs fsutil listed, and those naming "New folder".
  std::ifstream ref(reference);
  std::set<std::int64_t> fsutil_usns, fsutil_new_folder;
  std::int64_t next_usn = -1, current = -1;
  for (std::string line; std::getline(ref, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(" : ");
    if (colon == std::string::npos) continue;
    const auto value = line.substr(colon + 3);
    if (line.rfind("Next USN", 0) == 0) next_usn = std::stoll(value);
    if (line.rfind("Usn ", 0) == 0) fsutil_usns.insert(current = std::stoll(value));
    if (line.rfind("File name ", 0) == 0 && value == "New folder")
      fsutil_new_folder.insert(current);
  }
  REQUIRE(next_usn > 0);
  REQUIRE(fsutil_new_folder.size() == 3);

  const auto r = run_sqltriage("mft " + shell_quote(dir.path().string()) + " --all --jsonl");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::set<std::int64_t> ours, ours_new_folder;
  bool missing_mft = false;
  for (const auto& line : jsonl_lines(r.out)) {
    if (line.at("record_type") == "error" && line.at("code") == "missing" &&
        line.at("message").get<std::string>().find("$MFT") != std::string::npos)
      missing_mft = true;
    if (line.at("record_type") != "finding") continue;
    REQUIRE(line.at("type") == "mft.usn");
    const auto& d = line.at("data");
    ours.insert(d.at("Usn").get<std::int64_t>());
    if (d.at("FileName") == "New folder") ours_new_folder.insert(d.at("Usn").get<std::int64_t>());
    // No $MFT: parents cannot be resolved, and the finding says so.
    CHECK_FALSE(d.contains("ParentPath"));
    CHECK(strings(d.at("Unavailable")) == std::vector<std::string>{"ParentPath", "Path"});
  }
  CHECK(missing_mft);
  // Every record fsutil listed; the others were written after fsutil read the journal.
  for (auto u : fsutil_usns) CHECK(ours.count(u) == 1);
  for (auto u : ours)
    if (fsutil_usns.count(u) == 0) CHECK(u >= next_usn);

  const auto by_name =
      run_sqltriage("mft " + shell_quote(dir.path().string()) + " --target 'new folder' --jsonl");
  REQUIRE(by_name.exit_code == 0);
  std::set<std::int64_t> targeted;
  for (const auto& line : jsonl_lines(by_name.out))
    if (line.at("record_type") == "finding")
      targeted.insert(line.at("data").at("Usn").get<std::int64_t>());
  CHECK(targeted == ours_new_folder);
  for (auto u : fsutil_new_folder) CHECK(targeted.count(u) == 1);
}

TEST_CASE("mft cli: hostile entries become errors or markers, never a crash or a hang",
          "[mft][cli][damage]") {
  if (!have_oracles()) return;
  TempDir dir;
  const auto image = sqltriage::test::ntfsgen_image(dir, R"({"entries": [
      {"dir": "\\a\\b"},
      {"file": "\\a\\b\\inner.txt", "text": "inside the cycle"},
      {"file": "\\data\\victim.txt", "text": "its record is torn"},
      {"file": "\\data\\ok.txt", "text": "fine"}],
    "hostile": [{"break_fixup": "\\data\\victim.txt"},
                {"parent_cycle": ["\\a", "\\a\\b"]},
                {"unpaired_surrogate_name": "\\data\\name-with-D800"}]})");
  // fls reads folder indexes, not the torn record, so it still names the victim's entry.
  const auto listing =
      tool("fls " + shell_quote(image.string()) + " " + std::to_string(ifind(image, 0, "/data")));
  const auto at = listing.find("victim.txt");
  REQUIRE(at != std::string::npos);
  const auto line = listing.substr(listing.rfind('\n', at) + 1);
  const auto victim = std::stoull(line.substr(line.find(' ') + 1));
  const auto ok = ifind(image, 0, "/data/ok.txt");

  const auto r = run_sqltriage("mft " + shell_quote(image.string()) + " --all", 60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = document(r);
  // The torn record: one "record" error naming the $MFT, the entry and its byte offset.
  std::vector<Json> record_errors;
  for (const auto& e : doc.at("errors"))
    if (e.at("code") == "record") record_errors.push_back(e);
  REQUIRE(record_errors.size() == 1);
  CHECK(record_errors[0].at("artifact").at("path") == "C:\\$MFT");
  CHECK(record_errors[0].at("artifact").at("record") == victim);
  CHECK(record_errors[0].at("artifact").at("offset") == victim * 1024);
  CHECK(finding_for_entry(doc, victim) == nullptr);
  REQUIRE(finding_for_entry(doc, ok) != nullptr);
  CHECK(finding_for_entry(doc, ok)->at("data").at("Path") == "C:\\data\\ok.txt");

  // With --bodyfile the same error goes to stderr, one line, and stdout holds only lines.
  const auto body = run_sqltriage("mft " + shell_quote(image.string()) + " --all --bodyfile", 60);
  REQUIRE(body.exit_code == 0);
  CHECK(body.err.find("sqltriage: record: C:\\$MFT at offset " + std::to_string(victim * 1024) +
                      " record " + std::to_string(victim) + ": ") != std::string::npos);
  CHECK(body.out.find("ok.txt") != std::string::npos);
  CHECK(body.out.find('{') == std::string::npos);

  // The parent cycle: a marked path instead of a loop.
  bool cycle = false;
  for (const auto& f : findings_of(doc, "mft.entry"))
    if (f.at("data").at("$FILE_NAME").size() > 0 &&
        f.at("data").at("$FILE_NAME").at(0).at("FileName") == "inner.txt") {
      CHECK(f.at("data").at("Path").get<std::string>().rfind("C:\\$Cycle\\", 0) == 0);
      cycle = true;
    }
  CHECK(cycle);

  // The unpaired surrogate: the name comes back byte for byte through the documented
  // U+EF00 + byte rule, and the raw $MFT holds the lone unit 0xD800 after "name-with-".
  const std::string raw_mft = icat(image, 0, "0");
  std::string utf16_prefix;
  for (char c : std::string("name-with-")) utf16_prefix += std::string{c, '\0'};
  REQUIRE(raw_mft.find(utf16_prefix + std::string("\x00\xD8", 2)) != std::string::npos);
  bool surrogate = false;
  for (const auto& f : findings_of(doc, "mft.entry")) {
    const auto& names = f.at("data").at("$FILE_NAME");
    if (names.empty()) continue;
    const std::string name = names.at(0).at("FileName");
    if (name.rfind("name-with-", 0) != 0) continue;
    surrogate = true;
    // Decode: every U+EF80..U+EFFF (UTF-8 EE BE/BF xx) is one byte.
    std::string bytes;
    for (std::size_t i = 0; i < name.size();) {
      const auto b0 = static_cast<unsigned char>(name[i]);
      if (b0 == 0xEE && i + 2 < name.size() + 0 &&
          (static_cast<unsigned char>(name[i + 1]) & 0xFE) == 0xBE) {
        const unsigned cp = ((b0 & 0x0F) << 12) |
                            ((static_cast<unsigned char>(name[i + 1]) & 0x3F) << 6) |
                            (static_cast<unsigned char>(name[i + 2]) & 0x3F);
        bytes.push_back(static_cast<char>(cp - 0xEF00));
        i += 3;
      } else {
        bytes.push_back(name[i++]);
      }
    }
    CHECK(bytes == std::string("name-with-\xED\xA0\x80"));
  }
  CHECK(surrogate);
}

TEST_CASE("mft cli: truncated images and bad partition entries", "[mft][cli][damage]") {
  TempDir dir;
  const auto image = sqltriage::test::ntfsgen_image(dir, kSpec, "--disk mbr --size-mb 64");
  SECTION("an image cut short: what is left is read, the cut is reported") {
    fs::resize_file(image, 8 * 1024 * 1024);
    const auto r = run_sqltriage("mft " + shell_quote(image.string()) + " --all", 60);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto doc = document(r);
    bool truncated = false;
    for (const auto& e : doc.at("errors"))
      if (e.at("code") == "truncated") truncated = true;
    CHECK(truncated);
    CHECK_FALSE(findings_of(doc, "mft.entry").empty());
  }
  SECTION("an image cut inside the boot area: nothing readable, exit 3") {
    fs::resize_file(image, 1000000);
    const auto r = run_sqltriage("mft " + shell_quote(image.string()) + " --all", 60);
    CHECK(r.exit_code == 3);
    CHECK_FALSE(document(r).at("errors").empty());
  }
  SECTION("the partition entry points outside the image: exit 3, the entry's offset named") {
    std::fstream f(image, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(446 + 8);  // MBR partition 1: first LBA
    const char lba[4] = {0x00, 0x00, 0x00, 0x7F};
    f.write(lba, 4);
    f.close();
    const auto r = run_sqltriage("mft " + shell_quote(image.string()) + " --target x", 60);
    CHECK(r.exit_code == 3);
    const auto doc = document(r);
    REQUIRE(doc.at("errors").size() >= 1);
    CHECK(doc.at("errors").at(0).at("message").get<std::string>().find("446") != std::string::npos);
  }
}

TEST_CASE("mft cli: --all lists every entry fls lists, --bodyfile as many lines as fls",
          "[mft][cli]") {
  if (!have_oracles()) return;
  SampleDisk disk;
  const auto off = SampleDisk::kOffset;
  // fls -r -p lists every name, in use or deleted, with its entry ("r/r 80-128-2:").
  std::set<std::uint64_t> fls_entries;
  {
    std::istringstream in(
        tool("fls -r" + tsk_offset(off) + " " + shell_quote(disk.image.string())));
    for (std::string line; std::getline(in, line);) {
      // "++ r/r 83-128-2:\tdl.exe", "-/r * 16:\t$OrphanFiles/OrphanFile-16"
      const auto tab = line.find(":\t");
      if (tab == std::string::npos) continue;
      // fls's virtual $OrphanFiles folder is numbered past the last entry: not an entry.
      if (line.substr(tab + 2) == "$OrphanFiles") continue;
      const auto prefix = line.substr(0, tab);
      const auto token = prefix.substr(prefix.find_last_of(' ') + 1);
      fls_entries.insert(std::stoull(token.substr(0, token.find('-'))));
    }
  }
  REQUIRE(fls_entries.size() > 40);
  const auto r = run_sqltriage("mft " + shell_quote(disk.image.string()) + " --all --jsonl");
  REQUIRE(r.exit_code == 0);
  std::set<std::uint64_t> ours;
  for (const auto& line : jsonl_lines(r.out))
    if (line.at("record_type") == "finding" && line.at("type") == "mft.entry")
      ours.insert(line.at("data").at("Entry").get<std::uint64_t>());
  // fls lists every entry by name; it leaves out the root folder's own entry (5) and
  // allocated entries without a $FILE_NAME (mkntfs's reserved 12-15), which --all reports.
  for (auto e : fls_entries) CHECK(ours.count(e) == 1);
  for (const auto& line : jsonl_lines(r.out)) {
    if (line.at("record_type") != "finding") continue;
    const auto& d = line.at("data");
    const auto e = d.at("Entry").get<std::uint64_t>();
    if (fls_entries.count(e) == 0) {
      INFO("entry " << e);
      CHECK((e == 5 || d.at("$FILE_NAME").empty()));
    }
  }

  const auto body = disk.dir.path() / "body.txt";
  const auto b = run_sqltriage("mft " + shell_quote(disk.image.string()) + " --all --bodyfile -o " +
                               shell_quote(body.string()));
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  CHECK(b.out.empty());
  // Bodyfile lines come from the entries only: the journal is not even looked for.
  CHECK(b.err.find("UsnJrnl") == std::string::npos);
  std::ifstream in(body);
  std::size_t lines = 0, fls_lines = 0;
  for (std::string line; std::getline(in, line); ++lines)
    CHECK(std::count(line.begin(), line.end(), '|') == 10);
  std::istringstream fls(
      tool("fls -r -m C:/" + tsk_offset(off) + " " + shell_quote(disk.image.string())));
  for (std::string line; std::getline(fls, line);) ++fls_lines;
  CHECK(lines == fls_lines);
}

TEST_CASE("mft cli: usage errors exit 2", "[mft][cli]") {
  TempDir dir;
  const auto p = shell_quote(dir.path().string());
  CHECK(run_sqltriage("mft " + p).exit_code == 2);  // no --target/--all
  CHECK(run_sqltriage("mft " + p + " --all --target x").exit_code == 2);
  CHECK(run_sqltriage("mft " + p + " --target x --bodyfile").exit_code == 2);
  CHECK(run_sqltriage("mft " + p + " --all --bodyfile --jsonl").exit_code == 2);
  CHECK(run_sqltriage("mft " + p + " --all --since yesterday").exit_code == 2);
  CHECK(run_sqltriage("mft /nonexistent/evidence --all").exit_code == 3);
}

TEST_CASE("mft cli: 50 damaged records are listed, the rest counted in one limit entry",
          "[mft][cli][damage]") {
  TempDir dir;
  std::string entries, hostile;
  for (int i = 0; i < 60; ++i) {
    const std::string path = "\\\\data\\\\f" + std::to_string(i) + ".txt";
    entries += std::string(i ? "," : "") + R"({"file": ")" + path + R"(", "text": "x"})";
    hostile += std::string(i ? "," : "") + R"({"break_fixup": ")" + path + R"("})";
  }
  const auto image =
      sqltriage::test::ntfsgen_image(dir, R"({"entries": [{"dir": "\\Windows"},)" + entries +
                                              R"(], "hostile": [)" + hostile + "]}");
  const auto r = run_sqltriage("mft " + shell_quote(image.string()) + " --all --no-usn", 60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = document(r);
  std::size_t records = 0;
  std::vector<Json> limits;
  for (const auto& e : doc.at("errors")) {
    if (e.at("code") == "record") ++records;
    if (e.at("code") == "limit") limits.push_back(e);
  }
  CHECK(records == 50);
  REQUIRE(limits.size() == 1);
  CHECK(limits[0].at("artifact").at("path") == "C:\\$MFT");
  CHECK(limits[0].at("message").get<std::string>().rfind("10 more damaged records", 0) == 0);
}

TEST_CASE("mft cli: output does not depend on the number of threads", "[mft][cli]") {
  SampleDisk disk;
  auto strip = [](Json doc) {
    doc.erase("started");
    doc.at("stats").erase("elapsed_s");
    return doc;
  };
  const auto one = strip(mft(shell_quote(disk.image.string()) + " --all --threads 1"));
  const auto four = strip(mft(shell_quote(disk.image.string()) + " --all --threads 4"));
  CHECK(one.at("findings").size() > 50);
  CHECK(one == four);
}

TEST_CASE("mft cli: a volume Windows made (corpus), against istat and ntfssecaudit",
          "[mft][cli][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/msuhanov_ntfs-lastaccess.raw.gz");
  if (!have_oracles()) return;
  TempDir dir;
  const auto image = dir.path() / "lastaccess.raw";
  tool("gzip -dc " + shell_quote(gz.string()) + " > " + shell_quote(image.string()));
  const std::uint64_t off = 65536;  // MBR partition 1 at LBA 128 (MANIFEST, mmls)
  const auto doc = mft(shell_quote(image.string()) + " --target 'C:\\test\\1.txt'");
  const auto entries = findings_of(doc, "mft.entry");
  REQUIRE(entries.size() == 1);
  const auto& d = entries[0].at("data");
  const auto entry = ifind(image, off, "/test/1.txt");
  const auto st = istat(image, off, entry);
  CHECK(d.at("Entry") == entry);
  CHECK(d.at("Sequence") == st.sequence);
  check_times(d.at("$STANDARD_INFORMATION"), st.si);
  REQUIRE(d.at("$FILE_NAME").size() == st.fn.size());
  for (std::size_t i = 0; i < st.fn.size(); ++i) check_times(d.at("$FILE_NAME").at(i), st.fn[i]);
  REQUIRE(st.security_id.has_value());
  CHECK(d.at("$STANDARD_INFORMATION").at("SecurityId") == *st.security_id);
  // Windows keeps the descriptor in $Secure:$SDS, which libfsntfs cannot read (toolchain
  // notes); ours must equal ntfssecaudit's reading of it.
  CHECK(d.at("Owner").at("SidSource") == "$Secure:$SDS");
  CHECK(d.at("Owner").at("Sid") == ntfssecaudit_owner(dir, image, off, "/test/1.txt"));
}

TEST_CASE("mft cli: a FIFO, a negative offset and an empty target are refused, not waited on",
          "[mft][cli]") {
  TempDir dir;
  const auto fifo = dir.path() / "evidence";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  // Opening a FIFO for reading blocks until a writer comes: the run must not open it.
  const auto r = run_sqltriage("mft " + shell_quote(fifo.string()) + " --target x", 30);
  CHECK(r.exit_code == 3);
  const auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc.at("errors").size() == 1);
  CHECK(doc.at("errors")[0].at("code") == "open_failed");
  CHECK(doc.at("errors")[0].at("artifact").at("path") == fifo.string());

  const auto image = ntfsgen_image(dir, R"({"entries": [{"file": "\\a.exe", "text": "MZ"}]})");
  const auto negative =
      run_sqltriage("mft " + shell_quote(image.string()) + " --offset -5 --target a.exe");
  CHECK(negative.exit_code == 2);
  CHECK(negative.err.find("--offset needs a byte count") != std::string::npos);
  for (const char* target : {"''", "'\\'", "/", "':'"}) {
    const auto empty = run_sqltriage("mft " + shell_quote(image.string()) + " --target " + target);
    CHECK(empty.exit_code == 2);
    CHECK(empty.err.find("--target needs a file name or path") != std::string::npos);
  }
  CHECK(run_sqltriage("mft " + shell_quote(image.string()) + " --target a.exe").exit_code == 0);
}
