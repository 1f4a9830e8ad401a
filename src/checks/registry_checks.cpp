// The registry checks (docs/checks.md#registry): persistence and execution entries that name
// the target or live in user-writable folders, keys written inside the analyst's window, and
// unquoted service paths.
#include <algorithm>

#include "checks/windows_path.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::checks {

namespace {

bool is_persistence(std::string_view type) {
  return type == "registry.autorun" || type == "registry.service" ||
         type == "registry.scheduled_task" || type == "registry.startup_file";
}

bool is_execution(std::string_view type) {
  return type == "registry.shimcache" || type == "registry.bam" || type == "registry.amcache" ||
         type == "registry.prefetch";
}

std::string text_of(const nlohmann::ordered_json& data, const char* field) {
  const auto it = data.find(field);
  return it != data.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// ATT&CK techniques of a persistence entry.
std::vector<std::string> techniques(const Finding& f) {
  if (f.type == "registry.service") return {"T1543.003"};
  if (f.type == "registry.scheduled_task") return {"T1053.005"};
  if (f.type == "registry.startup_file") return {"T1547.001"};
  const std::string category = text_of(f.data, "Category");
  if (category == "Winlogon") return {"T1547.004"};
  if (category == "Active Setup") return {"T1547.014"};
  if (category == "IFEO Debugger" || category == "SilentProcessExit") return {"T1546.012"};
  if (category == "AppInit_DLLs") return {"T1546.010"};
  return {"T1547.001"};
}

/// "C:\ProgramData\x.exe" also names "\Device\HarddiskVolume2\ProgramData\x.exe" and
/// "\VOLUME{...}\PROGRAMDATA\X.EXE": device paths carry no drive letter.
bool names_any_target(const std::string& value, const std::vector<std::string>& targets,
                      std::string& which) {
  for (const auto& target : targets) {
    bool hit = names_target(value, target);
    if (!hit && !value.empty() && value[0] == '\\' && target.size() > 3 && target[1] == ':' &&
        (target[2] == '\\' || target[2] == '/'))
      hit = names_target(value, std::string_view(target).substr(2));
    if (hit) {
      which = target;
      return true;
    }
  }
  return false;
}

std::string what(const Finding& f) {
  if (f.type == "registry.service") return "service " + text_of(f.data, "ServiceName");
  if (f.type == "registry.scheduled_task") return "scheduled task " + text_of(f.data, "TaskPath");
  if (f.type == "registry.startup_file") return "startup folder file";
  if (f.type == "registry.autorun")
    return text_of(f.data, "Category") + " entry \"" + text_of(f.data, "ValueName") + "\"";
  return f.type.substr(f.type.find('.') + 1) + " entry";
}

void check_target(Finding& f, const std::vector<std::string>& paths,
                  const RegistryCheckOptions& o) {
  std::string which;
  for (const auto& p : paths) {
    if (!names_any_target(p, o.targets, which)) continue;
    if (is_persistence(f.type))
      f.add_check({"persistence_target", Severity::high, techniques(f),
                   "The " + what(f) + " starts the target " + which + ": " + p});
    else if (f.type == "registry.shimcache")
      f.add_check({"execution_of_target",
                   Severity::high,
                   {"T1204.002"},
                   "The ShimCache names the target " + which + ": " + p +
                       " (Windows saw the file; from Windows 10 on that alone does not prove "
                       "it ran)"});
    else
      f.add_check({"execution_of_target",
                   Severity::high,
                   {"T1204.002"},
                   "The " + what(f) + " records the target " + which + " as run: " + p});
    return;
  }
}

void check_user_writable(Finding& f, const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    if (!in_user_writable_or_web_folder(p)) continue;
    if (is_persistence(f.type))
      f.add_check({"persistence_user_writable", Severity::high, techniques(f),
                   "The " + what(f) +
                       " starts a program from a user-writable or web-served "
                       "folder: " +
                       p});
    else
      f.add_check({"execution_user_writable",
                   Severity::low,
                   {},
                   "A program in a user-writable or web-served folder ran: " + p});
    return;
  }
}

void check_window(Finding& f, const RegistryCheckOptions& o) {
  if (!o.since && !o.until) return;
  std::optional<Filetime> when = f.time;
  const char* label = "time";
  if (is_persistence(f.type) || f.type == "registry.account") {
    label = "key LastWrite";
    if (f.type == "registry.startup_file" || f.type == "registry.scheduled_task")
      label = f.type == "registry.startup_file" ? "file time" : "registration time";
  }
  if (!when) return;
  if ((o.since && *when < *o.since) || (o.until && *when > *o.until)) return;
  f.add_check({"written_in_window",
               Severity::medium,
               {},
               std::string("The ") + label + " " + format_filetime(*when) +
                   " lies inside the investigation window"});
}

bool unquoted_with_space(const std::string& image_path) {
  if (image_path.empty() || image_path[0] == '"') return false;
  if (image_path.size() < 3 || image_path[1] != ':' || image_path[2] != '\\') return false;
  const std::string lowered = detail::to_lower(image_path);
  const auto exe = lowered.find(".exe");
  if (exe == std::string::npos) return false;
  return lowered.substr(0, exe).find(' ') != std::string::npos;
}

}  // namespace

std::vector<std::string> registry_finding_paths(const Finding& f) {
  std::vector<std::string> out;
  auto add = [&out](const nlohmann::ordered_json& data, const char* field) {
    const auto it = data.find(field);
    if (it == data.end()) return;
    if (it->is_string() && !it->get<std::string>().empty()) out.push_back(it->get<std::string>());
    if (it->is_array())
      for (const auto& v : *it)
        if (v.is_string()) out.push_back(v.get<std::string>());
  };
  const auto& d = f.data;
  if (f.type == "registry.autorun") {
    add(d, "Command");
    if (out.empty()) add(d, "Data");
  } else if (f.type == "registry.service") {
    for (const char* field : {"ImagePath", "ServiceDll", "FailureCommand"}) add(d, field);
  } else if (f.type == "registry.scheduled_task") {
    if (const auto it = d.find("Actions"); it != d.end() && it->is_array())
      for (const auto& action : *it)
        for (const char* field : {"Command", "Arguments"}) add(action, field);
  } else if (f.type == "registry.prefetch") {
    add(d, "ExecutableName");
    add(d, "FilesReferenced");
  } else {
    add(d, "Path");
  }
  return out;
}

void apply_registry_checks(Finding& f, const RegistryCheckOptions& o) {
  if (f.type.rfind("registry.", 0) != 0) return;
  if (is_persistence(f.type) || is_execution(f.type)) {
    const auto paths = registry_finding_paths(f);
    if (!o.targets.empty()) check_target(f, paths, o);
    // Prefetch lists every file a program loaded: only its own name decides the folder.
    if (f.type != "registry.prefetch") check_user_writable(f, paths);
  }
  check_window(f, o);
  if (f.type == "registry.service") {
    const std::string image = text_of(f.data, "ImagePath");
    if (unquoted_with_space(image))
      f.add_check({"unquoted_service_path",
                   Severity::low,
                   {"T1574.009"},
                   "The service's ImagePath has a space before \".exe\" and is not quoted, so "
                   "Windows tries shorter paths first: " +
                       image});
  }
}

}  // namespace sqltriage::checks
