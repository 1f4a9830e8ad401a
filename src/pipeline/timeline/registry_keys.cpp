// Every key's LastWrite time of the evidence's hives (see sources.hpp).
#include <utility>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/open_hive.hpp"
#include "pipeline/registry/locate_hives.hpp"
#include "pipeline/timeline/sources.hpp"
#include "sqltriage/accounts.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::pipeline::timeline {

namespace {

using registry_scan::LocatedHive;

/// Deeper than this is a damaged or hostile hive: the walk stops there with an error.
constexpr std::size_t kMaxDepth = 512;

void walk_hive(const LocatedHive& located, const AccountNames& accounts, const EventFn& add,
               std::vector<ErrorEntry>& errors, SourceCounts& counts) {
  auto opened = registry::open_hive(located.file, true, errors);
  if (!opened) return;
  ++counts.files;
  registry::HiveKind kind = located.kind;
  if (kind == registry::HiveKind::other) kind = registry::kind_from_content(opened->hive);
  const std::string user_name = located.user_name(accounts);
  const registry::HiveContext ctx{opened->hive, kind, located.user_sid, user_name, accounts};
  const std::string& hive_path = opened->hive.display_path();

  struct Frame {
    registry::Key key;
    std::size_t depth;
  };
  std::vector<Frame> stack;
  try {
    stack.push_back({opened->hive.root(), 0});
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(e, "record"));
    return;
  }
  while (!stack.empty()) {
    Frame frame = std::move(stack.back());
    stack.pop_back();
    try {
      const Finding f = registry::key_finding("registry.key", ctx, frame.key);
      if (f.time) {
        TimelineEvent e;
        e.time = *f.time;
        e.source = "Registry";
        e.timestamp_desc = "Key Last Written";
        e.message = f.data.value("RegistryPath", frame.key.path());
        e.user = user_name;
        e.artifact.path = hive_path;
        e.artifact.offset = frame.key.offset();
        add(std::move(e));
        ++counts.records;
      }
      const std::size_t n = frame.key.number_of_subkeys();
      if (n > 0 && frame.depth >= kMaxDepth) {
        errors.push_back(make_error(hive_path, "limit",
                                    "keys deeper than " + std::to_string(kMaxDepth) +
                                        " levels were not walked (below " + frame.key.path() + ")",
                                    frame.key.offset()));
        continue;
      }
      // Pushed in reverse so that subkeys come out in stored order.
      for (std::size_t i = n; i-- > 0;) {
        try {
          stack.push_back({frame.key.subkey(i), frame.depth + 1});
        } catch (const ArtifactError& e) {
          errors.push_back(make_error(e, "record"));
        }
      }
    } catch (const ArtifactError& e) {
      errors.push_back(make_error(e, "record"));
    }
  }
}

}  // namespace

SourceCounts registry_key_events(const Evidence& evidence, const EventFn& add,
                                 std::vector<ErrorEntry>& errors) {
  SourceCounts counts;
  if (!evidence.has_windows_layout()) {
    const AccountNames accounts;
    for (const auto& hive : registry_scan::locate_loose_hives(evidence, errors))
      walk_hive(hive, accounts, add, errors, counts);
    return counts;
  }
  const auto machine = registry_scan::locate_machine_hives(evidence, errors);
  std::vector<ErrorEntry> name_errors;  // reported by the registry scan already
  const AccountNames accounts = AccountNames::from_evidence(evidence, name_errors);
  for (const auto& hive : machine) walk_hive(hive, accounts, add, errors, counts);
  for (const auto& hive : registry_scan::locate_user_hives(evidence, accounts.profiles()))
    walk_hive(hive, accounts, add, errors, counts);
  return counts;
}

}  // namespace sqltriage::pipeline::timeline
