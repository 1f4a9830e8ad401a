// The MFT entry reader (include/sqltriage/mft.hpp) against independent tools on real NTFS
// volumes and collected $MFT files: sleuthkit's istat (entry facts), fls (paths and the
// TSK bodyfile), fsntfsinfo (libfsntfs's own tool, for standalone $MFT files) and the
// libfsntfs API (stream bytes).
#include <libfsntfs.h>

#include <array>
#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "artifacts/ntfs/volume.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/mft.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using sqltriage::ArtifactError;
using sqltriage::ByteSource;
using sqltriage::Filetime;
using sqltriage::open_host_file;
using sqltriage::SplicedSource;
using sqltriage::mft::Entry;
using sqltriage::mft::EntrySource;
using sqltriage::mft::FileName;
using sqltriage::mft::PathResolver;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

namespace {

constexpr std::uint64_t kEntryMask = 0x0000FFFFFFFFFFFFULL;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

/// Unpacks a gzipped corpus image into `dir`.
fs::path gunzip(const fs::path& gz, const TempDir& dir) {
  const fs::path out = dir.path() / gz.stem();
  REQUIRE(run("(gzip -dc " + q(gz) + " > " + q(out) + ")").exit_code ==
          0);  // run() redirects stdout itself
  return out;
}

/// The volume at `offset` bytes of `image`.
std::shared_ptr<sqltriage::ntfs::Volume> open_volume(const fs::path& image, std::uint64_t offset) {
  std::shared_ptr<const ByteSource> bytes = open_host_file(image);
  if (offset != 0) {
    auto part = std::make_shared<SplicedSource>();
    part->append(bytes, offset, bytes->size() - offset);
    bytes = part;
  }
  return sqltriage::ntfs::Volume::open(bytes, image.filename().string());
}

// ---- istat ------------------------------------------------------------------------------

/// "2023-02-21 13:57:43.317599600 (UTC)" (istat run with TZ=UTC) as a FILETIME.
Filetime tsk_time(const std::string& text) {
  const std::string iso = text.substr(0, text.find(" ("));
  auto ft = sqltriage::parse_iso8601(iso);
  INFO("istat time " << text);
  REQUIRE(ft);
  return *ft;
}

/// A FILETIME as istat shows it: TSK keeps whole seconds since 1970 in 32 unsigned bits
/// (a FILETIME of 0 prints as 2076-11-29 08:54:34), the 100 ns part unchanged.
Filetime tsk_view(Filetime ft) {
  const auto seconds =
      static_cast<std::uint32_t>((ft - sqltriage::kFiletimeUnixEpoch) / sqltriage::kTicksPerSecond);
  return sqltriage::kFiletimeUnixEpoch + seconds * sqltriage::kTicksPerSecond +
         ft % sqltriage::kTicksPerSecond;
}

struct IstatTimes {
  Filetime creation = 0, modification = 0, entry_modification = 0, access = 0;
};

struct IstatName {
  std::set<std::string> flags;
  std::string name;
  std::uint64_t parent_entry = 0;
  std::uint16_t parent_sequence = 0;
  IstatTimes times;
};

struct IstatAttribute {
  std::uint32_t type = 0;
  std::uint16_t id = 0;
  std::string name;  // "" for N/A
  bool resident = false;
  std::uint64_t size = 0;
  std::uint64_t clusters = 0;  // cluster addresses listed after a non-resident attribute
  bool sparse_cluster = false;
};

struct Istat {
  std::uint16_t sequence = 0;
  bool allocated = false;
  bool directory = false;
  std::set<std::string> si_flags;
  std::optional<std::uint32_t> owner_id, security_id;
  std::optional<IstatTimes> si;
  std::vector<IstatName> names;
  std::vector<IstatAttribute> attributes;
};

std::set<std::string> split_flags(const std::string& text) {
  std::set<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');)
    if (!trim(part).empty()) out.insert(trim(part));
  return out;
}

/// Parses `istat` output (sleuthkit 4.11, NTFS). std::nullopt when istat fails.
std::optional<Istat> istat(const fs::path& image, std::uint64_t sector_offset,
                           std::uint64_t entry) {
  auto r = run("TZ=UTC istat -o " + std::to_string(sector_offset) + " " + q(image) + " " +
               std::to_string(entry));
  if (r.exit_code != 0) return std::nullopt;
  Istat out;
  enum { kHeader, kSi, kFn, kAttrs } section = kHeader;
  IstatTimes* times = nullptr;
  static const std::regex entry_line(R"(^Entry: \d+\s+Sequence: (\d+))");
  static const std::regex parent_line(R"(^Parent MFT Entry: (\d+)\s+Sequence: (\d+))");
  static const std::regex attr_line(
      R"(^Type: (\S+) \((\d+)-(\d+)\)\s+Name: (.*?)\s+(Non-Resident|Resident)(.*)$)");
  static const std::regex size_field(R"(size: (\d+))");
  std::smatch m;
  for (const std::string& raw : lines_of(r.out)) {
    const std::string line = trim(raw);
    if (line.rfind("$STANDARD_INFORMATION Attribute Values", 0) == 0) {
      section = kSi;
      out.si = IstatTimes{};
      times = &*out.si;
      continue;
    }
    if (line.rfind("$FILE_NAME Attribute Values", 0) == 0) {
      section = kFn;
      out.names.emplace_back();
      times = &out.names.back().times;
      continue;
    }
    if (line.rfind("Attributes:", 0) == 0) {
      section = kAttrs;
      continue;
    }
    if (std::regex_search(line, m, entry_line)) {
      out.sequence = static_cast<std::uint16_t>(std::stoul(m[1]));
    } else if (line == "Allocated File" || line == "Allocated Directory" ||
               line == "Not Allocated File" || line == "Not Allocated Directory") {
      out.allocated = line.rfind("Allocated", 0) == 0;
      out.directory = line.find("Directory") != std::string::npos;
    } else if (section == kAttrs && std::regex_search(line, m, attr_line)) {
      IstatAttribute a;
      a.type = static_cast<std::uint32_t>(std::stoul(m[2]));
      a.id = static_cast<std::uint16_t>(std::stoul(m[3]));
      a.name = m[4] == "N/A" ? "" : std::string(m[4]);
      a.resident = m[5] == "Resident";
      const std::string rest = m[6];
      if (std::regex_search(rest, m, size_field)) a.size = std::stoull(m[1]);
      out.attributes.push_back(a);
    } else if (section == kAttrs && !out.attributes.empty() && !line.empty() &&
               std::isdigit(static_cast<unsigned char>(line[0]))) {
      std::stringstream in(line);
      for (std::uint64_t cluster = 0; in >> cluster;) {
        ++out.attributes.back().clusters;
        if (cluster == 0) out.attributes.back().sparse_cluster = true;
      }
    } else if (section == kSi && line.rfind("Flags: ", 0) == 0) {
      out.si_flags = split_flags(line.substr(7));
    } else if (section == kSi && line.rfind("Owner ID: ", 0) == 0) {
      out.owner_id = static_cast<std::uint32_t>(std::stoul(line.substr(10)));
    } else if (section == kSi && line.rfind("Security ID: ", 0) == 0) {
      out.security_id = static_cast<std::uint32_t>(std::stoul(line.substr(13)));
    } else if (section == kFn && line.rfind("Flags: ", 0) == 0) {
      out.names.back().flags = split_flags(line.substr(7));
    } else if (section == kFn && line.rfind("Name: ", 0) == 0) {
      out.names.back().name = raw.substr(raw.find("Name: ") + 6);
    } else if (section == kFn && std::regex_search(line, m, parent_line)) {
      out.names.back().parent_entry = std::stoull(m[1]);
      out.names.back().parent_sequence = static_cast<std::uint16_t>(std::stoul(m[2]));
    } else if (times != nullptr && line.rfind("Created:", 0) == 0) {
      times->creation = tsk_time(trim(line.substr(8)));
    } else if (times != nullptr && line.rfind("File Modified:", 0) == 0) {
      times->modification = tsk_time(trim(line.substr(14)));
    } else if (times != nullptr && line.rfind("MFT Modified:", 0) == 0) {
      times->entry_modification = tsk_time(trim(line.substr(13)));
    } else if (times != nullptr && line.rfind("Accessed:", 0) == 0) {
      times->access = tsk_time(trim(line.substr(9)));
    }
  }
  return out;
}

/// The file attribute flag names istat prints for $STANDARD_INFORMATION / $FILE_NAME.
std::set<std::string> tsk_flag_names(std::uint32_t flags, bool file_name) {
  static const std::vector<std::pair<std::uint32_t, std::string>> kSi = {
      {0x1, "Read Only"},    {0x2, "Hidden"},     {0x4, "System"},
      {0x20, "Archive"},     {0x40, "Device"},    {0x80, "Normal"},
      {0x100, "Temporary"},  {0x200, "Sparse"},   {0x400, "Reparse Point"},
      {0x800, "Compressed"}, {0x1000, "Offline"}, {0x2000, "Not Content Indexed"},
      {0x4000, "Encrypted"}};
  static const std::vector<std::pair<std::uint32_t, std::string>> kFn = {
      {0x10000000, "Directory"}, {0x20000000, "Index View"},
      {0x40, "Device"},          {0x80, "Normal"},
      {0x1, "Read Only"},        {0x2, "Hidden"},
      {0x4, "System"},           {0x20, "Archive"},
      {0x100, "Temp"},           {0x200, "Sparse"},
      {0x400, "Reparse Point"},  {0x800, "Compressed"},
      {0x4000, "Encrypted"},     {0x2000, "Not Content Indexed"},
      {0x1000, "Offline"}};
  std::set<std::string> out;
  for (const auto& [bit, name] : file_name ? kFn : kSi)
    if ((flags & bit) != 0) out.insert(name);
  return out;
}

bool is_plain_utf8(const std::string& s) {
  // Names with WTF-8 surrogates (ED A0..BF) are printed differently by TSK.
  for (std::size_t i = 0; i + 1 < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0)
      return false;
  return true;
}

/// Every fact of `e` against istat's view of the same entry.
void check_entry_against_istat(const Entry& e, const Istat& is, std::uint32_t cluster_size) {
  INFO("MFT entry " << e.entry);
  CHECK(e.sequence == is.sequence);
  CHECK(e.in_use == is.allocated);
  CHECK(e.is_directory == is.directory);

  const IstatAttribute* si_attr = nullptr;
  for (const auto& a : is.attributes)
    if (a.type == 0x10) si_attr = &a;
  REQUIRE(e.standard_information.has_value() == (si_attr != nullptr));
  if (si_attr != nullptr) {
    REQUIRE(is.si);
    CHECK(tsk_view(e.standard_information->creation) == is.si->creation);
    CHECK(tsk_view(e.standard_information->modification) == is.si->modification);
    CHECK(tsk_view(e.standard_information->entry_modification) == is.si->entry_modification);
    CHECK(tsk_view(e.standard_information->access) == is.si->access);
    CHECK(tsk_flag_names(e.file_attributes, false) == is.si_flags);
    if (si_attr->size >= 72) {
      CHECK(e.owner_id == is.owner_id);
      CHECK(e.security_id == is.security_id);
    } else {
      CHECK_FALSE(e.security_id.has_value());  // the 48-byte NTFS 1.2 form has none
    }
  }

  // $FILE_NAME attributes: ids in record order, then the values istat prints per name.
  std::vector<std::uint16_t> fn_ids;
  for (const auto& a : is.attributes)
    if (a.type == 0x30) fn_ids.push_back(a.id);
  std::vector<std::uint16_t> our_fn_ids;
  for (const auto& fn : e.file_names) our_fn_ids.push_back(fn.attribute_id);
  CHECK(our_fn_ids == fn_ids);
  REQUIRE(e.file_names.size() == is.names.size());
  for (std::size_t i = 0; i < is.names.size(); ++i) {
    const FileName& fn = e.file_names[i];
    const IstatName& in = is.names[i];
    INFO("$FILE_NAME " << i << " " << in.name);
    if (is_plain_utf8(fn.name)) CHECK(fn.name == in.name);
    CHECK((fn.parent_reference & kEntryMask) == in.parent_entry);
    CHECK((fn.parent_reference >> 48) == in.parent_sequence);
    CHECK(tsk_view(fn.times.creation) == in.times.creation);
    CHECK(tsk_view(fn.times.modification) == in.times.modification);
    CHECK(tsk_view(fn.times.entry_modification) == in.times.entry_modification);
    CHECK(tsk_view(fn.times.access) == in.times.access);
    CHECK(tsk_flag_names(fn.attributes, true) == in.flags);
    const auto value = std::find_if(
        is.attributes.begin(), is.attributes.end(),
        [&](const IstatAttribute& a) { return a.type == 0x30 && a.id == fn.attribute_id; });
    REQUIRE(value != is.attributes.end());
    CHECK(fn.value_size == value->size);
  }

  // $DATA and $INDEX_ROOT attributes.
  std::size_t data_count = 0, index_count = 0;
  for (const auto& a : is.attributes) {
    INFO("attribute " << a.type << "-" << a.id << " " << a.name);
    if (a.type == 0x80 && a.name.empty()) {
      ++data_count;
      REQUIRE(e.data_attribute_id);
      CHECK(*e.data_attribute_id == a.id);
      CHECK(e.size == a.size);
      CHECK(e.data_resident == a.resident);
      if (!a.resident && !a.sparse_cluster && a.clusters > 0)
        CHECK(e.allocated_size == a.clusters * cluster_size);
    } else if (a.type == 0x80) {
      ++data_count;
      auto s = std::find_if(e.streams.begin(), e.streams.end(),
                            [&](const auto& st) { return st.name == a.name; });
      REQUIRE(s != e.streams.end());
      CHECK(s->attribute_id == a.id);
      CHECK(s->size == a.size);
      CHECK(s->resident == a.resident);
      if (!a.resident && !a.sparse_cluster && a.clusters > 0)
        CHECK(s->allocated_size == a.clusters * cluster_size);
    } else if (a.type == 0x90) {
      ++index_count;
      auto ix = std::find_if(e.index_roots.begin(), e.index_roots.end(),
                             [&](const auto& r) { return r.name == a.name; });
      REQUIRE(ix != e.index_roots.end());
      CHECK(ix->attribute_id == a.id);
      CHECK(ix->size == a.size);
    }
  }
  CHECK(data_count == e.streams.size() + (e.data_attribute_id ? 1 : 0));
  CHECK(index_count == e.index_roots.size());
  CHECK(e.problems.empty());
}

std::uint32_t cluster_size(const fs::path& image, std::uint64_t sector_offset) {
  auto r = run("fsstat -o " + std::to_string(sector_offset) + " " + q(image));
  REQUIRE(r.exit_code == 0);
  std::smatch m;
  static const std::regex line(R"(Cluster Size: (\d+))");
  REQUIRE(std::regex_search(r.out, m, line));
  return static_cast<std::uint32_t>(std::stoul(m[1]));
}

// ---- fls -------------------------------------------------------------------------------

/// The bodyfile lines of `fls -r -m C:/`.
std::vector<std::string> fls_body(const fs::path& image, std::uint64_t sector_offset) {
  auto r = run("fls -o " + std::to_string(sector_offset) + " -r -m C:/ " + q(image));
  REQUIRE(r.exit_code == 0);
  return lines_of(r.out);
}

/// The 11 fields of a bodyfile line. The name may hold '|' (fls writes it raw, we write
/// "\|"), so the name is everything between the first field and the last nine; our escape
/// is undone so both tools' names compare.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t bar = line.find('|', start);
    parts.push_back(line.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  if (parts.size() < 11) return parts;
  std::vector<std::string> out{parts[0]};
  std::string name;
  for (std::size_t i = 1; i + 9 < parts.size(); ++i) name += (i > 1 ? "|" : "") + parts[i];
  std::string unescaped;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\' && i + 1 < name.size() && (name[i + 1] == '|' || name[i + 1] == '\\')) ++i;
    unescaped += name[i];
  }
  out.push_back(unescaped);
  out.insert(out.end(), parts.end() - 9, parts.end());
  return out;
}

