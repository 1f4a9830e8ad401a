// Disk-image evidence: raw NTFS volumes, MBR and GPT disks and block devices, read through
// open_evidence / ntfs::Volume and through `sqltriage evtx`.
//
// Oracles: the same evidence as a folder (the EVTX sample of `evtxgen sample`, copied into
// images by `ntfsgen tree`) must give the same document; sleuthkit's `mmls` gives partition
// offsets, `fls` folder listings (names and MFT entries), `icat` file and stream bytes,
// `istat` stream sizes; for real volumes made by Windows, the corpus images.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "artifacts/ntfs/volume.hpp"
#include "evidence/image/partition_table.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/evidence.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using sqltriage::EvidenceOptions;
using sqltriage::open_evidence;
using sqltriage::test::CommandResult;
using sqltriage::test::run;
using sqltriage::test::run_sqltriage;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

constexpr std::uint64_t kMiB = 1024 * 1024;

const std::vector<std::string>& log_names() {
  static const std::vector<std::string> names = {
      "Security.evtx",
      "System.evtx",
      "Microsoft-Windows-Sysmon%4Operational.evtx",
      "Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx",
      "Microsoft-Windows-TerminalServices-LocalSessionManager%4Operational.evtx",
  };
  return names;
}

/// The EVTX sample evidence (`evtxgen sample`): DIR/C/Windows/System32/winevt/Logs/*.evtx.
fs::path write_sample(const TempDir& tmp) {
  const fs::path root = tmp.path() / "evidence";
  auto r = run(shell_quote(SQLTRIAGE_EVTXGEN) + " sample " + shell_quote(root.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return root;
}

/// `ntfsgen tree IMAGE --from DIR --disk DISK`; returns the image and the volume offset
/// ntfsgen reports.
std::pair<fs::path, std::uint64_t> ntfsgen_tree(const TempDir& tmp, const fs::path& from,
                                                const std::string& disk,
                                                const std::string& name = "disk.img") {
  const fs::path image = tmp.path() / name;
  auto r =
      run("timeout 300 " + shell_quote(SQLTRIAGE_NTFSGEN) + " tree " + shell_quote(image.string()) +
          " --from " + shell_quote(from.string()) + " --disk " + disk);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto cells = sqltriage::test::split_tabs(r.out.substr(0, r.out.find('\n')));
  REQUIRE(cells.size() == 2);
  REQUIRE(cells[0] == image.string());
  return {image, std::stoull(cells[1])};
}

Json parse_document(const CommandResult& r) {
  INFO("exit " << r.exit_code << "\nstdout: " << r.out.substr(0, 2000)
               << "\nstderr: " << r.err.substr(0, 2000));
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(r.out));
  REQUIRE(doc.is_object());
  REQUIRE(doc.contains("findings"));
  REQUIRE(doc.contains("errors"));
  return doc;
}

Json evtx_document(const std::string& args) {
  return parse_document(run_sqltriage("evtx " + args + " --all"));
}

/// One partition as mmls lists it (512-byte units): start sector, length, description.
struct MmlsRow {
  std::uint64_t start = 0;
  std::uint64_t length = 0;
  std::string description;
};

/// The partitions (not Meta or Unallocated rows) `mmls` lists.
std::vector<MmlsRow> mmls_partitions(const fs::path& image) {
  auto r = run("mmls " + shell_quote(image.string()));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<MmlsRow> rows;
  // "002:  000:000   0000000128   0000518271   0000518144   NTFS / exFAT (0x07)"
  std::regex line(R"(^\d+:\s+(\d+(:\d+)?)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$)");
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_search(l, m, line)) rows.push_back({std::stoull(m[3]), std::stoull(m[5]), m[6]});
  }
  return rows;
}

