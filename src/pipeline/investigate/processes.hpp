// Process creations (Sysmon 1, Security 4688) kept compactly, so that a process's parent
// chain can be followed even when the parent started long before the investigation window.
//
// Parent links: Sysmon 1 by ParentProcessGuid (unique per process); Security 4688 by the
// parent's process id (ProcessId of the child's event) among the creations before the
// child, preferring the one whose logon session is the child's creator session
// (SubjectLogonId). Field names: Sysmon's event schema; Microsoft's 4688 documentation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sqltriage/finding.hpp"

namespace sqltriage::investigation {

struct ProcessNode {
  Filetime time = 0;
  std::uint16_t event_id = 0;  ///< 1 (Sysmon) or 4688 (Security)
  std::string image;           ///< Image / NewProcessName
  std::string command_line;
  std::string user;      ///< User, or TargetUserName (SubjectUserName when "-") with domain
  std::string guid;      ///< ProcessGuid (Sysmon)
  std::uint64_t pid = 0;
  std::string logon_id;  ///< the session the process runs in (LogonId / TargetLogonId)
  std::string creator_logon_id;  ///< 4688 SubjectLogonId: the parent's session
  std::string parent_guid;
  std::uint64_t parent_pid = 0;
  std::string parent_image;
  std::string parent_command_line;
  std::string parent_user;
  ArtifactRef artifact;
  /// Index of its finding in the report, when the finding was kept.
  std::optional<std::size_t> finding;
};

class ProcessIndex {
 public:
  /// Nodes kept at most; more are counted (dropped()).
  static constexpr std::size_t kMaxNodes = 2'000'000;

  /// The node of an evtx.process_creation finding (EventID 1 or 4688); nullopt otherwise.
  static std::optional<ProcessNode> from_finding(const Finding& f);

  /// Adds a node; nodes of the same event (artifact path and record) are kept once.
  void add(ProcessNode node);
  /// Records that the node of this event has its finding at `index`.
  void set_finding(const ArtifactRef& event, std::size_t index);

  /// The creation of `child`'s parent, or nullptr. `how` says how it was linked.
  const ProcessNode* parent_of(const ProcessNode& child, std::string* how = nullptr) const;
  /// The node of this event, or nullptr.
  const ProcessNode* of_event(const ArtifactRef& event) const;
  /// The latest creation of a process with this guid (Sysmon) or else this id that is not
  /// after `time`, or nullptr.
  const ProcessNode* creation_of(std::string_view guid, std::uint64_t pid, Filetime time) const;

  std::size_t size() const { return nodes_.size(); }
  std::uint64_t dropped() const { return dropped_; }
  /// Number of nodes per EventID (1, 4688).
  std::uint64_t count(std::uint16_t event_id) const;

 private:
  static std::string event_key(const ArtifactRef& a);
  std::vector<ProcessNode> nodes_;
  std::unordered_map<std::string, std::size_t> by_guid_;
  std::unordered_multimap<std::uint64_t, std::size_t> by_pid_;
  std::unordered_map<std::string, std::size_t> by_event_;
  std::uint64_t dropped_ = 0;
  std::uint64_t sysmon_ = 0;
  std::uint64_t security_ = 0;
};

}  // namespace sqltriage::investigation