/// Entry -> paths ('/' separated, without "C:") of the entry's lines in fls's bodyfile.
std::map<std::uint64_t, std::set<std::string>> fls_paths(const std::vector<std::string>& body) {
  std::map<std::uint64_t, std::set<std::string>> out;
  for (const auto& line : body) {
    auto f = fields(line);
    if (f.size() != 11 || f[1].find(" ($FILE_NAME)") == std::string::npos) continue;
    std::string name = f[1].substr(2, f[1].find(" ($FILE_NAME)") - 2);  // drop "C:"
    if (f[1].size() > 10 && f[1].compare(f[1].size() - 10, 10, " (deleted)") == 0)
      name += " (deleted)";
    out[std::stoull(f[2])].insert(name);
  }
  return out;
}

/// The entry facts a TempDir-extracted volume's entries should all match istat on.
struct Walked {
  std::vector<Entry> entries;
};

Walked walk(const EntrySource& source) {
  Walked w;
  Entry e;
  for (std::uint64_t i = 0; i < source.size(); ++i) {
    if (source.read(i, e)) w.entries.push_back(e);
  }
  return w;
}

/// Our bodyfile for a whole source, as bodyfile_lines() and the $OrphanFiles line give it.
std::vector<std::string> our_body(const EntrySource& source) {
  PathResolver resolver(source);
  std::string text = sqltriage::mft::bodyfile_orphan_folder_line(source.size());
  Entry e;
  for (std::uint64_t i = 0; i < source.size(); ++i)
    if (source.read(i, e)) text += sqltriage::mft::bodyfile_lines(e, resolver);
  return lines_of(text);
}