/// The MFT entries `ils -a` reports allocated (in use).
std::set<std::uint64_t> allocated_entries(const fs::path& image, std::uint64_t sector_offset) {
  auto r = run("ils -a -o " + std::to_string(sector_offset) + " " + shell_quote(image.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::set<std::uint64_t> out;
  std::regex line(R"(^(\d+)\|a\|)");
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (std::regex_search(l, m, line)) out.insert(std::stoull(m[1]));
  }
  return out;
}

/// (name, MFT entry) of the names in folder `inode`'s $I30 index whose entry is in use: the
/// names `fls -u` lists whose MFT entry `ils -a` reports allocated. fls also lists, with an
/// unknown name type ("-/r"), files in use whose $FILE_NAME points at the folder but which
/// the index no longer holds (ntfs3.raw's \test\1.txt, deleted while open: its folder's
/// $INDEX_ROOT names only 2.txt and 3.txt); those are left out. fls shows a file with named
/// streams as "file:stream" lines only (e.g. $Secure); the file's name is taken from them.
/// The virtual $OrphanFiles is left out.
std::set<std::pair<std::string, std::uint64_t>> fls_listing(const fs::path& image,
                                                            std::uint64_t sector_offset,
                                                            std::optional<std::uint64_t> inode) {
  auto r = run("fls -u -o " + std::to_string(sector_offset) + " " + shell_quote(image.string()) +
               (inode ? " " + std::to_string(*inode) : std::string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto in_use = allocated_entries(image, sector_offset);
  std::set<std::pair<std::string, std::uint64_t>> out;
  std::regex line(R"(^[rdlvV]/[-rdlvV] (\d+)(-\d+-\d+)?:\t(.*)$)");
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) {
    std::smatch m;
    if (!std::regex_match(l, m, line)) continue;
    std::string name = m[3];
    name = name.substr(0, name.find(':'));
    const std::uint64_t entry = std::stoull(m[1]);
    if (name == "$OrphanFiles" || in_use.count(entry) == 0) continue;
    out.emplace(name, entry);
  }
  return out;
}

/// The MFT entry fls gives for `name` in folder `inode` (fls -u).
std::uint64_t fls_entry(const fs::path& image, std::uint64_t sector_offset,
                        std::optional<std::uint64_t> inode, const std::string& name) {
  for (const auto& [n, e] : fls_listing(image, sector_offset, inode))
    if (n == name) return e;
  FAIL("fls lists no " << name);
  return 0;
}

/// The attribute address ("72-128-4") fls prints for a named stream "file:stream".
std::string fls_stream_address(const fs::path& image, std::uint64_t sector_offset,
                               std::uint64_t folder, const std::string& file_and_stream) {
  auto r = run("fls -o " + std::to_string(sector_offset) + " " + shell_quote(image.string()) + " " +
               std::to_string(folder));
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) {
    const auto tab = l.find('\t');
    if (tab == std::string::npos || l.substr(tab + 1) != file_and_stream) continue;
    const auto space = l.find(' ');
    return l.substr(space + 1, l.find(':') - space - 1);
  }
  FAIL("fls lists no " << file_and_stream);
  return {};
}

std::string icat(const fs::path& image, std::uint64_t sector_offset, const std::string& address) {
  auto r = run("icat -o " + std::to_string(sector_offset) + " " + shell_quote(image.string()) +
               " " + address);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

std::string read_all(const sqltriage::ByteSource& s) {
  std::string bytes(static_cast<std::size_t>(s.size()), '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const std::size_t n = s.read_at(got, bytes.data() + got, bytes.size() - got);
    if (n == 0) break;
    got += n;
  }
  bytes.resize(got);
  return bytes;
}

std::set<std::pair<std::string, std::uint64_t>> listing(const sqltriage::ntfs::Volume& v,
                                                        std::uint64_t entry) {
  std::set<std::pair<std::string, std::uint64_t>> out;
  for (const auto& d : v.list(entry)) {
    INFO(d.damage);
    CHECK(d.damage.empty());
    out.emplace(d.name, d.entry);
  }
  return out;
}

std::string expected_size_text(std::uint64_t bytes) {
  return std::to_string(bytes / kMiB) + " MiB";
}

/// Overwrites bytes of a file (the test's own copy of an image).
void patch(const fs::path& file, std::uint64_t offset, const std::vector<std::uint8_t>& bytes) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(f);
  f.seekp(static_cast<std::streamoff>(offset));
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(f);
}

std::vector<std::uint8_t> mbr_entry(std::uint8_t type, std::uint32_t start, std::uint32_t count) {
  std::vector<std::uint8_t> e(16, 0);
  e[4] = type;
  for (int i = 0; i < 4; ++i) {
    e[8 + i] = static_cast<std::uint8_t>(start >> (8 * i));
    e[12 + i] = static_cast<std::uint8_t>(count >> (8 * i));
  }
  return e;
}

/// `gunzip -c` of a corpus image into `tmp`.
fs::path gunzip(const fs::path& gz, const TempDir& tmp, const std::string& name) {
  const fs::path out = tmp.path() / name;
  // In a subshell: run() sends the command's own stdout to its capture file.
  auto r = run("(gunzip -c " + shell_quote(gz.string()) + " > " + shell_quote(out.string()) + ")");
  REQUIRE(r.exit_code == 0);
  return out;
}

}  // namespace

