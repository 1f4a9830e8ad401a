// TSK 3.x bodyfile lines for MFT entries, as `fls -r -m C:/` (The Sleuth Kit 4.11) writes
// them for NTFS. What fls does, and we do the same:
//  - one line per $DATA attribute (named ones as "name:stream") and per $INDEX_ROOT
//    ("$I30" adds nothing to the name, others such as $Secure's "$SDH" are "name:$SDH"),
//    inode "<entry>-<type>-<attribute id>", size the attribute's size, times from
//    $STANDARD_INFORMATION; an entry with none of them gets one line with inode "<entry>";
//  - one "name ($FILE_NAME)" line, inode "<entry>-48-<id>", size the $FILE_NAME value's
//    size, times from the last non-DOS $FILE_NAME of the base record (fls writes none when
//    that attribute sits in an extension record, and neither do we);
//  - times as (FILETIME - 1970 epoch) / 10^7 truncated to 32 bits unsigned, absent times 0;
//  - mode "<name type>/<meta type><rwx x3>": name type '-' for a deleted entry, else 'd'
//    when the $FILE_NAME flags say directory (0x10000000), else 'r'; meta type 'd' when the
//    record header says directory, else 'r'; 'r' unless FILE_ATTRIBUTE_READONLY, 'w' unless
//    FILE_ATTRIBUTE_HIDDEN (sic), 'x' always; "---------" without $STANDARD_INFORMATION;
//  - UID the $STANDARD_INFORMATION owner id, GID 0, MD5 "0";
//  - " (deleted)" after the name of an entry not in use; the path of a deleted entry is
//    under its parent folder when the parent's sequence matches (also when the parent is
//    itself deleted and its sequence is one higher), else under "$OrphanFiles"; a deleted
//    entry without a name is "$OrphanFiles/OrphanFile-<entry>";
//  - one "$OrphanFiles" folder line, inode = number of MFT entries, mode "V/V---------";
//  - control characters (0x00-0x1F) in names written as '^';
//  - no line for the root folder (entry 5).
// Differences we keep (fls's behaviour is a defect or needs the folder indexes):
//  - UID: fls reads the owner id at offset 48 of $STANDARD_INFORMATION even when the value
//    is the 48-byte NTFS 1.2 form, so it prints the next attribute's type (48 or 32) or
//    4294967295 (the end marker); we print 0 when the value has no owner id.
//  - '|' in a name is written "\|" and '\' as "\\" (fls writes them raw, breaking the
//    line's fields); an unpaired UTF-16 surrogate stays as its WTF-8 bytes (fls ends the
//    name there: "name-with-<D800>" becomes "name-with-").
//  - Attributes stored in extension records (files with an $ATTRIBUTE_LIST): fls gives
//    them new identifiers (one above the highest id in the list, counting up in list
//    order); we write the identifier stored in the attribute's header, so the inode field
//    of those lines differs.
//  - Lines come in MFT entry order, not in folder-walk order.
//  - Entries fls reaches only through folder indexes are written from the MFT instead:
//    an allocated entry whose parent cannot be followed is written under "$OrphanFiles"
//    (fls leaves it out); the name type of an entry comes from its $FILE_NAME attribute,
//    not from the parent's index entry (they differ when the index holds a stale copy);
//    extension records and allocated entries without a $FILE_NAME are left out, as fls does.
#include <cstdio>

#include "sqltriage/mft.hpp"