/// fls's and our bodyfile lines, equal as sets except for the differences
/// src/artifacts/ntfs/bodyfile.cpp documents: UID of an entry without an owner id in
/// $STANDARD_INFORMATION, and the name type fls writes as '-' for an allocated entry whose
/// parent index holds a stale copy of its name (fls takes the name type from the index).
void check_bodyfile(const std::vector<std::string>& fls, const std::vector<std::string>& ours,
                    const EntrySource& source) {
  auto normalise = [&](const std::string& line, bool from_fls) {
    auto f = fields(line);
    REQUIRE(f.size() == 11);
    const std::string inode = f[2];
    const std::uint64_t entry = std::stoull(inode.substr(0, inode.find('-')));
    Entry e;
    if (entry < source.size() && source.read(entry, e)) {
      if (!e.owner_id) f[4] = "UID";
      if (from_fls && e.in_use && f[3][0] == '-') {
        const FileName* name = sqltriage::mft::primary_name(e);
        f[3][0] = name != nullptr && (name->attributes & 0x10000000) != 0 ? 'd' : 'r';
      }
    }
    std::string out;
    for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "|" : "") + f[i];
    return out;
  };
  std::multiset<std::string> a, b;
  for (const auto& l : fls) a.insert(normalise(l, true));
  for (const auto& l : ours) b.insert(normalise(l, false));
  std::vector<std::string> only_fls, only_ours;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(only_fls));
  std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(only_ours));
  for (const auto& l : only_fls) UNSCOPED_INFO("only fls:  " << l);
  for (const auto& l : only_ours) UNSCOPED_INFO("only ours: " << l);
  CHECK(only_fls.empty());
  CHECK(only_ours.empty());
  CHECK(fls.size() == ours.size());
}