TEST_CASE("sqltriage evtx reads a raw disk image of the sample evidence as it reads the folder",
          "[image][evtx]") {
  if (!sqltriage::test::tool_or_skip("mmls")) return;
  TempDir tmp;
  const fs::path folder = write_sample(tmp);
  const Json expected = evtx_document(shell_quote(folder.string()));
  REQUIRE(expected["evidence"][0]["kind"] == "directory");
  REQUIRE(expected["findings"].size() > 20);

  for (const std::string disk : {"mbr", "gpt", "none"}) {
    DYNAMIC_SECTION("--disk " << disk) {
      // The volume root holds what the folder's drive folder C holds.
      const auto [image, volume_offset] = ntfsgen_tree(tmp, folder / "C", disk);
      const Json got = evtx_document(shell_quote(image.string()) + " --threads 4");
      const Json& ev = got["evidence"][0];
      CHECK(ev["kind"] == "image");
      if (disk == "none") {
        CHECK(ev["layout"] == "NTFS volume at offset 0");
      } else {
        const auto rows = mmls_partitions(image);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].start * 512 == volume_offset);
        CHECK(ev["layout"] == (disk == "mbr" ? "MBR" : "GPT") +
                                  std::string(" partition 1 at offset ") +
                                  std::to_string(rows[0].start * 512) + " (NTFS, " +
                                  expected_size_text(rows[0].length * 512) + ")");
      }
      // Same findings (types, EventIDs, times, data, display paths), same errors, same counts.
      CHECK(got["findings"].size() == expected["findings"].size());
      CHECK(got["findings"] == expected["findings"]);
      CHECK(got["errors"] == expected["errors"]);
      CHECK(got["stats"]["files"] == expected["stats"]["files"]);
      CHECK(got["stats"]["records"] == expected["stats"]["records"]);
    }
  }
}

