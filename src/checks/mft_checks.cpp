// Checks on MFT entries (`mft.entry` findings): timestomping, Internet downloads, executables
// in user-writable or web-served folders (see docs/checks.md).
#include <array>
#include <string>
#include <vector>

#include "checks/evtx_parts.hpp"
#include "checks/expected_folder.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/known_binaries.hpp"

namespace sqltriage::checks {

namespace {

using nlohmann::ordered_json;

constexpr std::array<std::string_view, 4> kTimeNames = {"CreationTime", "LastWriteTime",
                                                        "ChangeTime", "LastAccessTime"};

const ordered_json* object_field(const ordered_json& data, std::string_view name) {
  if (!data.is_object()) return nullptr;
  const auto it = data.find(name);
  return it != data.end() && it->is_object() ? &*it : nullptr;
}

std::optional<Filetime> time_field(const ordered_json& block, std::string_view name) {
  const auto text = detail::text_field(block, name);
  return text ? parse_iso8601(*text) : std::nullopt;
}

bool whole_second(Filetime t) { return t % kTicksPerSecond == 0; }

/// A $FILE_NAME block of the long name (Win32, POSIX or Win32 & DOS), not the DOS 8.3 one.
bool is_long_name(const ordered_json& fn) {
  const auto ns = detail::text_field(fn, "Namespace");
  return ns && *ns != "DOS";
}

std::string entry_name(const ordered_json& data) {
  const auto path = detail::text_field(data, "Path");
  return path && !path->empty() ? *path : std::string("The entry");
}

}  // namespace

void check_timestomping(Finding& f) {
  const auto* si = object_field(f.data, "$STANDARD_INFORMATION");
  const auto names = f.data.find("$FILE_NAME");
  if (si == nullptr || names == f.data.end() || !names->is_array()) return;
  const auto si_created = time_field(*si, "CreationTime");
  const std::string who = entry_name(f.data);

  // $SI creation earlier than a long $FILE_NAME's creation: $FN times are set by the
  // kernel when the name is created; user-mode tools (SetFileTime) only change $SI. A
  // FILETIME of 0 means "not set" and is not compared.
  if (si_created && *si_created != 0) {
    for (const auto& fn : *names) {
      if (!fn.is_object() || !is_long_name(fn)) continue;
      const auto fn_created = time_field(fn, "CreationTime");
      if (!fn_created || *si_created >= *fn_created) continue;
      f.add_check({"timestomping",
                   Severity::medium,
                   {"T1070.006"},
                   who + ": $STANDARD_INFORMATION CreationTime " + format_filetime(*si_created) +
                       " is earlier than the $FILE_NAME CreationTime " +
                       format_filetime(*fn_created) + " of \"" +
                       detail::text_field(fn, "FileName").value_or("") + "\"."});
      return;
    }
  }

  // Four whole-second $SI times while the $FILE_NAME times carry sub-seconds: tools that
  // set times from a "YYYY-MM-DD hh:mm:ss" text leave this pattern.
  int whole = 0;
  for (auto name : kTimeNames) {
    const auto t = time_field(*si, name);
    if (!t || *t == 0 || !whole_second(*t)) return;
    ++whole;
  }
  for (const auto& fn : *names) {
    if (!fn.is_object()) continue;
    for (auto name : kTimeNames) {
      const auto t = time_field(fn, name);
      if (!t || *t == 0 || whole_second(*t)) continue;
      f.add_check({"timestomping",
                   Severity::medium,
                   {"T1070.006"},
                   who + ": all " + std::to_string(whole) +
                       " $STANDARD_INFORMATION times have a zero sub-second part (CreationTime " +
                       format_filetime(*si_created) + ") while $FILE_NAME " + std::string(name) +
                       " " + format_filetime(*t) + " of \"" +
                       detail::text_field(fn, "FileName").value_or("") + "\" has one."});
      return;
    }
  }
}

void check_entry_internet_download(Finding& f) {
  const auto* zone = object_field(f.data, "Zone.Identifier");
  if (zone == nullptr) return;
  // The EVTX check reads Sysmon 15's field names; hand it the same facts.
  Finding probe;
  probe.data = ordered_json::object();
  if (auto it = zone->find("ZoneId"); it != zone->end()) probe.data["ZoneId"] = *it;
  if (auto host = detail::text_field(*zone, "HostUrl")) probe.data["HostUrl"] = *host;
  if (auto path = detail::text_field(f.data, "Path")) probe.data["TargetFilename"] = *path;
  detail::check_internet_download(probe);
  for (auto& hit : probe.checks) f.add_check(std::move(hit));
}

void check_user_writable_executable(Finding& f) {
  const auto path = detail::text_field(f.data, "Path");
  if (!path || path->empty()) return;
  if (auto dir = f.data.find("Directory"); dir != f.data.end() && dir->is_boolean() && *dir) return;
  if (!in_user_writable_or_web_folder(*path)) return;
  const bool runnable = detail::is_runnable(*path);
  const bool mz = detail::text_field(f.data, "FileSignature").value_or("") == "MZ";
  if (!runnable && !mz) return;
  // A well-known binary at home is not "dropped" (Defender runs from ProgramData).
  if (const auto* known = find_known_binary(basename(*path));
      known != nullptr && detail::in_expected_folder(*path, *known))
    return;
  std::string why = runnable ? "a name Windows or a web server runs" : "no runnable extension";
  if (mz) why += runnable ? " and data starting with \"MZ\"" : " but data starting with \"MZ\"";
  f.add_check(
      {"user_writable_executable",
       Severity::medium,
       {},
       "Executable " + *path + " (" + why + ") lies in a user-writable or web-served folder."});
}

void apply_mft_checks(Finding& f) {
  check_timestomping(f);
  check_entry_internet_download(f);
  check_user_writable_executable(f);
}

}  // namespace sqltriage::checks