/// The whole comparison for one volume: facts vs istat, paths vs fls, bodyfile vs fls.
void check_volume(const fs::path& image, std::uint64_t byte_offset) {
  const std::uint64_t sectors = byte_offset / 512;
  auto volume = open_volume(image, byte_offset);
  auto source = EntrySource::from_volume(volume);
  REQUIRE(source->volume() == volume);
  const std::uint32_t cluster = cluster_size(image, sectors);

  const Walked w = walk(*source);
  REQUIRE(w.entries.size() > 20);
  std::size_t compared = 0;
  for (const Entry& e : w.entries) {
    auto is = istat(image, sectors, e.entry);
    REQUIRE(is);  // istat reads every entry we read
    check_entry_against_istat(e, *is, cluster);
    ++compared;
  }
  CHECK(compared == w.entries.size());

  const auto body = fls_body(image, sectors);
  const auto paths = fls_paths(body);
  PathResolver resolver(*source);
  for (const Entry& e : w.entries) {
    auto it = paths.find(e.entry);
    if (it == paths.end()) continue;  // fls does not list it (root, nameless allocated entries)
    std::set<std::string> ours;
    for (const auto& fn : e.file_names) {
      if (fn.name_space == 2) continue;
      std::string p = resolver.path(e, fn);
      std::replace(p.begin(), p.end(), '\\', '/');
      ours.insert(p + (e.in_use ? "" : " (deleted)"));
    }
    INFO("MFT entry " << e.entry);
    CHECK(ours == it->second);
  }
  check_bodyfile(body, our_body(*source), *source);
}

