// registry.scheduled_task from the XML task files below C:\Windows\System32\Tasks, walked
// folder by folder through the evidence (depth and count bounded).
#include <string>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/persistence/evidence_files.hpp"
#include "artifacts/registry/persistence/task_actions.hpp"
#include "artifacts/registry/persistence/task_xml.hpp"
#include "core/little_endian.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::string_view kTasksDir = "C:\\Windows\\System32\\Tasks";
constexpr int kMaxDepth = 16;                               ///< folders below Tasks
constexpr std::size_t kMaxFiles = 20000;                    ///< task files read in all
constexpr std::size_t kMaxTaskFileBytes = 4 * 1024 * 1024;  ///< larger files are not read

struct Walk {
  const Evidence& evidence;
  const AccountNames& accounts;
  Sink& sink;
  std::size_t files = 0;
  bool limit_reported = false;
};

std::string file_name(const std::string& display_path) {
  const std::size_t slash = display_path.find_last_of('\\');
  return slash == std::string::npos ? display_path : display_path.substr(slash + 1);
}

void read_task_file(Walk& w, const ArtifactFile& file, const std::string& task_path) {
  auto bytes = read_small_file(file, kMaxTaskFileBytes, w.sink);
  if (!bytes) return;
  TaskXml parsed = parse_task_xml(bytes->data(), bytes->size());
  if (parsed.error) {
    w.sink.errors.push_back(make_error(
        file.display_path, "record",
        "task file: " + *parsed.error + " at byte offset " + std::to_string(parsed.error_offset),
        parsed.error_offset));
    return;
  }
  Finding f;
  f.type = "registry.scheduled_task";
  f.artifact.path = file.display_path;
  f.time = parsed.registration_time;
  f.data["TaskPath"] = task_path;
  f.data["Source"] = "Tasks XML";
  for (auto& [name, value] : parsed.data.items()) {
    f.data[name] = value;
    if (name == "UserId") {
      nlohmann::ordered_json user = nullptr;
      if (value.is_string()) {
        const std::string id = value.get<std::string>();
        if (id.size() > 4 && (id[0] == 'S' || id[0] == 's') && id[1] == '-')
          if (auto known = w.accounts.name(id)) user = *known;
      }
      f.data["UserName"] = user;
    }
  }
  f.summary =
      "Scheduled task " + task_path + " (Tasks XML): " + describe_actions(f.data["Actions"]);
  w.sink.finding(std::move(f));
}

void walk(Walk& w, const std::string& folder, const std::string& task_path, int depth) {
  for (const ArtifactFile& file : w.evidence.list(folder)) {
    if (w.files >= kMaxFiles) {
      if (!w.limit_reported)
        w.sink.errors.push_back(make_error(
            std::string(kTasksDir), "limit",
            "more than " + std::to_string(kMaxFiles) + " task files; the rest are not read"));
      w.limit_reported = true;
      return;
    }
    ++w.files;
    read_task_file(w, file, task_path + "\\" + file_name(file.display_path));
  }
  const std::vector<std::string> subfolders = w.evidence.folders(folder);
  if (depth >= kMaxDepth) {
    if (!subfolders.empty())
      w.sink.errors.push_back(make_error(folder, "limit",
                                         "task folder is " + std::to_string(depth) +
                                             " levels below Tasks; its subfolders are not read"));
    return;
  }
  for (const std::string& sub : subfolders)
    walk(w, folder + "\\" + sub, task_path + "\\" + sub, depth + 1);
}

}  // namespace

void read_task_files(const Evidence& evidence, const AccountNames& accounts, Sink& sink) {
  if (!evidence.has_windows_layout()) return;
  Walk w{evidence, accounts, sink};
  walk(w, std::string(kTasksDir), "", 0);
}

}  // namespace sqltriage::registry