TEST_CASE("a Windows-made MBR disk from the corpus: layout, --offset, --partition, fls, icat",
          "[image][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/msuhanov_ntfs-lastaccess.raw.gz");
  if (!sqltriage::test::tool_or_skip("mmls") || !sqltriage::test::tool_or_skip("fls")) return;
  TempDir tmp;
  const fs::path image = gunzip(gz, tmp, "lastaccess.raw");

  const auto rows = mmls_partitions(image);
  REQUIRE(rows.size() == 1);
  const std::uint64_t sector = rows[0].start;
  CHECK(rows[0].description.find("NTFS") != std::string::npos);

  // The partition table as mmls reads it.
  const auto table =
      sqltriage::evidence::image::read_partition_table(*sqltriage::open_host_file(image));
  REQUIRE(table.scheme == sqltriage::evidence::image::Scheme::mbr);
  CHECK(table.problems.empty());
  REQUIRE(table.partitions.size() == 1);
  CHECK(table.partitions[0].offset == sector * 512);
  CHECK(table.partitions[0].length == rows[0].length * 512);

  const std::string auto_layout = "MBR partition 1 at offset " + std::to_string(sector * 512) +
                                  " (NTFS, " + expected_size_text(rows[0].length * 512) + ")";
  const std::vector<std::pair<EvidenceOptions, std::string>> ways = {
      {EvidenceOptions{}, auto_layout},
      {EvidenceOptions{1u, std::nullopt}, auto_layout},
      {EvidenceOptions{std::nullopt, sector * 512}, "--offset " + std::to_string(sector * 512)}};

  const auto test_entry = fls_entry(image, sector, std::nullopt, "test");
  const auto root_fls = fls_listing(image, sector, std::nullopt);
  const auto test_fls = fls_listing(image, sector, test_entry);
  REQUIRE(test_fls.size() == 1);  // test\1.txt
  const auto [txt_name, txt_entry] = *test_fls.begin();

  for (const auto& [options, layout] : ways) {
    auto ev = open_evidence(image, options);
    REQUIRE(ev->kind() == "image");
    CHECK(ev->layout() == layout);
    CHECK(ev->open_errors().empty());
    auto volume = ev->ntfs_volume();
    REQUIRE(volume);
    // Listings as fls gives them, names found whatever their case.
    CHECK(listing(*volume, sqltriage::ntfs::kRootEntry) == root_fls);
    CHECK(volume->find("\\TEST") == test_entry);
    CHECK(listing(*volume, test_entry) == test_fls);
    CHECK(volume->find("/Test/" + txt_name) == txt_entry);
    // A file's bytes as icat gives them, through the evidence interface.
    auto file = ev->resolve("C:\\TEST\\" + txt_name);
    REQUIRE(file);
    CHECK(file->display_path == "C:\\test\\" + txt_name);
    CHECK(read_all(*sqltriage::open_artifact(*file)) ==
          icat(image, sector, std::to_string(txt_entry)));
  }

  auto volume = open_evidence(image)->ntfs_volume();
  SECTION("the $MFT (non-resident, several runs) and $Secure:$SDS (a named stream) as icat") {
    CHECK(read_all(*volume->open_stream(0, "", "$MFT")) == icat(image, sector, "0"));
    const std::string sds = fls_stream_address(image, sector, 5, "$Secure:$SDS");
    CHECK(read_all(*volume->open_stream(9, "$SDS", "$Secure:$SDS")) == icat(image, sector, sds));
  }
  SECTION("a sparse stream has no data ranges: $BadClus:$Bad, size as istat gives it") {
    auto r = run("istat -o " + std::to_string(sector) + " " + shell_quote(image.string()) + " 8");
    REQUIRE(r.exit_code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(
        r.out, m, std::regex(R"(Name: \$Bad\s+Non-Resident\s+size: (\d+)\s+init_size: 0)")));
    auto bad = volume->open_stream(8, "$Bad", "$BadClus:$Bad");
    CHECK(bad->size() == std::stoull(m[1]));
    CHECK(bad->data_ranges().empty());
    std::string zeros(4096, 'x');
    CHECK(bad->read_at(bad->size() / 2, zeros.data(), zeros.size()) == zeros.size());
    CHECK(zeros == std::string(4096, '\0'));
  }
  SECTION("through the CLI, --offset and --partition name the same volume") {
    for (const std::string& opt :
         {std::string("--partition 1"), "--offset " + std::to_string(sector * 512)}) {
      const Json doc =
          parse_document(run_sqltriage("evtx " + shell_quote(image.string()) + " " + opt));
      CHECK(doc["evidence"][0]["kind"] == "image");
      CHECK(doc["evidence"][0]["layout"] ==
            (opt[2] == 'p' ? auto_layout : "--offset " + std::to_string(sector * 512)));
    }
  }
}

TEST_CASE("a bare NTFS volume from the corpus: listing as fls, bytes as icat", "[image][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/dfir_ntfs_ntfs3.raw.gz");
  if (!sqltriage::test::tool_or_skip("fls")) return;
  TempDir tmp;
  const fs::path image = gunzip(gz, tmp, "ntfs3.raw");
  CHECK(run("mmls " + shell_quote(image.string())).exit_code != 0);  // no partition table
  auto ev = open_evidence(image);
  REQUIRE(ev->kind() == "image");
  CHECK(ev->layout() == "NTFS volume at offset 0");
  auto volume = ev->ntfs_volume();
  const auto test_entry = fls_entry(image, 0, std::nullopt, "test");
  CHECK(volume->find("\\test") == test_entry);
  const auto fls = fls_listing(image, 0, test_entry);  // the deleted 1.txt is not listed
  CHECK(listing(*volume, test_entry) == fls);
  CHECK(listing(*volume, sqltriage::ntfs::kRootEntry) == fls_listing(image, 0, std::nullopt));
  for (const auto& [name, entry] : fls) {
    auto file = ev->resolve("\\test\\" + name);
    REQUIRE(file);
    CHECK(read_all(*sqltriage::open_artifact(*file)) == icat(image, 0, std::to_string(entry)));
  }
  CHECK_FALSE(ev->resolve("\\test\\1.txt"));  // in use, but gone from the folder's index
}