// ---- fsntfsinfo ------------------------------------------------------------------------

/// "Feb 21, 2023 13:53:27.000000000 UTC" as a FILETIME; "Not set (0)" as 0.
Filetime libyal_time(const std::string& text) {
  if (text.rfind("Not set", 0) == 0) return 0;
  static const std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static const std::regex form(R"(^(\w{3}) (\d{2}), (\d{4}) (\d{2}:\d{2}:\d{2}\.\d{9}) UTC$)");
  std::smatch m;
  INFO("fsntfsinfo time " << text);
  REQUIRE(std::regex_match(text, m, form));
  int month = 0;
  for (int i = 0; i < 12; ++i)
    if (m[1] == kMonths[static_cast<std::size_t>(i)]) month = i + 1;
  char iso[64];
  std::snprintf(iso, sizeof iso, "%s-%02d-%sT%sZ", std::string(m[3]).c_str(), month,
                std::string(m[2]).c_str(), std::string(m[4]).c_str());
  auto ft = sqltriage::parse_iso8601(iso);
  REQUIRE(ft);
  return *ft;
}

struct LibyalAttribute {
  std::string type;  // "$STANDARD_INFORMATION", ...
  std::map<std::string, std::string> values;
};

struct LibyalEntry {
  bool empty = false;
  bool allocated = false;
  std::string file_reference, base_reference;
  std::vector<LibyalAttribute> attributes;
};

/// Parses `fsntfsinfo -E all` (libfsntfs 20200921).
std::map<std::uint64_t, LibyalEntry> fsntfsinfo_entries(const fs::path& mft) {
  auto r = run("fsntfsinfo -E all " + q(mft));
  std::map<std::uint64_t, LibyalEntry> out;
  LibyalEntry* cur = nullptr;
  static const std::regex header(R"(^MFT entry: (\d+) information:)");
  static const std::regex kv(R"(^\t([^\t:][^:]*?)\s*: (.*)$)");
  std::smatch m;
  for (const std::string& line : lines_of(r.out)) {
    if (std::regex_search(line, m, header)) {
      cur = &out[std::stoull(m[1])];
      continue;
    }
    if (cur == nullptr) continue;
    if (trim(line) == "Is empty") cur->empty = true;
    if (line.rfind("Attribute: ", 0) == 0) {
      cur->attributes.emplace_back();
      continue;
    }
    if (!std::regex_match(line, m, kv)) continue;
    const std::string key = m[1], value = m[2];
    if (cur->attributes.empty()) {
      if (key == "Is allocated") cur->allocated = value == "true";
      if (key == "File reference") cur->file_reference = value;
      if (key == "Base record file reference") cur->base_reference = value;
    } else if (key == "Type") {
      cur->attributes.back().type = value.substr(0, value.find(' '));
    } else {
      cur->attributes.back().values[key] = value;
    }
  }
  return out;
}

std::string reference_text(std::uint64_t ref) {
  if (ref == 0) return "Not set (0)";
  return std::to_string(ref & kEntryMask) + "-" + std::to_string(ref >> 48);
}

std::uint32_t hex_value(const std::string& text) {
  return static_cast<std::uint32_t>(std::stoul(text, nullptr, 16));
}

