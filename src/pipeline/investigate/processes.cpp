// Process creations kept compactly, and their parent links.
#include "pipeline/investigate/processes.hpp"

#include "pipeline/investigate/context.hpp"

namespace sqltriage::investigation {

namespace {

std::string account(const std::string& domain, const std::string& name) {
  if (name.empty() || name == "-") return "";
  return domain.empty() || domain == "-" ? name : domain + "\\" + name;
}

bool real_logon_id(const std::string& id) { return !id.empty() && id != "0x0" && id != "-"; }

}  // namespace

std::string ProcessIndex::event_key(const ArtifactRef& a) {
  return a.path + '\n' + std::to_string(a.record.value_or(0)) + '\n' +
         std::to_string(a.offset.value_or(0));
}

std::optional<ProcessNode> ProcessIndex::from_finding(const Finding& f) {
  if (f.type != "evtx.process_creation" || !f.time) return std::nullopt;
  ProcessNode n;
  n.time = *f.time;
  n.artifact = f.artifact;
  const auto id = number(f, "EventID").value_or(0);
  if (id == 1) {
    n.event_id = 1;
    n.image = text(f, "Image");
    n.command_line = text(f, "CommandLine");
    n.user = text(f, "User");
    n.guid = text(f, "ProcessGuid");
    n.pid = number(f, "ProcessId").value_or(0);
    n.logon_id = text(f, "LogonId");
    n.parent_guid = text(f, "ParentProcessGuid");
    n.parent_pid = number(f, "ParentProcessId").value_or(0);
    n.parent_image = text(f, "ParentImage");
    n.parent_command_line = text(f, "ParentCommandLine");
    n.parent_user = text(f, "ParentUser");
  } else if (id == 4688) {
    n.event_id = 4688;
    n.image = text(f, "NewProcessName");
    n.command_line = text(f, "CommandLine");
    n.pid = number(f, "NewProcessId").value_or(0);
    n.parent_pid = number(f, "ProcessId").value_or(0);
    n.parent_image = text(f, "ParentProcessName");
    n.creator_logon_id = text(f, "SubjectLogonId");
    const std::string target = text(f, "TargetLogonId");
    n.logon_id = real_logon_id(target) ? target : n.creator_logon_id;
    // The new process's account (Windows 10 fills Target*), else its creator's; the Security
    // log names SYSTEM by the computer account.
    const bool by_target = !account(text(f, "TargetDomainName"), text(f, "TargetUserName")).empty();
    const std::string prefix = by_target ? "Target" : "Subject";
    n.user = text(f, prefix + "UserSid") == "S-1-5-18"
                 ? std::string("NT AUTHORITY\\SYSTEM")
                 : account(text(f, prefix + "DomainName"), text(f, prefix + "UserName"));
  } else {
    return std::nullopt;
  }
  return n;
}

void ProcessIndex::add(ProcessNode node) {
  const std::string key = event_key(node.artifact);
  if (by_event_.count(key)) return;
  if (nodes_.size() >= kMaxNodes) {
    ++dropped_;
    return;
  }
  const std::size_t i = nodes_.size();
  (node.event_id == 1 ? sysmon_ : security_) += 1;
  if (!node.guid.empty()) by_guid_[node.guid] = i;
  if (node.pid) by_pid_.emplace(node.pid, i);
  by_event_.emplace(key, i);
  nodes_.push_back(std::move(node));
}

void ProcessIndex::set_finding(const ArtifactRef& event, std::size_t index) {
  auto it = by_event_.find(event_key(event));
  if (it != by_event_.end() && !nodes_[it->second].finding) nodes_[it->second].finding = index;
}

const ProcessNode* ProcessIndex::of_event(const ArtifactRef& event) const {
  auto it = by_event_.find(event_key(event));
  return it == by_event_.end() ? nullptr : &nodes_[it->second];
}

const ProcessNode* ProcessIndex::creation_of(std::string_view guid, std::uint64_t pid,
                                             Filetime time) const {
  if (!guid.empty()) {
    auto it = by_guid_.find(std::string(guid));
    if (it != by_guid_.end()) return &nodes_[it->second];
  }
  if (!pid) return nullptr;
  const ProcessNode* best = nullptr;
  auto range = by_pid_.equal_range(pid);
  for (auto it = range.first; it != range.second; ++it) {
    const ProcessNode& n = nodes_[it->second];
    if (n.time > time) continue;
    if (!best || n.time > best->time) best = &n;
  }
  return best;
}

const ProcessNode* ProcessIndex::parent_of(const ProcessNode& child, std::string* how) const {
  if (!child.parent_guid.empty()) {
    auto it = by_guid_.find(child.parent_guid);
    if (it != by_guid_.end()) {
      if (how) *how = "ProcessGuid";
      return &nodes_[it->second];
    }
  }
  if (!child.parent_pid) return nullptr;
  // The latest creation of that process id before the child; one in the creator's logon
  // session wins over a mere id match (ids are reused).
  const ProcessNode* by_session = nullptr;
  const ProcessNode* by_id = nullptr;
  auto range = by_pid_.equal_range(child.parent_pid);
  for (auto it = range.first; it != range.second; ++it) {
    const ProcessNode& n = nodes_[it->second];
    if (n.time > child.time || &n == &child) continue;
    if (!by_id || n.time > by_id->time) by_id = &n;
    if (real_logon_id(child.creator_logon_id) && n.logon_id == child.creator_logon_id &&
        (!by_session || n.time > by_session->time))
      by_session = &n;
  }
  if (by_session) {
    if (how) *how = "process id and logon id";
    return by_session;
  }
  if (by_id && how) *how = "process id only";
  return by_id;
}

std::uint64_t ProcessIndex::count(std::uint16_t event_id) const {
  return event_id == 1 ? sysmon_ : event_id == 4688 ? security_ : 0;
}

}  // namespace sqltriage::investigation
