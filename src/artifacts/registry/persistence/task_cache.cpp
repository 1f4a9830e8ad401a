// registry.scheduled_task from SOFTWARE's Schedule\TaskCache: each Tree\<folders...>\<task>
// key that has an Id, joined with Tasks\<Id>; then the Tasks\<Id> keys no Tree key names
// (a task hidden by deleting its Tree key still runs until the service restarts).
//
// Format knowledge: the value names (Id, Index, SD; Path, URI, Author, Description, Date,
// Actions, Triggers, DynamicInfo) as Windows 7-11 write them; task_actions.hpp for the
// binary values.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/persistence/task_actions.hpp"
#include "artifacts/registry/persistence/values.hpp"
#include "core/ascii.hpp"
#include "core/little_endian.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::string_view kTaskCache =
    "Microsoft\\Windows NT\\CurrentVersion\\Schedule\\TaskCache";
/// Folder depth below Tree that is walked (Windows' own tree is about 5 deep).
constexpr int kMaxTreeDepth = 32;
/// Tree keys visited in all (folders and tasks).
constexpr std::size_t kMaxTreeKeys = 200000;

/// The raw bytes of value `name` (at most `limit`), or std::nullopt when absent; damage or
/// oversize becomes an error entry.
std::optional<std::vector<std::uint8_t>> raw_value(const Key& key, std::string_view name,
                                                   Sink& sink, std::optional<std::uint64_t>& at) {
  try {
    if (auto value = key.value(name)) {
      at = value->offset();
      return value->data(1024 * 1024);
    }
  } catch (const ArtifactError& e) {
    sink.record_error(e);
  }
  return std::nullopt;
}

/// Adds the fields that come from Tasks\{GUID} to `data`.
void add_task_fields(const Key& task, Sink& sink, nlohmann::ordered_json& data) {
  data["TasksKeyPath"] = task.path();
  data["Path"] = or_null(string_value(task, "Path", sink));
  data["URI"] = or_null(string_value(task, "URI", sink));
  data["Author"] = or_null(string_value(task, "Author", sink));
  data["Description"] = or_null(string_value(task, "Description", sink));
  data["RegistrationDate"] = or_null(string_value(task, "Date", sink));

  std::optional<std::uint64_t> at;
  data["ActionsVersion"] = nullptr;
  data["ActionsContext"] = nullptr;
  data["Actions"] = nullptr;
  if (auto bytes = raw_value(task, "Actions", sink, at)) {
    TaskActions parsed = parse_task_actions(bytes->data(), bytes->size());
    if (bytes->size() >= 2) data["ActionsVersion"] = parsed.version;
    data["ActionsContext"] = or_null(parsed.context);
    data["Actions"] = std::move(parsed.actions);
    if (parsed.error)
      sink.errors.push_back(make_error(
          task.hive_path(), "record",
          "Actions of task key \"" + task.path() + "\" (value cell at " +
              (at ? hex_offset(*at) : std::string("an unknown offset")) + "): " + *parsed.error +
              " at byte " + std::to_string(parsed.error_offset) + " of its data",
          at));
  }
  data["Triggers"] = value_field(task, "Triggers", sink);

  std::optional<TaskDynamicInfo> dynamic;
  if (auto bytes = raw_value(task, "DynamicInfo", sink, at))
    dynamic = parse_task_dynamic_info(bytes->data(), bytes->size());
  data["Created"] = time_or_null(dynamic ? dynamic->created : std::nullopt);
  data["LastRun"] = time_or_null(dynamic ? dynamic->last_run : std::nullopt);
  data["LastCompleted"] = time_or_null(dynamic ? dynamic->last_completed : std::nullopt);
}

struct Walk {
  const HiveContext& hive;
  Sink& sink;
  std::optional<Key> tasks;
  /// Lower-cased Tasks subkey name -> its index. Looking each Tree key's Id up by name would
  /// make libregf read every Tasks subkey again (quadratic: 12 s for 2,000 tasks).
  std::map<std::string, std::size_t> task_index;
  std::set<std::string> joined;  // lower-cased task ids seen in Tree
  std::size_t visited = 0;
  bool limit_reported = false;
};