/// Every entry of a standalone $MFT against fsntfsinfo -E all.
void check_mft_file_against_fsntfsinfo(const fs::path& mft) {
  auto source = EntrySource::from_mft_file(open_host_file(mft), mft.filename().string());
  CHECK(source->volume() == nullptr);
  const auto libyal = fsntfsinfo_entries(mft);
  REQUIRE(!libyal.empty());
  std::size_t compared = 0, deleted = 0;
  Entry e;
  for (std::uint64_t i = 0; i < source->size(); ++i) {
    INFO("MFT entry " << i);
    const bool used = source->read(i, e);
    auto it = libyal.find(i);
    REQUIRE(it != libyal.end());
    const LibyalEntry& l = it->second;
    CHECK(used == !l.empty);
    if (!used) continue;
    ++compared;
    if (!e.in_use) ++deleted;
    CHECK(e.in_use == l.allocated);
    CHECK(reference_text((std::uint64_t{e.sequence} << 48) | i) == l.file_reference);
    CHECK(reference_text(e.base_reference) == l.base_reference);
    std::size_t fn_index = 0;
    std::size_t data_count = 0;
    for (const auto& a : l.attributes) {
      const auto& v = a.values;
      if (a.type == "$STANDARD_INFORMATION") {
        REQUIRE(e.standard_information);
        CHECK(e.standard_information->creation == libyal_time(v.at("Creation time")));
        CHECK(e.standard_information->modification == libyal_time(v.at("Modification time")));
        CHECK(e.standard_information->access == libyal_time(v.at("Access time")));
        CHECK(e.standard_information->entry_modification ==
              libyal_time(v.at("Entry modification time")));
        CHECK(e.file_attributes == hex_value(v.at("File attribute flags")));
        if (v.count("Security descriptor identifier")) {
          CHECK(e.security_id == std::stoul(v.at("Security descriptor identifier")));
          CHECK(e.owner_id == std::stoul(v.at("Owner identifier")));
          CHECK(e.usn == std::stoull(v.at("Update sequence number")));
        } else {
          CHECK_FALSE(e.security_id);
        }
      } else if (a.type == "$FILE_NAME") {
        REQUIRE(fn_index < e.file_names.size());
        const FileName& fn = e.file_names[fn_index++];
        CHECK(fn.name == v.at("Name"));
        CHECK(reference_text(fn.parent_reference) == v.at("Parent file reference"));
        CHECK(fn.times.creation == libyal_time(v.at("Creation time")));
        CHECK(fn.times.modification == libyal_time(v.at("Modification time")));
        CHECK(fn.times.access == libyal_time(v.at("Access time")));
        CHECK(fn.times.entry_modification == libyal_time(v.at("Entry modification time")));
        CHECK(fn.attributes == hex_value(v.at("File attribute flags")));
        CHECK(fn.name_space ==
              std::stoul(v.at("Name space").substr(v.at("Name space").find('(') + 1)));
      } else if (a.type == "$DATA") {
        ++data_count;
        const std::uint64_t size = std::stoull(v.at("Data size"));
        if (!v.count("Name")) {
          CHECK(e.data_attribute_id.has_value());
          CHECK(e.size == size);
        } else {
          auto s = std::find_if(e.streams.begin(), e.streams.end(),
                                [&](const auto& st) { return st.name == v.at("Name"); });
          REQUIRE(s != e.streams.end());
          CHECK(s->size == size);
        }
      }
    }
    CHECK(fn_index == e.file_names.size());
    CHECK(data_count == e.streams.size() + (e.data_attribute_id ? 1 : 0));
  }
  CHECK(compared > 30);
  INFO("deleted entries compared: " << deleted);
}

/// The bytes of a named stream of entry `index` of a standalone $MFT, read by libfsntfs.
std::string libfsntfs_stream(const fs::path& mft, int index, const std::string& name) {
  libfsntfs_mft_metadata_file_t* file = nullptr;
  REQUIRE(libfsntfs_mft_metadata_file_initialize(&file, nullptr) == 1);
  REQUIRE(libfsntfs_mft_metadata_file_open(file, mft.c_str(), LIBFSNTFS_OPEN_READ, nullptr) == 1);
  libfsntfs_file_entry_t* fe = nullptr;
  REQUIRE(libfsntfs_mft_metadata_file_get_file_entry_by_index(file, index, &fe, nullptr) == 1);
  libfsntfs_data_stream_t* ds = nullptr;
  REQUIRE(libfsntfs_file_entry_get_alternate_data_stream_by_utf8_name(
              fe, reinterpret_cast<const std::uint8_t*>(name.data()), name.size(), &ds, nullptr) ==
          1);
  size64_t size = 0;
  REQUIRE(libfsntfs_data_stream_get_size(ds, &size, nullptr) == 1);
  std::string bytes(size, '\0');
  REQUIRE(libfsntfs_data_stream_read_buffer(ds, bytes.data(), bytes.size(), nullptr) ==
          static_cast<ssize_t>(size));
  libfsntfs_data_stream_free(&ds, nullptr);
  libfsntfs_file_entry_free(&fe, nullptr);
  libfsntfs_mft_metadata_file_free(&file, nullptr);
  return bytes;
}

}  // namespace

TEST_CASE("mft corpus: ntfs3.raw entries equal istat, paths and bodyfile equal fls",
          "[mft][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/dfir_ntfs_ntfs3.raw.gz");
  if (!sqltriage::test::tool_or_skip("istat") || !sqltriage::test::tool_or_skip("fls")) return;
  TempDir dir;
  check_volume(gunzip(gz, dir), 0);
}

TEST_CASE("mft corpus: ntfs-lastaccess.raw (MBR disk, NTFS at 65536) equals istat and fls",
          "[mft][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/msuhanov_ntfs-lastaccess.raw.gz");
  if (!sqltriage::test::tool_or_skip("istat") || !sqltriage::test::tool_or_skip("fls")) return;
  TempDir dir;
  const fs::path image = gunzip(gz, dir);
  check_volume(image, 65536);

  // /test/1.txt: the $STANDARD_INFORMATION and $FILE_NAME last-access times differ (the
  // sample's point); istat prints both, and ours carry both.
  auto source = EntrySource::from_volume(open_volume(image, 65536));
  auto found = source->volume()->find("\\test\\1.txt");
  REQUIRE(found);
  Entry e;
  REQUIRE(source->read(*found, e));
  auto is = istat(image, 128, *found);
  REQUIRE(is);
  REQUIRE(e.standard_information);
  REQUIRE(e.file_names.size() == is->names.size());
  CHECK(e.standard_information->access == is->si->access);
  CHECK(e.file_names[0].times.access == is->names[0].times.access);
  CHECK(e.standard_information->access != e.file_names[0].times.access);
  PathResolver resolver(*source);
  CHECK(resolver.path(e) == "\\test\\1.txt");
}

