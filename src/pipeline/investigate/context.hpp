// What the investigation steps share: the findings collected so far, the errors, the
// process creations seen, and small readers of finding data.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "pipeline/investigate/processes.hpp"
#include "sqltriage/investigate.hpp"

namespace sqltriage::investigation {

struct Context {
  explicit Context(const InvestigateOptions& o) : options(o) {}
  const InvestigateOptions& options;
  std::vector<Finding> findings;
  std::vector<ErrorEntry> errors;
  ProcessIndex processes;
  /// finding_key() of every kept finding, and the keys of the errors kept.
  std::unordered_set<std::string> seen_findings;
  std::unordered_set<std::string> seen_errors;
  /// Whether any step read anything.
  bool any_readable = false;
  RunStats totals;
  /// Instance and host address used for question 4 (from the options or describe-instances).
  std::string instance_id;
  std::string host_ip;
  /// Why question 4's CloudTrail or flow-log part could not run, when it could not.
  std::vector<std::string> aws_gaps;
  /// CloudTrail calls of the instance's credentials the scan reported (kept or not).
  std::uint64_t cloudtrail_calls = 0;
  /// Called with each scan's document header (the evidence it opened).
  std::function<void(const DocumentHeader&)> on_begin;
};

// --- reading finding data -----------------------------------------------------------------

/// data[key] as text ("" when absent or not a string; numbers are printed).
std::string text(const Finding& f, std::string_view key);
/// data[key] as a number, when it is one (or a decimal or 0x text).
std::optional<std::uint64_t> number(const Finding& f, std::string_view key);
/// The value at an ECS-style dotted path of nested objects ("cloud.instance.id"), or nullptr.
const nlohmann::ordered_json* nested(const Finding& f, std::string_view dotted);
/// data[key] as a boolean, `otherwise` when absent or not a boolean.
bool flag(const Finding& f, std::string_view key, bool otherwise);
/// data[key] when it is an object, else an empty object.
const nlohmann::ordered_json& object(const Finding& f, std::string_view key);
/// obj[key] as text ("" when obj is not an object or the member is absent; numbers printed).
std::string member_text(const nlohmann::ordered_json& obj, std::string_view key);
/// Whether the finding carries a check with this id.
bool has_check(const Finding& f, std::string_view id);
/// Windows paths equal, ASCII case-insensitive, '/' and '\' alike, drive letter optional.
bool same_path(std::string_view a, std::string_view b);
/// Whether f.time lies in [since, until].
bool in_window(const Finding& f, const Pivot& p);
/// "2023-02-20T14:03:15.6054321Z", or "(no time)".
std::string when(const std::optional<Filetime>& t);

/// Appends `index` to `out` once.
void cite(std::vector<std::size_t>& out, std::size_t index);

}  // namespace sqltriage::investigation
