#include "pipeline/mft/entry_finding.hpp"

#include <memory>

#include "artifacts/ntfs/volume.hpp"
#include "pipeline/mft/common.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/ntfs_security.hpp"
#include "sqltriage/usn.hpp"

namespace sqltriage::pipeline::mft_scan {

namespace {

using nlohmann::ordered_json;

// Zone.Identifier streams are a few hundred bytes; anything longer is cut here.
constexpr std::size_t kMaxZoneBytes = 65536;

ordered_json reference_json(std::uint64_t reference) {
  return {{"Entry", reference_entry(reference)}, {"Sequence", reference_sequence(reference)}};
}

ordered_json attribute_names(std::uint32_t attributes) {
  ordered_json names = ordered_json::array();
  for (auto& n : usn::ntfs_file_attribute_names(attributes)) names.push_back(std::move(n));
  return names;
}

std::string with_drive(const std::string& path) { return std::string(kDrive) + path; }

bool is_zone_identifier(std::string_view name) { return checks::iequals(name, "Zone.Identifier"); }

/// The first bytes of the unnamed $DATA, when the evidence holds them.
std::optional<std::string> data_start(const mft::Entry& e, const EntryContext& ctx, std::size_t n) {
  if (auto volume = ctx.source->volume()) {
    try {
      auto stream = volume->open_stream(e.entry, "", ctx.artifact_path);
      std::string buf(n, '\0');
      buf.resize(stream->read_at(0, buf.data(), n));
      return buf;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return ctx.source->read_stream(e.entry, "", n);
}

void add_owner(const mft::Entry& e, const EntryContext& ctx, ordered_json& data,
               ordered_json& unavailable, ordered_json& problems) {
  if (e.security_id && *e.security_id != 0 && ctx.sds != nullptr) {
    if (auto sd = ctx.sds->lookup(*e.security_id); sd && !sd->owner_sid.empty()) {
      data["Owner"] = owner_json(sd->owner_sid, "$Secure:$SDS", ctx.accounts);
      return;
    }
  }
  if (!e.inline_security_descriptor.empty()) {
    std::string why;
    if (auto sd = ntfs::parse_security_descriptor(e.inline_security_descriptor.data(),
                                                  e.inline_security_descriptor.size(), &why);
        sd && !sd->owner_sid.empty()) {
      data["Owner"] = owner_json(sd->owner_sid, "$SECURITY_DESCRIPTOR", ctx.accounts);
      return;
    }
    if (!why.empty()) problems.push_back("$SECURITY_DESCRIPTOR: " + why);
  }
  // The id names a descriptor the evidence does not hold (no $SDS copy), or a damaged one.
  if (e.security_id && *e.security_id != 0 && ctx.sds == nullptr) unavailable.push_back("Owner");
}

void add_zone(const mft::Entry& e, const mft::Stream& s, const EntryContext& ctx,
              ordered_json& data, ordered_json& unavailable, ordered_json& problems) {
  auto text = ctx.source->read_stream(e.entry, s.name, kMaxZoneBytes);
  if (!text) {
    if (ctx.standalone && !s.resident) {
      unavailable.push_back("Zone.Identifier");
    } else {
      problems.push_back("the Zone.Identifier stream could not be read");
    }
    return;
  }
  data["Zone.Identifier"] = zone_identifier_json(*text);
}

std::string summary_of(const mft::Entry& e, const std::string& full_path,
                       const ordered_json& data) {
  std::string s = e.in_use ? (e.is_directory ? "Folder " : "File ")
                           : (e.is_directory ? "Deleted folder " : "Deleted file ");
  s += full_path + " (entry " + std::to_string(e.entry) + ", sequence " +
       std::to_string(e.sequence) + ")";
  if (!e.is_directory) s += ", " + std::to_string(e.size) + " bytes";
  if (e.standard_information)
    s += ", created " + format_filetime(e.standard_information->creation) + " ($SI)";
  if (const auto* fn = mft::primary_name(e))
    s += " / " + format_filetime(fn->times.creation) + " ($FN)";
  if (auto owner = data.find("Owner"); owner != data.end()) {
    const auto name = owner->find("Name");
    s += ", owner " +
         (name != owner->end() ? name->get<std::string>() : owner->at("Sid").get<std::string>());
  }
  if (auto zone = data.find("Zone.Identifier"); zone != data.end()) {
    if (auto id = zone->find("ZoneId"); id != zone->end() && id->is_number_integer()) {
      s += ", ZoneId " + std::to_string(id->get<int>());
      if (auto host = zone->find("HostUrl"); host != zone->end() && host->is_string())
        s += " from " + host->get<std::string>();
    }
  }
  return s;
}

}  // namespace

std::string name_space_name(std::uint8_t name_space) {
  switch (name_space) {
    case 0:
      return "POSIX";
    case 1:
      return "Win32";
    case 2:
      return "DOS";
    case 3:
      return "Win32 & DOS";
  }
  return std::to_string(name_space);
}

ordered_json times_json(Filetime creation, Filetime modification, Filetime entry_modification,
                        Filetime access) {
  return {{"CreationTime", format_filetime(creation)},
          {"LastWriteTime", format_filetime(modification)},
          {"ChangeTime", format_filetime(entry_modification)},
          {"LastAccessTime", format_filetime(access)}};
}

ordered_json owner_json(const std::string& sid, const std::string& sid_source,
                        const AccountLookup& accounts) {
  ordered_json o = {{"Sid", sid}, {"SidSource", sid_source}};
  if (accounts) {
    if (auto name = accounts(sid)) {
      o["Name"] = name->name;
      o["NameSource"] = name->source;
    }
  }
  return o;
}

ordered_json zone_identifier_json(std::string_view text) {
  const auto zone = parse_zone_identifier(text);
  if (!zone) return {{"Text", std::string(text)}};
  ordered_json out = ordered_json::object();
  for (const auto& [key, value] : zone->values) {
    if (key == "ZoneId" && zone->zone_id) {
      out["ZoneId"] = *zone->zone_id;
      const auto name = zone_name(*zone->zone_id);
      if (!name.empty()) out["ZoneName"] = std::string(name);
    } else {
      out[key] = value;
    }
  }
  return out;
}

bool any_time_in(const std::vector<Filetime>& times, std::optional<Filetime> since,
                 std::optional<Filetime> until) {
  if (!since && !until) return true;
  for (auto t : times)
    if ((!since || t >= *since) && (!until || t <= *until)) return true;
  return false;
}

Finding entry_finding(const mft::Entry& e, const std::string& path, const EntryContext& ctx) {
  Finding f;
  f.type = "mft.entry";
  f.artifact.path = ctx.artifact_path;
  f.artifact.record = e.entry;
  const std::string full_path = with_drive(path);
  ordered_json unavailable = ordered_json::array();
  ordered_json problems = ordered_json::array();
  auto& d = f.data;
  d["Path"] = full_path;
  d["Entry"] = e.entry;
  d["Sequence"] = e.sequence;
  d["InUse"] = e.in_use;
  d["Directory"] = e.is_directory;
  d["Size"] = e.size;
  d["AllocatedSize"] = e.allocated_size;
  if (e.standard_information) {
    const auto& t = *e.standard_information;
    auto si = times_json(t.creation, t.modification, t.entry_modification, t.access);
    si["FileAttributes"] = e.file_attributes;
    si["FileAttributeNames"] = attribute_names(e.file_attributes);
    if (e.owner_id) si["OwnerId"] = *e.owner_id;
    if (e.security_id) si["SecurityId"] = *e.security_id;
    if (e.usn) si["Usn"] = *e.usn;
    d["$STANDARD_INFORMATION"] = std::move(si);
    f.time = t.creation;
  }
  auto names = ordered_json::array();
  for (const auto& fn : e.file_names) {
    ordered_json j = {{"FileName", fn.name},
                      {"Namespace", name_space_name(fn.name_space)},
                      {"ParentFileReferenceNumber", reference_json(fn.parent_reference)}};
    const auto t = times_json(fn.times.creation, fn.times.modification, fn.times.entry_modification,
                              fn.times.access);
    for (const auto& [k, v] : t.items()) j[k] = v;
    j["FileAttributes"] = fn.attributes;
    j["FileAttributeNames"] = attribute_names(fn.attributes);
    names.push_back(std::move(j));
  }
  d["$FILE_NAME"] = std::move(names);
  if (!f.time)
    if (const auto* fn = mft::primary_name(e)) f.time = fn->times.creation;

  add_owner(e, ctx, d, unavailable, problems);

  auto streams = ordered_json::array();
  const mft::Stream* zone = nullptr;
  for (const auto& s : e.streams) {
    streams.push_back({{"Name", s.name},
                       {"Size", s.size},
                       {"AllocatedSize", s.allocated_size},
                       {"Resident", s.resident}});
    if (zone == nullptr && is_zone_identifier(s.name)) zone = &s;
  }
  d["Streams"] = std::move(streams);
  if (zone != nullptr) add_zone(e, *zone, ctx, d, unavailable, problems);

  const bool wants_signature =
      !e.is_directory && e.size >= 2 &&
      (ctx.read_signature_always || checks::in_user_writable_or_web_folder(full_path));
  if (wants_signature) {
    if (auto head = data_start(e, ctx, 2); head && head->size() == 2) {
      if (*head == "MZ") d["FileSignature"] = "MZ";
    } else if (ctx.standalone) {
      unavailable.push_back("FileSignature");
    }
  }

  for (const auto& p : e.problems) problems.push_back(p);
  if (!problems.empty()) d["Problems"] = std::move(problems);
  if (!unavailable.empty()) d["Unavailable"] = std::move(unavailable);
  f.summary = summary_of(e, full_path, d);
  return f;
}

}  // namespace sqltriage::pipeline::mft_scan
