// The webshell checks (docs/checks.md#webshell-checks): YARA rule hits and the heuristics a
// responder applies to a web root by hand.
#include <algorithm>
#include <array>

#include "checks/data_fields.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks {

namespace {

using nlohmann::ordered_json;

constexpr const char* kWebshell = "T1505.003";
constexpr Filetime kThirtyDays = 30ull * 86400ull * kTicksPerSecond;

using data::member;
using data::text;
using data::time_of;

double number(const ordered_json& j, const char* key) {
  const auto* m = member(j, key);
  return m && m->is_number() ? m->get<double>() : 0.0;
}

/// The times of a file the checks may compare: creation and last write from NTFS; on a host
/// file system only the last write (a copied or extracted file is born at the copy).
std::vector<const char*> comparable_times(const ordered_json& times) {
  if (text(times, "Source") == "$STANDARD_INFORMATION") return {"CreationTime", "LastWriteTime"};
  return {"LastWriteTime"};
}

CheckHit hit(const char* id, Severity severity, std::string reason) {
  return CheckHit{id, severity, {kWebshell}, std::move(reason)};
}

void yara_matches(Finding& f) {
  const auto* matches = member(f.data, "Matches");
  if (!matches || !matches->is_array()) return;
  for (const auto& m : *matches) {
    const auto rule = text(m, "Rule");
    const auto* meta = member(m, "Meta");
    const auto declared = meta ? text(*meta, "severity") : std::string();
    const auto severity = parse_severity(declared).value_or(Severity::medium);
    std::string reason = "YARA rule " + text(m, "Namespace") + "." + rule;
    if (const auto d = meta ? text(*meta, "description") : std::string(); !d.empty())
      reason += ": " + d;
    f.add_check(hit("yara_match", severity, std::move(reason)));
  }
}

void content_mismatch(Finding& f) {
  const auto kind = text(f.data, "Kind");
  const auto* content = member(f.data, "Content");
  if (!content) return;
  const auto magic = text(*content, "Magic");
  const auto marker = text(*content, "ServerScriptMarker");
  const auto ext = text(f.data, "Extension");
  if (kind == "script" && !magic.empty())
    f.add_check(hit("content_type_mismatch", Severity::high,
                    "a " + ext + " script whose bytes are " + magic + " data"));
  else if (kind == "image" && !marker.empty())
    f.add_check(hit("content_type_mismatch", Severity::high,
                    "an " + ext + " image that holds server script (\"" + marker + "\")"));
}

void near_pivot(Finding& f, const WebshellCheckOptions& o) {
  if (!o.since && !o.until) return;
  const auto* times = member(f.data, "Times");
  if (!times) return;
  for (const char* key : comparable_times(*times)) {
    const auto t = time_of(*times, key);
    if (!t) continue;
    if ((o.since && *t < *o.since) || (o.until && *t > *o.until)) continue;
    f.add_check(hit("recent_near_pivot", Severity::medium,
                    std::string(key) + " " + text(*times, key) + " is inside the window"));
    return;
  }
}

void newer_than_siblings(Finding& f) {
  const auto* times = member(f.data, "Times");
  const auto* siblings = member(f.data, "Siblings");
  if (!times || !siblings || number(*siblings, "Count") < 4) return;
  const auto median = time_of(*siblings, "MedianLastWriteTime");
  if (!median) return;
  std::optional<Filetime> own;
  for (const char* key : comparable_times(*times))
    if (const auto t = time_of(*times, key)) own = std::max(own.value_or(0), *t);
  // Not "newer than every sibling": two files dropped together would hide each other.
  if (!own || *own <= *median + kThirtyDays) return;
  f.add_check(hit("newer_than_siblings", Severity::low,
                  "written " + std::to_string((*own - *median) / (86400ull * kTicksPerSecond)) +
                      " days after the median of its " +
                      std::to_string(static_cast<long long>(number(*siblings, "Count"))) +
                      " siblings"));
}

void obfuscated(Finding& f) {
  if (text(f.data, "Kind") != "script") return;
  const auto* content = member(f.data, "Content");
  if (!content) return;
  const double longest = number(*content, "MaxLineLength");
  const double entropy = number(*content, "Entropy");
  const bool long_line = longest > 4096;
  const bool dense = entropy > 5.8 && number(f.data, "Size") >= 1024;
  if (!long_line && !dense) return;
  std::string reason;
  if (long_line) reason = "a line of " + std::to_string(static_cast<long long>(longest)) + " bytes";
  if (dense) {
    if (!reason.empty()) reason += " and ";
    reason += "entropy " + std::to_string(entropy).substr(0, 4) + " bits per byte";
  }
  f.add_check(
      hit("obfuscated_script", long_line && dense ? Severity::medium : Severity::low, reason));
}

bool upload_like(std::string folder) {
  for (auto& c : folder) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static constexpr std::array<std::string_view, 22> kNames = {
      "upload",      "uploads", "uploaded", "upfiles",      "userfiles", "files",
      "attachments", "images",  "image",    "img",          "pics",      "photos",
      "media",       "temp",    "tmp",      "cache",        "static",    "assets",
      "css",         "js",      "fonts",    "aspnet_client"};
  if (folder.rfind("upload", 0) == 0) return true;
  return std::find(kNames.begin(), kNames.end(), folder) != kNames.end();
}

void upload_folder(Finding& f) {
  if (text(f.data, "Kind") != "script") return;
  const auto rel = text(f.data, "RelativePath");
  std::size_t start = 0;
  for (std::size_t i = 0; i < rel.size(); ++i) {
    if (rel[i] != '\\' && rel[i] != '/') continue;
    const auto folder = rel.substr(start, i - start);
    if (upload_like(folder)) {
      f.add_check(hit("script_in_upload_folder", Severity::medium,
                      "a server script below the folder \"" + folder + "\""));
      return;
    }
    start = i + 1;
  }
}

void owner_differs(Finding& f) {
  const auto* owner = member(f.data, "Owner");
  const auto* root = member(f.data, "WebRoot");
  const auto* majority = root ? member(*root, "MajorityOwner") : nullptr;
  if (!owner || !majority) return;
  const auto sid = text(*owner, "Sid");
  const auto usual = text(*majority, "Sid");
  if (sid.empty() || usual.empty() || sid == usual) return;
  if (number(*majority, "Files") < 5 || number(*majority, "Share") < 0.6) return;
  auto name = [](const ordered_json& o) {
    const auto n = text(o, "Name");
    return n.empty() ? text(o, "Sid") : n + " (" + text(o, "Sid") + ")";
  };
  f.add_check(hit("owner_differs", Severity::medium,
                  "owned by " + name(*owner) + ", while most files of the web root belong to " +
                      name(*majority)));
}

}  // namespace

void apply_webshell_checks(Finding& f, const WebshellCheckOptions& options) {
  yara_matches(f);
  content_mismatch(f);
  near_pivot(f, options);
  newer_than_siblings(f);
  obfuscated(f);
  upload_folder(f);
  owner_differs(f);
}

}  // namespace sqltriage::checks
