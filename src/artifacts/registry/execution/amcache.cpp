// registry.amcache: program files recorded in Amcache.hve, in both layouts Windows used:
//  - Root\InventoryApplicationFile\<id> (Windows 10 1607 and later): named REG_SZ values
//    (LowerCaseLongPath, FileId = "0000" + SHA-1, Size as "0x..." text, LinkDate as
//    "MM/DD/YYYY HH:MM:SS" UTC, ProductName, Publisher, Version, BinaryType, ProgramId).
//  - Root\File\<volume GUID>\<file reference> (Windows 8 to early Windows 10): values named
//    by hex numbers: 0 product name, 1 company name, 5 file version, 6 size, c file
//    description, f link date (PE TimeDateStamp, Unix seconds), 11 last modified, 12 created,
//    17 last modified (2) (FILETIMEs), 15 full path, 100 program id, 101 "0000" + SHA-1.
// Format knowledge: Y. Khatri, "Amcache.hve in Windows 8 - Goldmine for malware hunting"
// (2013); RegRipper's amcache plugin (value names of both layouts).
#include <cctype>
#include <charconv>
#include <cstdio>

#include "artifacts/registry/extract.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::uint32_t kRegDword = 4;
constexpr std::uint32_t kRegQword = 11;

std::optional<std::string> text(const Key& key, std::string_view name) {
  auto value = key.value(name);
  if (!value) return std::nullopt;
  auto s = value->string();
  if (!s || s->empty()) return std::nullopt;
  return s;
}

Json text_json(const Key& key, std::string_view name) {
  auto s = text(key, name);
  return s ? Json(*s) : Json(nullptr);
}

/// "0000" + 40 hex digits -> the lower-case SHA-1; other text as it is.
Json sha1_json(const std::optional<std::string>& file_id) {
  if (!file_id) return nullptr;
  std::string id = *file_id;
  if (id.size() == 44 && id.compare(0, 4, "0000") == 0) id.erase(0, 4);
  for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return id;
}

/// A number stored as REG_DWORD, REG_QWORD, or text ("0x53ea0" or decimal).
Json number_json(const Key& key, std::string_view name) {
  auto value = key.value(name);
  if (!value) return nullptr;
  if (auto d = value->dword()) return *d;
  if (value->type() == kRegQword) {
    auto data = value->data(64);
    if (data.size() == 8) return le64(data.data());
    return nullptr;
  }
  auto s = value->string();
  if (!s || s->empty()) return nullptr;
  std::string_view v = *s;
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    v.remove_prefix(2);
    base = 16;
  }
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n, base);
  if (ec != std::errc() || end != v.data() + v.size()) return *s;  // keep odd text as is
  return n;
}

/// A FILETIME stored as REG_QWORD or 8 binary bytes; null when absent or zero.
Json filetime_json(const Key& key, std::string_view name) {
  auto value = key.value(name);
  if (!value) return nullptr;
  auto data = value->data(64);
  if (data.size() != 8) return nullptr;
  const Filetime ft = le64(data.data());
  return ft == 0 ? Json(nullptr) : Json(format_filetime(ft));
}

/// "MM/DD/YYYY HH:MM:SS" (UTC) -> ISO-8601; other text as it is.
Json link_date_json(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  unsigned mo = 0, d = 0, y = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  if (std::sscanf(s->c_str(), "%u/%u/%u %u:%u:%u%c", &mo, &d, &y, &h, &mi, &sec, &tail) == 6) {
    char iso[40];
    std::snprintf(iso, sizeof iso, "%04u-%02u-%02uT%02u:%02u:%02uZ", y, mo, d, h, mi, sec);
    if (auto ft = parse_iso8601(iso)) return format_filetime(*ft);
  }
  return *s;
}

void read_inventory_file(const HiveContext& amcache, const Key& key, Sink& sink) {
  Finding f = key_finding("registry.amcache", amcache, key);
  const auto path = text(key, "LowerCaseLongPath");
  f.data["Path"] = path ? Json(*path) : Json(nullptr);
  f.data["SHA1"] = sha1_json(text(key, "FileId"));
  f.data["Size"] = number_json(key, "Size");
  f.data["LinkDate"] = link_date_json(text(key, "LinkDate"));
  f.data["ProductName"] = text_json(key, "ProductName");
  f.data["Publisher"] = text_json(key, "Publisher");
  f.data["Version"] = text_json(key, "Version");
  f.data["BinaryType"] = text_json(key, "BinaryType");
  f.data["ProgramId"] = text_json(key, "ProgramId");
  f.data["Name"] = text_json(key, "Name");
  f.data["OriginalFileName"] = text_json(key, "OriginalFileName");
  f.data["Layout"] = "InventoryApplicationFile";
  f.summary = "Amcache: " + (path ? *path : "(no path)") +
              (f.data["SHA1"].is_string() ? " SHA1 " + f.data["SHA1"].get<std::string>() : "");
  sink.finding(std::move(f));
}

void read_file_entry(const HiveContext& amcache, const std::string& volume, const Key& key,
                     Sink& sink) {
  Finding f = key_finding("registry.amcache", amcache, key);
  const auto path = text(key, "15");
  f.data["Path"] = path ? Json(*path) : Json(nullptr);
  f.data["SHA1"] = sha1_json(text(key, "101"));
  f.data["Size"] = number_json(key, "6");
  Json link = nullptr;
  if (auto v = key.value("f"))
    if (auto secs = v->dword(); secs && *secs != 0 && v->type() == kRegDword)
      link = format_filetime(kFiletimeUnixEpoch + std::uint64_t{*secs} * kTicksPerSecond);
  f.data["LinkDate"] = link;
  f.data["ProductName"] = text_json(key, "0");
  f.data["Publisher"] = text_json(key, "1");
  f.data["Version"] = text_json(key, "5");
  f.data["FileDescription"] = text_json(key, "c");
  f.data["LastModified"] = filetime_json(key, "11");
  f.data["LastModified2"] = filetime_json(key, "17");
  f.data["Created"] = filetime_json(key, "12");
  f.data["ProgramId"] = text_json(key, "100");
  f.data["VolumeId"] = volume;
  f.data["FileReference"] = key.name();
  f.data["Layout"] = "File";
  f.summary = "Amcache: " + (path ? *path : "(no path)") +
              (f.data["SHA1"].is_string() ? " SHA1 " + f.data["SHA1"].get<std::string>() : "");
  sink.finding(std::move(f));
}

}  // namespace

void read_amcache(const HiveContext& amcache, Sink& sink) {
  if (auto inventory = find_key(amcache, "Root\\InventoryApplicationFile", sink))
    for_each_subkey(*inventory, sink,
                    [&](const Key& key) { read_inventory_file(amcache, key, sink); });
  if (auto files = find_key(amcache, "Root\\File", sink))
    for_each_subkey(*files, sink, [&](const Key& volume) {
      const std::string volume_id = volume.name();
      for_each_subkey(volume, sink,
                      [&](const Key& key) { read_file_entry(amcache, volume_id, key, sink); });
    });
}

}  // namespace sqltriage::registry