TEST_CASE("names beyond ASCII: found case-insensitively, listed losslessly, shown as stored",
          "[image]") {
  if (!sqltriage::test::tool_or_skip("fls")) return;
  TempDir tmp;
  const fs::path image = sqltriage::test::ntfsgen_image(tmp, R"({"label": "NAMES", "entries": [
    {"file": "\\Windows\\MiXeD\\Ärger.txt", "text": "umlaut"},
    {"file": "\\Windows\\MiXeD\\Привет.txt", "text": "cyrillic",
     "streams": {"Zone.Identifier": "[ZoneTransfer]\r\nZoneId=3\r\n", "big": {"size": 5000}}},
    {"dir": "\\dir"}],
   "hostile": [{"unpaired_surrogate_name": "\\dir\\name-with-D800"}]})");
  auto ev = open_evidence(image);
  REQUIRE(ev->kind() == "image");
  auto volume = ev->ntfs_volume();
  const auto windows = fls_entry(image, 0, std::nullopt, "Windows");
  const auto mixed = fls_entry(image, 0, windows, "MiXeD");
  const auto fls = fls_listing(image, 0, mixed);
  CHECK(listing(*volume, mixed) == fls);
  const auto privet = fls_entry(image, 0, mixed, "Привет.txt");
  CHECK(volume->find("c:\\WINDOWS\\mixed\\пРИВЕТ.TXT") == privet);
  CHECK(volume->find("\\windows\\MIXED\\äRGER.txt") == fls_entry(image, 0, mixed, "Ärger.txt"));
  auto file = ev->resolve("c:\\WINDOWS\\mixed\\пРИВЕТ.TXT");
  REQUIRE(file);
  CHECK(file->display_path == "C:\\Windows\\MiXeD\\Привет.txt");
  CHECK(read_all(*sqltriage::open_artifact(*file)) == icat(image, 0, std::to_string(privet)));

  SECTION("named streams, resident and not, as icat gives them") {
    for (const std::string stream : {"Zone.Identifier", "big"}) {
      const auto address = fls_stream_address(image, 0, mixed, "Привет.txt:" + stream);
      auto s = volume->open_stream(privet, stream, "Привет.txt:" + stream);
      CHECK(read_all(*s) == icat(image, 0, address));
    }
    CHECK_THROWS_AS(volume->open_stream(privet, "absent", "x"), sqltriage::ArtifactError);
  }
  SECTION("an unpaired surrogate comes out as WTF-8 and is found again") {
    const std::string wtf8 = "name-with-\xED\xA0\x80";  // U+D800 alone
    const auto dir = volume->find("\\dir");
    REQUIRE(dir);
    const auto entries = volume->list(*dir);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].damage.empty());
    CHECK(entries[0].name == wtf8);
    const auto found = volume->find("\\DIR\\NAME-WITH-\xED\xA0\x80");
    CHECK(found == entries[0].entry);
    auto f = ev->resolve("\\dir\\" + wtf8);
    REQUIRE(f);
    CHECK(f->display_path == "C:\\dir\\" + wtf8);
  }
}

