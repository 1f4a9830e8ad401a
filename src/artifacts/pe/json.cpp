// The JSON shapes of a PE's facts, version info and hashes (docs/pe.md). Field names follow
// the PE format's own (TimeDateStamp, AddressOfEntryPoint, PointerToRawData, ...) and the
// version resource's string names as the file stores them.
#include <cstdio>

#include "sqltriage/filetime.hpp"
#include "sqltriage/pe.hpp"

namespace sqltriage::pe {

namespace {

using json = nlohmann::ordered_json;

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

json or_null(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }
json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

json to_json(const Info& info) {
  json j;
  j["Machine"] = machine_name(info.machine);
  j["Subsystem"] = subsystem_name(info.subsystem);
  j["Characteristics"] = characteristics_names(info.characteristics);
  j["TimeDateStamp"] =
      format_filetime(kFiletimeUnixEpoch + std::uint64_t{info.time_date_stamp} * kTicksPerSecond);
  j["TimeDateStampRaw"] = info.time_date_stamp;
  j["LinkerVersion"] = std::to_string(info.linker_major) + "." + std::to_string(info.linker_minor);
  j["Format"] = info.pe32_plus ? "PE32+" : "PE32";
  j["IsDll"] = info.is_dll;
  j["IsDotNet"] = info.is_dotnet;
  j["ImageBase"] = hex(info.image_base);
  j["AddressOfEntryPoint"] = hex(info.entry_point);
  j["CheckSum"] = hex(info.checksum);
  j["PdbPath"] = or_null(info.pdb_path);
  j["RichHeader"] = info.rich_header;
  if (info.rich_header) {
    json entries = json::array();
    for (const auto& e : info.rich_entries)
      entries.push_back({{"ProductId", e.product_id}, {"Build", e.build}, {"Count", e.count}});
    j["RichEntries"] = std::move(entries);
  }
  json sections = json::array();
  for (const auto& s : info.sections) {
    json o;
    o["Name"] = s.name;
    o["VirtualAddress"] = hex(s.virtual_address);
    o["VirtualSize"] = s.virtual_size;
    o["PointerToRawData"] = s.raw_offset;
    o["SizeOfRawData"] = s.raw_size;
    o["Characteristics"] = section_characteristics_names(s.characteristics);
    o["Entropy"] = s.entropy ? json(*s.entropy) : json(nullptr);
    sections.push_back(std::move(o));
  }
  j["Sections"] = std::move(sections);
  json imports = json::array();
  for (const auto& d : info.imports)
    imports.push_back({{"DLL", d.name}, {"Count", d.functions.size()}, {"Functions", d.functions}});
  j["Imports"] = std::move(imports);
  j["OverlayOffset"] = info.overlay_offset;
  j["OverlaySize"] = info.overlay_size;
  json certs = json::array();
  for (const auto& c : info.certificates)
    certs.push_back({{"Offset", c.offset},
                     {"Length", c.length},
                     {"Revision", hex(c.revision)},
                     {"Type", c.type}});
  j["CertificateTable"] = std::move(certs);
  j["Problems"] = info.problems;
  return j;
}

json to_json(const VersionInfo& version_info) {
  json j = json::object();
  for (const auto& [k, v] : version_info.strings) j[k] = v;
  j["Language"] = or_null(version_info.language);
  j["FileVersionFixed"] = or_null(version_info.file_version);
  j["ProductVersionFixed"] = or_null(version_info.product_version);
  return j;
}

json to_json(const Hashes& hashes, const Info* info) {
  json j;
  j["MD5"] = hashes.md5;
  j["SHA1"] = hashes.sha1;
  j["SHA256"] = hashes.sha256;
  j["SSDEEP"] = hashes.ssdeep;
  j["TLSH"] = or_null(hashes.tlsh);
  j["Entropy"] = hashes.entropy;
  if (info != nullptr) {
    j["Imphash"] = or_null(info->imphash);
    j["AuthenticodeSHA1"] = or_null(hashes.authenticode_sha1);
    j["AuthenticodeSHA256"] = or_null(hashes.authenticode_sha256);
  }
  return j;
}

}  // namespace sqltriage::pe
