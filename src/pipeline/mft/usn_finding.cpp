#include "pipeline/mft/usn_finding.hpp"

#include "pipeline/mft/common.hpp"

namespace sqltriage::pipeline::mft_scan {

namespace {

using nlohmann::ordered_json;

ordered_json reference_json(std::uint64_t reference) {
  return {{"Entry", reference_entry(reference)}, {"Sequence", reference_sequence(reference)}};
}

ordered_json names_json(const std::vector<std::string>& names) {
  ordered_json out = ordered_json::array();
  for (const auto& n : names) out.push_back(n);
  return out;
}

/// "FILE_CREATE | CLOSE": the reason names without their common prefix.
std::string short_reasons(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += " | ";
    out += n.starts_with("USN_REASON_") ? n.substr(11) : n;
  }
  return out.empty() ? "no reason flags" : out;
}

}  // namespace

Finding usn_finding(const usn::Record& r, const std::string& j_display,
                    const std::optional<std::string>& parent_path) {
  Finding f;
  f.type = "mft.usn";
  f.artifact.path = j_display;
  f.artifact.offset = r.offset;
  if (r.timestamp != 0) f.time = r.timestamp;
  auto& d = f.data;
  const auto reasons = usn::reason_names(r.reason);
  d["Usn"] = r.usn;
  if (r.major_version != 4) d["TimeStamp"] = format_filetime(r.timestamp);
  d["FileName"] = r.file_name;
  d["Reason"] = r.reason;
  d["ReasonNames"] = names_json(reasons);
  d["FileReferenceNumber"] = reference_json(r.file_reference);
  if (!r.file_id128.empty()) d["FileId128"] = r.file_id128;
  d["ParentFileReferenceNumber"] = reference_json(r.parent_file_reference);
  if (!r.parent_file_id128.empty()) d["ParentFileId128"] = r.parent_file_id128;
  std::string folder;
  if (parent_path) {
    folder = std::string(kDrive) + *parent_path;
    d["ParentPath"] = folder;
    if (!r.file_name.empty())
      d["Path"] = folder + (folder.ends_with('\\') ? "" : "\\") + r.file_name;
  }
  d["SourceInfo"] = r.source_info;
  d["SourceInfoNames"] = names_json(usn::source_info_names(r.source_info));
  d["SecurityId"] = r.security_id;
  d["FileAttributes"] = r.file_attributes;
  d["FileAttributeNames"] = names_json(usn::file_attribute_names(r.file_attributes));
  d["MajorVersion"] = r.major_version;
  d["MinorVersion"] = r.minor_version;
  if (r.major_version == 4) {
    ordered_json extents = ordered_json::array();
    for (const auto& x : r.extents) extents.push_back({{"Offset", x.offset}, {"Length", x.length}});
    d["Extents"] = std::move(extents);
    d["RemainingExtents"] = r.remaining_extents;
  }
  if (!parent_path) d["Unavailable"] = ordered_json::array({"ParentPath", "Path"});

  const auto who = r.file_name.empty()
                       ? "entry " + std::to_string(reference_entry(r.file_reference))
                       : r.file_name;
  f.summary = who + ": " + short_reasons(reasons) +
              (folder.empty() ? std::string() : " in " + folder) + " (USN " +
              std::to_string(r.usn) + ")";
  return f;
}

}  // namespace sqltriage::pipeline::mft_scan