TEST_CASE("a truncated image: the truncation is reported and what remains is read",
          "[image][damage]") {
  TempDir tmp;
  const fs::path folder = write_sample(tmp);
  const auto [full_image, volume_offset] = ntfsgen_tree(tmp, folder / "C", "mbr");
  const Json full = evtx_document(shell_quote(full_image.string()));
  std::set<std::string> full_findings;
  for (const auto& f : full["findings"]) full_findings.insert(f.dump());
  const std::uint64_t full_size = fs::file_size(full_image);

  for (std::uint64_t keep : {full_size * 9 / 10, full_size * 6 / 10, full_size * 3 / 10,
                             volume_offset + 2 * kMiB, volume_offset + 4096}) {
    DYNAMIC_SECTION("cut at byte " << keep) {
      const fs::path image = tmp.path() / "cut.img";
      fs::copy_file(full_image, image, fs::copy_options::overwrite_existing);
      fs::resize_file(image, keep);
      const auto r = run_sqltriage("evtx " + shell_quote(image.string()) + " --all");
      const Json doc = parse_document(r);
      CHECK((r.exit_code == 0 || r.exit_code == 3));
      if (doc["evidence"][0]["kind"] == "unreadable") {
        // Too little left to open the file system: a clear error naming the image.
        REQUIRE(doc["errors"].size() == 1);
        CHECK(doc["errors"][0]["artifact"]["path"] == image.string());
        CHECK(r.exit_code == 3);
        continue;
      }
      CHECK(doc["evidence"][0]["kind"] == "image");
      bool reported = false;
      for (const auto& e : doc["errors"])
        reported =
            reported || (e["code"] == "truncated" && e["artifact"]["path"] == image.string() &&
                         e["artifact"]["offset"] == keep);
      CHECK(reported);
      // Whatever is reported is what the whole image gives; every log is either read whole
      // or named in an error.
      std::map<std::string, std::size_t> per_log;
      for (const auto& f : doc["findings"]) {
        CHECK(full_findings.count(f.dump()) == 1);
        ++per_log[f["artifact"]["path"]];
      }
      std::map<std::string, std::size_t> full_per_log;
      for (const auto& f : full["findings"]) ++full_per_log[f["artifact"]["path"]];
      for (const auto& [log, count] : full_per_log) {
        bool named = false;
        for (const auto& e : doc["errors"]) named = named || e["artifact"]["path"] == log;
        INFO(log);
        CHECK((per_log[log] == count || named));
      }
    }
  }
}

TEST_CASE("bad partition entries, wrong files and options pointing at nothing give clear errors",
          "[image][damage]") {
  TempDir tmp;
  const fs::path folder = write_sample(tmp);
  const auto [image, volume_offset] = ntfsgen_tree(tmp, folder / "C", "mbr");
  const Json expected = evtx_document(shell_quote(folder.string()));

  SECTION("an entry beyond the end beside a good one: an error after the header, then the scan") {
    patch(image, 462, mbr_entry(0x07, 0x10000000, 2048));  // slot 2: 128 GiB in
    const Json doc = evtx_document(shell_quote(image.string()));
    CHECK(doc["evidence"][0]["kind"] == "image");
    REQUIRE(doc["errors"].size() >= 1);
    const Json& first = doc["errors"][0];
    CHECK(first["artifact"]["path"] == image.string());
    CHECK(first["artifact"]["offset"] == 462);
    CHECK(first["message"].get<std::string>().find("beyond the end of the image") !=
          std::string::npos);
    CHECK(doc["findings"] == expected["findings"]);
  }
  SECTION("the only entry beyond the end: exit 3 naming the image and the entry's offset") {
    patch(image, 446, mbr_entry(0x07, 0x10000000, 2048));
    const auto r = run_sqltriage("evtx " + shell_quote(image.string()));
    const Json doc = parse_document(r);
    CHECK(r.exit_code == 3);
    CHECK(doc["evidence"][0]["kind"] == "unreadable");
    const std::string message = doc["errors"][0]["message"];
    CHECK(message.find("entry at byte offset 446") != std::string::npos);
    CHECK(message.find("beyond the end of the image") != std::string::npos);
    CHECK_THROWS_AS(open_evidence(image), sqltriage::EvidenceError);
  }
  SECTION("--partition and --offset that hold no NTFS") {
    CHECK_THROWS_WITH(open_evidence(image, {2u, std::nullopt}),
                      Catch::Contains("no usable partition 2"));
    CHECK_THROWS_WITH(open_evidence(image, {std::nullopt, volume_offset + 512}),
                      Catch::Contains("no NTFS boot sector at byte offset " +
                                      std::to_string(volume_offset + 512)));
    const auto r = run_sqltriage("evtx " + shell_quote(image.string()) + " --partition 3");
    CHECK(r.exit_code == 3);
  }
  SECTION("a BitLocker volume is named as such") {
    patch(image, volume_offset + 3, {'-', 'F', 'V', 'E', '-', 'F', 'S', '-'});
    CHECK_THROWS_WITH(open_evidence(image), Catch::Contains("BitLocker"));
  }
  SECTION("files that are no image stay loose files, whatever the options") {
    const fs::path text = tmp.path() / "notes.txt";
    std::ofstream(text) << "not a disk\n";
    CHECK(open_evidence(text)->kind() == "file");
    CHECK(open_evidence(text, {std::nullopt, 65536})->kind() == "file");
    const fs::path zeros = tmp.path() / "zeros.bin";
    std::ofstream(zeros, std::ios::binary) << std::string(1 << 20, '\0');
    CHECK(open_evidence(zeros)->kind() == "file");
    const fs::path log = folder / "C" / "Windows" / "System32" / "winevt" / "Logs" / "System.evtx";
    CHECK(open_evidence(log, {3u, std::nullopt})->kind() == "file");
  }
}