namespace sqltriage::mft {

namespace {

constexpr std::uint64_t kRootEntry = 5;
constexpr std::uint32_t kReadOnly = 0x0001;
constexpr std::uint32_t kHidden = 0x0002;
constexpr std::uint32_t kFnDirectory = 0x10000000;
constexpr std::uint8_t kDosNameSpace = 2;

std::uint32_t tsk_seconds(Filetime ft) {
  return static_cast<std::uint32_t>((ft - kFiletimeUnixEpoch) / kTicksPerSecond);
}

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20) {
      out += '^';
    } else if (c == '|' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
}

// "C:" + "\a\b" -> "C:/a/b", each component escaped.
std::string body_name(const std::string& mount_point, const std::string& path) {
  std::string out = mount_point;
  while (!out.empty() && out.back() == '/') out.pop_back();
  std::size_t start = 0;
  while (start < path.size()) {
    std::size_t end = path.find('\\', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) {
      out += '/';
      append_escaped(out, std::string_view(path).substr(start, end - start));
    }
    start = end + 1;
  }
  if (path.empty() || path == "\\") out += '/';
  return out;
}

std::string mode_string(const Entry& e, const FileName* name) {
  std::string m;
  m += !e.in_use ? '-' : (name != nullptr && (name->attributes & kFnDirectory) != 0 ? 'd' : 'r');
  m += '/';
  m += e.is_directory ? 'd' : 'r';
  if (!e.standard_information) return m + "---------";
  const char r = (e.file_attributes & kReadOnly) == 0 ? 'r' : '-';
  const char w = (e.file_attributes & kHidden) == 0 ? 'w' : '-';
  for (int i = 0; i < 3; ++i) {
    m += r;
    m += w;
    m += 'x';
  }
  return m;
}

std::string times_text(const Times* t) {
  if (t == nullptr) return "0|0|0|0";
  return std::to_string(tsk_seconds(t->access)) + "|" +
         std::to_string(tsk_seconds(t->modification)) + "|" +
         std::to_string(tsk_seconds(t->entry_modification)) + "|" +
         std::to_string(tsk_seconds(t->creation));
}

// The $FILE_NAME whose times fls prints: the last non-DOS one of the base record.
const FileName* tsk_time_name(const Entry& e) {
  const FileName* found = nullptr;
  for (const auto& fn : e.file_names)
    if (fn.name_space != kDosNameSpace && !fn.in_extension_record) found = &fn;
  return found;
}

struct LineWriter {
  const Entry& e;
  std::string name;    // escaped full name
  std::string suffix;  // " (deleted)" or ""
  std::string mode;
  std::string uid;
  std::string out;

  void line(std::string_view extra, const std::string& inode, std::uint64_t size,
            const std::string& times) {
    out += "0|";
    out += name;
    out += extra;
    out += suffix;
    out += '|';
    out += inode;
    out += '|';
    out += mode;
    out += '|';
    out += uid;
    out += "|0|";
    out += std::to_string(size);
    out += '|';
    out += times;
    out += '\n';
  }
};

}  // namespace

std::string bodyfile_line(const Entry& e, const std::string& path, const BodyfileOptions& options) {
  const FileName* name = options.file_name != nullptr ? options.file_name : primary_name(e);
  LineWriter w{e,
               body_name(options.mount_point, path),
               e.in_use ? "" : " (deleted)",
               mode_string(e, name),
               std::to_string(e.owner_id.value_or(0)),
               {}};
  const std::string entry = std::to_string(e.entry);
  const std::string si_times =
      times_text(e.standard_information ? &*e.standard_information : nullptr);

  if (const FileName* fn = tsk_time_name(e))
    w.line(" ($FILE_NAME)", entry + "-48-" + std::to_string(fn->attribute_id), fn->value_size,
           times_text(&fn->times));
  bool printed = false;
  if (e.data_attribute_id) {
    w.line("", entry + "-128-" + std::to_string(*e.data_attribute_id), e.size, si_times);
    printed = true;
  }
  for (const auto& s : e.streams) {
    std::string extra = ":";
    append_escaped(extra, s.name);
    w.line(extra, entry + "-128-" + std::to_string(s.attribute_id), s.size, si_times);
    printed = true;
  }
  for (const auto& ix : e.index_roots) {
    std::string extra;
    if (ix.name != "$I30") {
      extra = ":";
      append_escaped(extra, ix.name);
    }
    w.line(extra, entry + "-144-" + std::to_string(ix.attribute_id), ix.size, si_times);
    printed = true;
  }
  if (!printed) w.line("", entry, e.size, si_times);
  return std::move(w.out);
}

std::string bodyfile_lines(const Entry& e, PathResolver& resolver, const BodyfileOptions& options) {
  if (e.entry == kRootEntry || e.base_reference != 0) return {};
  BodyfileOptions per_name = options;
  std::string out;
  bool any = false;
  for (const auto& fn : e.file_names) {
    if (fn.name_space == kDosNameSpace) continue;
    per_name.file_name = &fn;
    out += bodyfile_line(e, resolver.path(e, fn), per_name);
    any = true;
  }
  if (any) return out;
  if (const FileName* dos = primary_name(e)) {
    per_name.file_name = dos;
    return bodyfile_line(e, resolver.path(e, *dos), per_name);
  }
  if (e.in_use) return {};  // fls lists no allocated entry without a name
  per_name.file_name = nullptr;
  return bodyfile_line(e, resolver.path(e), per_name);
}

std::string bodyfile_orphan_folder_line(std::uint64_t number_of_entries,
                                        const BodyfileOptions& options) {
  return "0|" + body_name(options.mount_point, "\\$OrphanFiles") + "|" +
         std::to_string(number_of_entries) + "|V/V---------|0|0|0|0|0|0|0\n";
}

}  // namespace sqltriage::mft