void emit_tree_task(Walk& w, const Key& node, const std::string& task_path, const std::string& id) {
  Finding f = key_finding("registry.scheduled_task", w.hive, node);
  f.data["TaskPath"] = task_path;
  f.data["Id"] = id;
  f.data["Source"] = "TaskCache";
  f.data["InTree"] = true;
  f.data["Index"] = value_field(node, "Index", w.sink);
  f.data["SD"] = value_field(node, "SD", w.sink);
  std::optional<Key> task;
  if (const auto it = w.task_index.find(ascii_lower(id)); w.tasks && it != w.task_index.end()) {
    try {
      task = w.tasks->subkey(it->second);
    } catch (const ArtifactError& e) {
      w.sink.record_error(e);
    }
  }
  if (task) {
    w.joined.insert(ascii_lower(id));
    add_task_fields(*task, w.sink, f.data);
  } else {
    f.data["TasksKeyPath"] = nullptr;
  }
  f.summary =
      "Scheduled task " + task_path + " (TaskCache): " + describe_actions(f.data["Actions"]);
  w.sink.finding(std::move(f));
}

void walk_tree(Walk& w, const Key& node, const std::string& task_path, int depth) {
  if (++w.visited > kMaxTreeKeys) {
    if (!w.limit_reported)
      w.sink.errors.push_back(make_error(node.hive_path(), "limit",
                                         "TaskCache Tree has more than " +
                                             std::to_string(kMaxTreeKeys) +
                                             " keys; the rest are not read",
                                         node.offset()));
    w.limit_reported = true;
    return;
  }
  if (depth > 0) {
    const std::optional<std::string> id = string_value(node, "Id", w.sink);
    if (id && !id->empty()) emit_tree_task(w, node, task_path, *id);
  }
  if (depth >= kMaxTreeDepth) {
    if (node.number_of_subkeys() > 0)
      w.sink.errors.push_back(make_error(node.hive_path(), "limit",
                                         "TaskCache Tree key \"" + node.path() + "\" is " +
                                             std::to_string(depth) +
                                             " levels deep; its subkeys are not read",
                                         node.offset()));
    return;
  }
  for_each_subkey(node, w.sink, [&](const Key& child) {
    walk_tree(w, child, task_path + "\\" + child.name(), depth + 1);
  });
}

}  // namespace

void read_task_cache(const HiveContext& software, Sink& sink) {
  Walk w{software, sink, find_key(software, std::string(kTaskCache) + "\\Tasks", sink), {}, {},
         0,        false};
  if (w.tasks) {
    // By position, so a damaged subkey (reported by the walk over Tasks below) shifts nothing.
    try {
      const std::size_t count = std::min(w.tasks->number_of_subkeys(), kMaxSubkeys);
      for (std::size_t i = 0; i < count; ++i) {
        try {
          w.task_index.emplace(ascii_lower(w.tasks->subkey(i).name()), i);
        } catch (const ArtifactError&) {
          // reported once, by the walk over Tasks below
        }
      }
    } catch (const ArtifactError&) {
      // reported by the walk over Tasks below
    }
  }
  if (auto tree = find_key(software, std::string(kTaskCache) + "\\Tree", sink)) {
    try {
      walk_tree(w, *tree, "", 0);
    } catch (const ArtifactError& e) {
      sink.record_error(e);
    }
  }
  if (!w.tasks) return;
  for_each_subkey(*w.tasks, sink, [&](const Key& task) {
    const std::string id = task.name();
    if (w.joined.count(ascii_lower(id)) != 0) return;
    Finding f = key_finding("registry.scheduled_task", software, task);
    const std::optional<std::string> path = string_value(task, "Path", sink);
    f.data["TaskPath"] = or_null(path);
    f.data["Id"] = id;
    f.data["Source"] = "TaskCache";
    f.data["InTree"] = false;
    f.data["Index"] = nullptr;
    f.data["SD"] = nullptr;
    add_task_fields(task, sink, f.data);
    f.summary = "Scheduled task " + (path ? *path : id) +
                " (TaskCache, no Tree key): " + describe_actions(f.data["Actions"]);
    sink.finding(std::move(f));
  });
}

}  // namespace sqltriage::registry