TEST_CASE("mft: an ntfsgen volume with deleted files, streams and set times equals istat, fls",
          "[mft][ntfsgen]") {
  if (!sqltriage::test::tool_or_skip("istat") || !sqltriage::test::tool_or_skip("fls")) return;
  TempDir dir;
  const fs::path image = sqltriage::test::ntfsgen_image(dir, R"({"label": "CMP", "entries": [
    {"dir": "\\inetpub\\wwwroot\\uploads"},
    {"file": "\\inetpub\\wwwroot\\uploads\\sqlserver.exe", "text": "MZ...",
     "streams": {"Zone.Identifier": "[ZoneTransfer]\r\nZoneId=3\r\n", "big": {"size": 5000}},
     "si_times": {"creation": "2015-01-01T00:00:00Z", "modification": "2015-01-01T00:00:00Z",
                  "entry_modification": "2015-01-01T00:00:00Z", "access": "2015-01-01T00:00:00Z"},
     "fn_times": {"creation": "2026-11-01T10:00:00.1234567Z"},
     "attributes": ["hidden", "system"]},
    {"file": "\\Windows\\Temp\\deleted.tmp", "text": "gone", "deleted": true},
    {"file": "\\Windows\\Temp\\kept.tmp", "size": 70000},
    {"file": "\\pipe|name.txt", "text": "p"},
    {"file": "\\deleted in root.txt", "text": "d", "deleted": true}
  ]})");
  check_volume(image, 0);
}

TEST_CASE("mft corpus: a collected $MFT (icat IMG 0) gives the same entries as the volume",
          "[mft][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/dfir_ntfs_ntfs3.raw.gz");
  if (!sqltriage::test::tool_or_skip("icat")) return;
  TempDir dir;
  const fs::path image = gunzip(gz, dir);
  const fs::path mft = dir.path() / "$MFT";
  REQUIRE(run("(icat " + q(image) + " 0 > " + q(mft) + ")").exit_code == 0);
  auto from_file = EntrySource::from_mft_file(open_host_file(mft), "$MFT");
  auto from_volume = EntrySource::from_volume(open_volume(image, 0));
  REQUIRE(from_file->size() == from_volume->size());
  PathResolver file_paths(*from_file), volume_paths(*from_volume);
  Entry a, b;
  std::size_t compared = 0;
  for (std::uint64_t i = 0; i < from_file->size(); ++i) {
    const bool used = from_file->read(i, a);
    REQUIRE(used == from_volume->read(i, b));
    if (!used) continue;
    INFO("MFT entry " << i);
    CHECK(a.sequence == b.sequence);
    CHECK(a.in_use == b.in_use);
    CHECK(a.size == b.size);
    CHECK(a.allocated_size == b.allocated_size);
    CHECK(a.streams.size() == b.streams.size());
    CHECK(a.file_names.size() == b.file_names.size());
    CHECK(file_paths.path(a) == volume_paths.path(b));
    ++compared;
  }
  CHECK(compared > 20);
  // Resident streams are in the record; non-resident ones are not in a collected $MFT.
  CHECK(from_file->read_stream(10, "$Info", 1024) == from_volume->read_stream(10, "$Info", 1024));
  CHECK(from_file->read_stream(10, "$Info", 1024)->size() == 32);
  CHECK_FALSE(from_file->read_stream(9, "$SDS", 1024).has_value());
  auto sds = from_volume->read_stream(9, "$SDS", 1024);
  REQUIRE(sds);
  auto icat = run("(icat " + q(image) + " 9-128-2 | head -c 1024)");
  CHECK(*sds == icat.out);
}

TEST_CASE("mft corpus: standalone $MFT files equal fsntfsinfo -E all", "[mft][corpus]") {
  if (!sqltriage::test::tool_or_skip("fsntfsinfo")) return;
  for (const char* name :
       {"ntfs/dfir_ntfs_unicode.mft", "ntfs/dfir_ntfs_deleted.mft", "ntfs/dfir_ntfs_slack.mft"}) {
    SQLTRIAGE_REQUIRE_CORPUS(mft, name);
    INFO(name);
    check_mft_file_against_fsntfsinfo(mft);
  }
}