TEST_CASE("several NTFS partitions: the one holding the Windows folder is chosen unless told otherwise",
          "[image]") {
  if (!sqltriage::test::tool_or_skip("sfdisk")) return;
  TempDir tmp;
  const fs::path folder = write_sample(tmp);
  const fs::path data_only = tmp.path() / "data";
  fs::create_directories(data_only / "Shares");
  std::ofstream(data_only / "Shares" / "readme.txt") << "file server data\n";
  const auto [data_volume, o1] = ntfsgen_tree(tmp, data_only, "none", "data.img");
  const auto [windows_volume, o2] = ntfsgen_tree(tmp, folder / "C", "none", "windows.img");
  REQUIRE(o1 == 0);
  REQUIRE(o2 == 0);
  // A disk with both volumes: the data volume first, Windows second.
  const std::uint64_t first_sector = 2048;
  const std::uint64_t first_sectors = fs::file_size(data_volume) / 512;
  const std::uint64_t second_sector = first_sector + first_sectors;
  const std::uint64_t second_sectors = fs::file_size(windows_volume) / 512;
  const fs::path disk = tmp.path() / "two.img";
  { std::ofstream create(disk, std::ios::binary); }
  fs::resize_file(disk, (second_sector + second_sectors + 2048) * 512);
  auto r = run("(printf 'label: dos\\nstart=" + std::to_string(first_sector) + ",size=" +
               std::to_string(first_sectors) + ",type=7\\nstart=" + std::to_string(second_sector) +
               ",size=" + std::to_string(second_sectors) + ",type=7\\n' | sfdisk -q " +
               shell_quote(disk.string()) + ")");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const auto& [volume, sector] :
       {std::pair{data_volume, first_sector}, std::pair{windows_volume, second_sector}}) {
    REQUIRE(run("dd if=" + shell_quote(volume.string()) + " of=" + shell_quote(disk.string()) +
                " bs=512 seek=" + std::to_string(sector) + " conv=notrunc,sparse status=none")
                .exit_code == 0);
  }
  auto chosen = open_evidence(disk);
  CHECK(chosen->layout().rfind("MBR partition 2 at offset " + std::to_string(second_sector * 512),
                               0) == 0);
  CHECK(chosen->resolve("C:\\Windows\\System32\\winevt\\Logs\\Security.evtx"));
  auto first = open_evidence(disk, {1u, std::nullopt});
  CHECK(first->layout().rfind("MBR partition 1 at offset " + std::to_string(first_sector * 512),
                              0) == 0);
  CHECK(first->resolve("\\Shares\\README.TXT"));
  CHECK_FALSE(first->resolve("C:\\Windows\\System32\\winevt\\Logs\\Security.evtx"));
  const Json doc = evtx_document(shell_quote(disk.string()));
  const Json expected = evtx_document(shell_quote(folder.string()));
  CHECK(doc["findings"] == expected["findings"]);
}

