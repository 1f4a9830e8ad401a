// Describing a process and its parents for an answer.
#include "pipeline/investigate/process_chain.hpp"

#include "sqltriage/checks.hpp"

namespace sqltriage::investigation {

std::string describe_process(const ProcessNode& n) {
  std::string out = n.image.empty() ? std::string("(unnamed process)") : n.image;
  std::string extra;
  if (n.pid) extra = "pid " + std::to_string(n.pid);
  if (!n.user.empty()) extra += (extra.empty() ? "" : ", ") + n.user;
  if (!extra.empty()) out += " (" + extra + ")";
  return out;
}

std::string describe_parents(AnswerBuilder& b, const ProcessNode& start, int levels) {
  const ProcessIndex& index = b.ctx().processes;
  std::string out;
  const ProcessNode* child = &start;
  for (int level = 0; level < levels && child; ++level) {
    std::string how;
    const ProcessNode* parent = index.parent_of(*child, &how);
    std::string part;
    if (parent) {
      part = describe_process(*parent) + " started " + format_filetime(parent->time) + " (" +
             (parent->event_id == 1 ? "Sysmon 1" : "4688") + ", linked by " + how + ")";
      if (parent->finding) b.cite(*parent->finding);
    } else if (!child->parent_image.empty()) {
      part = child->parent_image;
      if (child->parent_pid) part += " (pid " + std::to_string(child->parent_pid) +
                                     (child->parent_user.empty() ? "" : ", " + child->parent_user) + ")";
      part += " (its creation is not in the logs)";
    } else {
      break;
    }
    out += (out.empty() ? "parent chain: " : " <- ") + part;
    child = parent;
  }
  return out;
}

std::string short_parents(const ProcessIndex& index, const ProcessNode& start, int levels) {
  std::string out;
  const ProcessNode* child = &start;
  for (int level = 0; level < levels && child; ++level) {
    const ProcessNode* parent = index.parent_of(*child);
    const std::string image = parent ? parent->image : child->parent_image;
    if (image.empty()) break;
    out += (out.empty() ? "" : " <- ") + std::string(checks::basename(image));
    child = parent;
  }
  return out;
}

}  // namespace sqltriage::investigation