TEST_CASE("mft corpus: deleted.mft has deleted entries whose paths follow their old parents",
          "[mft][corpus]") {
  if (!sqltriage::test::tool_or_skip("fsntfsinfo")) return;
  SQLTRIAGE_REQUIRE_CORPUS(mft, "ntfs/dfir_ntfs_deleted.mft");
  auto source = EntrySource::from_mft_file(open_host_file(mft), "deleted.mft");
  const auto libyal = fsntfsinfo_entries(mft);
  PathResolver resolver(*source);
  Entry e;
  std::size_t deleted = 0;
  for (std::uint64_t i = 0; i < source->size(); ++i) {
    if (!source->read(i, e) || e.in_use) continue;
    ++deleted;
    CHECK_FALSE(libyal.at(i).allocated);
    // libfsntfs's path hint of a deleted entry follows the same parent reference.
    for (const auto& a : libyal.at(i).attributes) {
      if (a.type != "$FILE_NAME" || !a.values.count("Path hint")) continue;
      const std::string hint = a.values.at("Path hint");
      if (hint.find("$Orphan") != std::string::npos) continue;
      INFO("MFT entry " << i << " hint " << hint);
      CHECK(resolver.path(e) == hint);
    }
  }
  CHECK(deleted > 0);
}

TEST_CASE("mft corpus: single records with a resident ADS and a non-resident $J", "[mft][corpus]") {
  if (!sqltriage::test::tool_or_skip("fsntfsinfo") || !sqltriage::test::tool_or_skip("icat"))
    return;
  SQLTRIAGE_REQUIRE_CORPUS(ads, "ntfs/omer_mft_entry_long_name_and_res_ads_002.bin");
  SQLTRIAGE_REQUIRE_CORPUS(usn, "ntfs/omer_mft_entry_data_run_at_offset.bin");
  SQLTRIAGE_REQUIRE_CORPUS(gz, "ntfs/dfir_ntfs_ntfs3.raw.gz");

  // Alone, each record is a one-record $MFT.
  auto one = EntrySource::from_mft_file(open_host_file(ads), "ads.bin");
  REQUIRE(one->size() == 1);
  Entry e;
  REQUIRE(one->read(0, e));
  REQUIRE(e.streams.size() == 1);
  CHECK(e.streams[0].name == "res.ads");
  CHECK(e.streams[0].resident);
  // The record says which entry it was; read at index 0 that is reported, not hidden.
  REQUIRE(e.problems.size() == 1);
  CHECK(e.problems[0].find("says it is MFT entry") != std::string::npos);

  // fsntfsinfo cannot open them alone (libfsntfs wants entry 0 to be $MFT itself), so
  // place them into free slots of a real $MFT for it: entries 31 and 32 of ntfs3's.
  TempDir dir;
  const fs::path image = gunzip(gz, dir);
  const fs::path mft = dir.path() / "synthetic.mft";
  REQUIRE(run("(icat " + q(image) + " 0 > " + q(mft) + ")").exit_code == 0);
  REQUIRE(run("dd if=" + q(usn) + " of=" + q(mft) + " bs=1024 seek=31 conv=notrunc").exit_code ==
          0);
  REQUIRE(run("dd if=" + q(ads) + " of=" + q(mft) + " bs=1024 seek=32 conv=notrunc").exit_code ==
          0);
  auto source = EntrySource::from_mft_file(open_host_file(mft), "synthetic.mft");
  const auto libyal = fsntfsinfo_entries(mft);

  Entry j;
  REQUIRE(source->read(31, j));
  const LibyalEntry& lj = libyal.at(31);
  CHECK(reference_text(j.base_reference) == lj.base_reference);
  CHECK(j.file_names.empty());
  CHECK_FALSE(j.data_attribute_id);
  REQUIRE(j.streams.size() == 1);
  const auto& jd = lj.attributes.at(0).values;
  CHECK(j.streams[0].name == jd.at("Name"));
  CHECK_FALSE(j.streams[0].resident);
  CHECK(j.streams[0].size == std::stoull(jd.at("Data size")));
  // Allocated size = clusters of the VCN range x cluster size (a power of two).
  const std::string range = jd.at("Data VCN range");
  const std::uint64_t clusters = std::stoull(range.substr(range.find("- ") + 2)) + 1;
  CHECK(j.streams[0].allocated_size % clusters == 0);
  const std::uint64_t cluster = j.streams[0].allocated_size / clusters;
  CHECK((cluster >= 512 && (cluster & (cluster - 1)) == 0));
  // Its clusters are not in a collected $MFT.
  CHECK_FALSE(source->read_stream(31, "$J", 4096).has_value());

  Entry r;
  REQUIRE(source->read(32, r));
  const LibyalEntry& lr = libyal.at(32);
  for (const auto& a : lr.attributes) {
    if (a.type != "$DATA") continue;
    if (!a.values.count("Name")) {
      CHECK(r.size == std::stoull(a.values.at("Data size")));
    } else {
      REQUIRE(r.streams.size() == 1);
      CHECK(r.streams[0].name == a.values.at("Name"));
      CHECK(r.streams[0].size == std::stoull(a.values.at("Data size")));
    }
  }
  auto bytes = source->read_stream(32, "res.ads", 1 << 20);
  REQUIRE(bytes);
  CHECK(*bytes == libfsntfs_stream(mft, 32, "res.ads"));
  CHECK(*one->read_stream(0, "res.ads", 1 << 20) == *bytes);
  CHECK(*source->read_stream(32, "RES.ADS", 1 << 20) == *bytes);  // ASCII case folded
  CHECK(source->read_stream(32, "res.ads", 5)->size() == 5);
  CHECK_FALSE(source->read_stream(32, "nope", 100).has_value());
}