TEST_CASE("damaged entries inside the volume do not stop the scan", "[image][damage]") {
  TempDir tmp;
  const fs::path folder = write_sample(tmp);
  const fs::path logs = folder / "C" / "Windows" / "System32" / "winevt" / "Logs";
  std::string entries;
  for (const auto& name : log_names())
    entries += R"({"file": "\\Windows\\System32\\winevt\\Logs\\)" + name + R"(", "from": )" +
               Json((logs / name).string()).dump() + "},";
  const fs::path image = sqltriage::test::ntfsgen_image(
      tmp, R"({"label": "HOSTILE", "entries": [)" + entries + R"({"dir": "\\a\\b"}],
       "hostile": [{"break_fixup": "\\Windows\\System32\\winevt\\Logs\\System.evtx"},
                   {"parent_cycle": ["\\a", "\\a\\b"]}]})");
  const auto r = run_sqltriage("evtx " + shell_quote(image.string()) + " --all");
  const Json doc = parse_document(r);
  CHECK(r.exit_code == 0);
  const Json expected = evtx_document(shell_quote(folder.string()));
  // The Security log is untouched: its findings are the folder's.
  auto of_log = [](const Json& d, const std::string& log) {
    Json out = Json::array();
    for (const auto& f : d["findings"])
      if (f["artifact"]["path"] == "C:\\Windows\\System32\\winevt\\Logs\\" + log) out.push_back(f);
    return out;
  };
  CHECK(of_log(doc, "Security.evtx") == of_log(expected, "Security.evtx"));
  CHECK(of_log(doc, "Security.evtx").size() > 5);
  // The folders whose parents point at each other are listed without looping.
  auto ev = open_evidence(image);
  CHECK(ev->list("\\a\\b").empty());
  CHECK_FALSE(ev->resolve("\\a\\b\\a\\b"));
}

TEST_CASE("a block device holding a disk image is read like the image", "[image][device]") {
  TempDir tmp;
  const fs::path folder = write_sample(tmp);
  const auto [image, volume_offset] = ntfsgen_tree(tmp, folder / "C", "gpt");
  auto attach = run("losetup -r -f --show " + shell_quote(image.string()));
  if (attach.exit_code != 0) {
    WARN("no loop device (needs root and /dev/loop*), skipping: " << attach.err);
    return;
  }
  const std::string device = attach.out.substr(0, attach.out.find('\n'));
  struct Detach {
    std::string device;
    ~Detach() { run("losetup -d " + shell_quote(device)); }
  } detach{device};
  auto from_file = open_evidence(image);
  auto from_device = open_evidence(device);
  CHECK(from_device->kind() == "image");
  CHECK(from_device->layout() == from_file->layout());
  CHECK(from_device->layout().rfind("GPT partition 1 at offset " + std::to_string(volume_offset),
                                    0) == 0);
  const Json doc = evtx_document(shell_quote(device));
  const Json expected = evtx_document(shell_quote(folder.string()));
  CHECK(doc["evidence"][0]["kind"] == "image");
  CHECK(doc["findings"] == expected["findings"]);
}

TEST_CASE("DOS short names: left out of listings, accepted in paths, shown by their long name",
          "[image]") {
  if (!sqltriage::test::tool_or_skip("fls")) return;
  TempDir tmp;
  const fs::path image = sqltriage::test::ntfsgen_image(
      tmp, R"({"label": "DOS", "entries": [{"file": "\\test\\Long File Name.txt", "text": "a"}]})");
  // ntfs-3g gives a file a DOS name through its system.ntfs_dos_name attribute (FUSE mount).
  const fs::path mnt = tmp.path() / "mnt";
  fs::create_directory(mnt);
  auto mounted = run("ntfs-3g " + shell_quote(image.string()) + " " + shell_quote(mnt.string()));
  if (mounted.exit_code != 0) {
    WARN("cannot mount with ntfs-3g (needs FUSE), skipping: " << mounted.err);
    return;
  }
  auto set =
      run("/usr/bin/python3 -c \"import os,sys; os.setxattr(sys.argv[1], "
          "'system.ntfs_dos_name', b'LONGFI~1.TXT')\" " +
          shell_quote((mnt / "test" / "Long File Name.txt").string()));
  REQUIRE(run("umount " + shell_quote(mnt.string())).exit_code == 0);
  INFO(set.err);
  REQUIRE(set.exit_code == 0);
  const auto test = fls_entry(image, 0, std::nullopt, "test");
  auto r = run("istat " + shell_quote(image.string()) + " " +
               std::to_string(fls_entry(image, 0, test, "Long File Name.txt")));
  REQUIRE(r.out.find("Name: LONGFI~1.TXT") != std::string::npos);  // both names are stored

  auto ev = open_evidence(image);
  CHECK(listing(*ev->ntfs_volume(), test) == fls_listing(image, 0, test));  // long name only
  auto file = ev->resolve("\\TEST\\longfi~1.txt");
  REQUIRE(file);
  CHECK(file->display_path == "C:\\test\\Long File Name.txt");
}
