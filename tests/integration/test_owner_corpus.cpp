// Owners of files on real Windows-made NTFS volumes: our $Secure:$SDS index and descriptor
// parser against ntfs-3g's ntfssecaudit (an independent reader of NTFS security data) and
// sleuthkit's istat/icat/fls/mmls.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/ntfs_security.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using sqltriage::ntfs::parse_security_descriptor;
using sqltriage::ntfs::security_descriptor_hash;
using sqltriage::ntfs::SecurityDescriptorStream;
using sqltriage::test::run;
using sqltriage::test::shell_quote;

namespace {

std::string q(const fs::path& p) { return shell_quote(p.string()); }

/// Runs `command` with its standard output written to `file` (run() redirects stdout itself,
/// hence the subshell).
int run_to_file(const std::string& command, const fs::path& file) {
  return run("(" + command + " > " + q(file) + ")").exit_code;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

/// What ntfssecaudit says about one file or folder.
struct AuditEntry {
  std::optional<std::uint32_t> key;      // security_id; none when the descriptor is inline
  std::string owner, group;              // resolved through earlier displays of the same key
  std::vector<std::uint8_t> descriptor;  // the hex dump it printed (empty when "already displayed")
  std::optional<std::uint32_t> computed_hash;
};

/// Parses `ntfssecaudit -rv VOLUME /`: "File /x" or "Directory /x", "Security key : 0x10c"
/// (or "none", or "... (already displayed)"), a hex dump, "Computed hash : 0x...",
/// "Windows owner S-..." and "Windows group S-...".
std::map<std::string, AuditEntry> parse_audit(const std::string& text) {
  std::map<std::string, AuditEntry> out;
  std::map<std::uint32_t, std::pair<std::string, std::string>> by_key;
  static const std::regex header(R"(^(File|Directory) (/.*)$)");
  static const std::regex key_line(R"(^Security key : (none|0x([0-9a-f]+)).*$)");
  static const std::regex dump(R"(^\s+[0-9a-f]{6}  ((?:[0-9a-f]+ ?)+)$)");
  std::string current;
  for (const auto& line : lines_of(text)) {
    std::smatch m;
    if (std::regex_match(line, m, header)) {
      current = m[2];
      out[current] = {};
    } else if (current.empty()) {
      continue;
    } else if (std::regex_match(line, m, key_line)) {
      if (m[2].matched)
        out[current].key = static_cast<std::uint32_t>(std::stoul(m[2], nullptr, 16));
    } else if (std::regex_match(line, m, dump)) {
      std::istringstream words(m[1].str());
      for (std::string w; words >> w;)
        for (std::size_t i = 0; i + 1 < w.size(); i += 2)
          out[current].descriptor.push_back(
              static_cast<std::uint8_t>(std::stoul(w.substr(i, 2), nullptr, 16)));
    } else if (line.rfind("Computed hash : 0x", 0) == 0) {
      out[current].computed_hash =
          static_cast<std::uint32_t>(std::stoul(line.substr(18), nullptr, 16));
    } else if (line.rfind("Windows owner ", 0) == 0) {
      out[current].owner = line.substr(14);
    } else if (line.rfind("Windows group ", 0) == 0) {
      out[current].group = line.substr(14);
      if (out[current].key) by_key[*out[current].key] = {out[current].owner, out[current].group};
    }
  }
  for (auto& [path, e] : out) {
    if (e.owner.empty() && e.key && by_key.count(*e.key)) {
      e.owner = by_key[*e.key].first;
      e.group = by_key[*e.key].second;
    }
  }
  return out;
}

/// The keys `ntfssecaudit -a` lists in its "Auditing $SII" section.
std::set<std::uint32_t> sii_keys(const std::string& text) {
  std::set<std::uint32_t> keys;
  bool in_sii = false;
  static const std::regex valid(R"(^Valid entry for key 0x([0-9a-f]+)$)");
  for (const auto& line : lines_of(text)) {
    if (line.rfind("Auditing ", 0) == 0) in_sii = line == "Auditing $SII";
    std::smatch m;
    if (in_sii && std::regex_match(line, m, valid))
      keys.insert(static_cast<std::uint32_t>(std::stoul(m[1], nullptr, 16)));
  }
  return keys;
}

/// A corpus volume unpacked into a temporary folder, with what the tests need from it.
struct Volume {
  fs::path image;      // as unpacked (disk or volume)
  fs::path partition;  // the NTFS volume alone (a copy, for ntfssecaudit)
  std::uint64_t sector_offset = 0;
  fs::path sds;  // $Secure:$SDS extracted with icat
};

std::string off(const Volume& v) { return "-o " + std::to_string(v.sector_offset) + " "; }

Volume unpack(const fs::path& gz, const fs::path& dir) {
  Volume v;
  v.image = dir / "image.raw";
  REQUIRE(run_to_file("gzip -dc " + q(gz), v.image) == 0);
  // mmls finds the NTFS partition of a disk image; a bare volume has no partition table.
  auto mm = run("mmls " + q(v.image));
  std::uint64_t length = 0;
  static const std::regex ntfs_row(R"(^\d+:\s+\S+\s+(\d+)\s+\d+\s+(\d+)\s+NTFS.*$)");
  for (const auto& line : lines_of(mm.out)) {
    std::smatch m;
    if (std::regex_match(line, m, ntfs_row)) {
      v.sector_offset = std::stoull(m[1]);
      length = std::stoull(m[2]);
    }
  }
  if (v.sector_offset == 0) {
    v.partition = v.image;
  } else {
    v.partition = dir / "partition.raw";
    REQUIRE(run("dd if=" + q(v.image) + " of=" + q(v.partition) +
                " bs=512 skip=" + std::to_string(v.sector_offset) +
                " count=" + std::to_string(length) + " status=none")
                .exit_code == 0);
  }
  // $Secure is MFT entry 9; its $SDS stream is the $DATA attribute named $SDS.
  auto st = run("istat " + off(v) + q(v.image) + " 9");
  INFO(st.err);
  REQUIRE(st.exit_code == 0);
  static const std::regex sds_attr(R"(Type: \$DATA \(128-(\d+)\)\s+Name: \$SDS)");
  std::smatch m;
  REQUIRE(std::regex_search(st.out, m, sds_attr));
  v.sds = dir / "SDS.bin";
  REQUIRE(run_to_file("icat " + off(v) + q(v.image) + " 9-128-" + m[1].str(), v.sds) == 0);
  return v;
}

/// path (as fls -p prints it, without a leading '/') -> MFT entry, for allocated names.
std::map<std::string, std::uint64_t> fls_entries(const Volume& v) {
  std::map<std::string, std::uint64_t> out;
  static const std::regex row(R"(^(?:[-a-zA-Z]/[-a-zA-Z]) (\d+)(?:-\d+-\d+)?:\t(.*)$)");
  for (const auto& line : lines_of(run("fls -r -p " + off(v) + q(v.image)).out)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;  // deleted ("* ") and virtual entries
    const std::string name = m[2];
    if (name.find(':') != std::string::npos || name.rfind("$OrphanFiles", 0) == 0) continue;
    out.emplace(name, std::stoull(m[1]));
  }
  return out;
}

std::optional<std::uint32_t> istat_security_id(const Volume& v, std::uint64_t entry) {
  static const std::regex sid(R"(Security ID: (\d+))");
  std::smatch m;
  const auto text = run("istat " + off(v) + q(v.image) + " " + std::to_string(entry)).out;
  if (!std::regex_search(text, m, sid)) return std::nullopt;
  return static_cast<std::uint32_t>(std::stoul(m[1]));
}

bool have_tools() {
  for (const char* tool : {"mmls", "istat", "icat", "fls", "ntfssecaudit", "gzip", "dd"})
    if (!sqltriage::test::tool_or_skip(tool)) return false;
  return true;
}

/// The checks shared by both volumes. Returns how many files were checked by owner.
std::size_t check_volume(const Volume& v) {
  SecurityDescriptorStream sds(sqltriage::open_host_file(v.sds), "C:\\$Secure:$SDS");
  // A healthy volume: the mirror copies and the unused rest of the last block (filled with
  // the image's pattern on the first volume) give no errors.
  for (const auto& e : sds.errors()) INFO(e.artifact.offset.value_or(0) << ": " << e.message);
  CHECK(sds.errors().empty());

  // Every key of the $SII index, and no other, is indexed.
  const auto keys = sii_keys(run("ntfssecaudit -a " + q(v.partition)).out);
  REQUIRE_FALSE(keys.empty());
  CHECK(sds.size() == keys.size());

  const auto audit = parse_audit(run("ntfssecaudit -rv " + q(v.partition) + " /").out);
  REQUIRE(audit.size() >= 3);
  const auto entries = fls_entries(v);
  std::size_t by_key = 0, inline_checked = 0, keyed_in_fls = 0;
  for (const auto& [path, e] : audit) {
    INFO(path);
    REQUIRE_FALSE(e.owner.empty());
    // The hex dump ntfssecaudit prints is the descriptor itself: same hash, same owner.
    if (!e.descriptor.empty()) {
      REQUIRE(e.computed_hash);
      CHECK(security_descriptor_hash(e.descriptor.data(), e.descriptor.size()) == *e.computed_hash);
      std::string why;
      auto parsed = parse_security_descriptor(e.descriptor.data(), e.descriptor.size(), &why);
      INFO(why);
      REQUIRE(parsed);
      CHECK(parsed->owner_sid == e.owner);
      CHECK(parsed->group_sid == e.group);
    }
    const std::string fls_path = path == "/" ? "" : path.substr(1);
    const auto entry = path == "/" ? std::optional<std::uint64_t>(5)
                                   : (entries.count(fls_path) ? std::optional(entries.at(fls_path))
                                                              : std::nullopt);
    if (e.key) {
      ++by_key;
      auto summary = sds.lookup(*e.key);
      REQUIRE(summary);
      CHECK(summary->owner_sid == e.owner);
      CHECK(summary->group_sid == e.group);
      if (entry) {
        CHECK(istat_security_id(v, *entry) == e.key);  // the two tools agree
        ++keyed_in_fls;
      }
    } else {
      // No security_id: the descriptor is an inline $SECURITY_DESCRIPTOR attribute.
      REQUIRE(entry);
      const auto st = run("istat " + off(v) + q(v.image) + " " + std::to_string(*entry)).out;
      static const std::regex sd_attr(R"(Type: \$SECURITY_DESCRIPTOR \(80-(\d+)\))");
      std::smatch m;
      REQUIRE(std::regex_search(st, m, sd_attr));
      const auto file = v.sds.parent_path() / ("sd-" + std::to_string(*entry));
      REQUIRE(run_to_file("icat " + off(v) + q(v.image) + " " + std::to_string(*entry) + "-80-" +
                              m[1].str(),
                          file) == 0);
      const auto bytes = read_file(file);
      auto parsed = parse_security_descriptor(bytes.data(), bytes.size());
      REQUIRE(parsed);
      CHECK(parsed->owner_sid == e.owner);
      ++inline_checked;
    }
  }
  CHECK(inline_checked >= 1);

  // Every allocated file of the volume that has a security_id (istat) resolves.
  std::size_t resolved = 0;
  for (const auto& [path, entry] : entries) {
    INFO(path << " (entry " << entry << ")");
    const auto id = istat_security_id(v, entry);
    if (!id || *id == 0) continue;
    CHECK(sds.lookup(*id));
    ++resolved;
  }
  CHECK(resolved >= keyed_in_fls);
  CHECK(keyed_in_fls >= 3);
  CHECK(sds.errors().empty());
  return by_key;
}

}  // namespace

TEST_CASE("owners from $SDS equal ntfssecaudit on a Windows 10 disk image (MBR, offset 65536)",
          "[owner][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/msuhanov_ntfs-lastaccess.raw.gz");
  if (!have_tools()) return;
  sqltriage::test::TempDir tmp;
  const auto v = unpack(gz, tmp.path());
  CHECK(v.sector_offset == 128);
  const auto checked = check_volume(v);
  CHECK(checked >= 10);

  // The user's file: owned by the volume's local user 1001, through $SDS (id 0x10c).
  SecurityDescriptorStream sds(sqltriage::open_host_file(v.sds), "C:\\$Secure:$SDS");
  const auto audit = parse_audit(run("ntfssecaudit -rv " + q(v.partition) + " /").out);
  REQUIRE(audit.count("/test/1.txt"));
  const auto& file = audit.at("/test/1.txt");
  REQUIRE(file.key);
  CHECK(sds.lookup(*file.key)->owner_sid == file.owner);
  CHECK(file.owner.rfind("S-1-5-21-", 0) == 0);
  // Unknown ids are absent, not errors.
  CHECK_FALSE(sds.lookup(0));
  CHECK_FALSE(sds.lookup(0xFFFFFFFF));
  CHECK(sds.errors().empty());
}

TEST_CASE("owners from $SDS equal ntfssecaudit on a bare Windows-made volume", "[owner][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/dfir_ntfs_ntfs3.raw.gz");
  if (!have_tools()) return;
  sqltriage::test::TempDir tmp;
  const auto v = unpack(gz, tmp.path());
  CHECK(v.sector_offset == 0);
  CHECK(check_volume(v) >= 3);
}
