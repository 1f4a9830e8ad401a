// Q2: who dropped it, and how? The MFT record (times, owner, Zone.Identifier), USN records,
// the Sysmon 11 that created it and the creating process's own chain, commands naming it,
// web uploads of its size and rare resources near the pivot, webshells, and the logons of
// the window.
#include "pipeline/investigate/answer_builder.hpp"
#include "pipeline/investigate/process_chain.hpp"
#include "pipeline/investigate/questions.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::investigation {

namespace {

/// Whether a web client's requests (first to last seen) overlap the window.
bool client_active_in_window(const Finding& f, const Pivot& p) {
  const auto first = parse_iso8601(text(f, "FirstSeen"));
  const auto last = parse_iso8601(text(f, "LastSeen"));
  if (!first || !last || !p.since) return in_window(f, p);
  return *first <= *p.until && *last >= *p.since;
}

bool remote_logon_type(std::uint64_t t) { return t == 2 || t == 3 || t == 10; }

std::string logon_line(const Finding& f) {
  const auto id = number(f, "EventID").value_or(0);
  const std::string t = when(f.time);
  if (id == 4624) {
    std::string who = text(f, "TargetDomainName");
    who = (who.empty() || who == "-" ? "" : who + "\\") + text(f, "TargetUserName");
    std::string from = text(f, "IpAddress");
    return t + " 4624 LogonType " + text(f, "LogonType") + " " + who +
           (from.empty() || from == "-" ? "" : " from " + from);
  }
  return t + " " + std::to_string(id) + ": " + f.summary;
}

}  // namespace

QuestionAnswer answer_dropped(const Context& ctx, const Subject& s) {
  AnswerBuilder b(ctx, "dropped", "Who dropped it, and how?");
  const auto& fs = ctx.findings;
  bool when_known = false, how_known = false, who_known = false;
  std::string created_by, owner, zone, uploads, shells;

  // The MFT record.
  std::optional<std::uint64_t> entry;
  if (s.finding && fs[*s.finding].type == "mft.entry") {
    const Finding& f = fs[*s.finding];
    b.cite(*s.finding);
    entry = number(f, "Entry");
    when_known = true;
    if (!flag(f, "InUse", true)) b.point("its MFT entry is deleted (the file was removed)");
    std::string fn;
    if (auto it = f.data.find("$FILE_NAME"); it != f.data.end() && it->is_array() && !it->empty())
      fn = member_text((*it)[0], "CreationTime");
    const std::string si = member_text(object(f, "$STANDARD_INFORMATION"),
                                       "CreationTime");
    if (!fn.empty() || !si.empty())
      b.point("created " + (fn.empty() ? si + " ($STANDARD_INFORMATION)" : fn + " ($FILE_NAME)") +
            (si.empty() || si == fn ? ""
                                    : "; $STANDARD_INFORMATION says " + si +
                                          (has_check(f, "timestomping") ? " (timestomped)" : "")));
    const auto o = object(f, "Owner");
    owner = member_text(o, "Name");
    const std::string sid = member_text(o, "Sid");
    if (!owner.empty() || !sid.empty()) {
      who_known = true;
      b.point("owner " + (owner.empty() ? sid : owner + " (" + sid + ")"));
      if (owner.empty()) owner = sid;
    }
    if (auto z = f.data.find("Zone.Identifier"); z != f.data.end() && z->is_object()) {
      how_known = true;
      zone = "ZoneId " + member_text(*z, "ZoneId");
      const std::string zn = member_text(*z, "ZoneName");
      if (!zn.empty()) zone += " (" + zn + ")";
      for (const char* key : {"HostUrl", "ReferrerUrl"}) {
        const std::string v = member_text(*z, key);
        if (!v.empty()) zone += ", " + std::string(key) + " " + v;
      }
      b.point("Zone.Identifier: " + zone);
    }
  }

  for (std::size_t i = 0; i < fs.size(); ++i) {
    const Finding& f = fs[i];
    if (f.type == "mft.usn") {
      bool mine = about(f, s);
      if (entry) {
        auto ref = f.data.find("FileReferenceNumber");
        mine = ref != f.data.end() && ref->is_object() && ref->value("Entry", 0ULL) == *entry;
      }
      if (!mine) continue;
      b.cite(i);
      when_known = true;
      std::string reasons;
      if (auto r = f.data.find("ReasonNames"); r != f.data.end() && r->is_array())
        for (const auto& n : *r)
          if (n.is_string()) reasons += (reasons.empty() ? "" : "|") + n.get<std::string>();
      b.point("USN " + when(f.time) + " " + text(f, "FileName") + ": " + reasons);
    } else if (f.type == "evtx.file_created" && same_path(text(f, "TargetFilename"), s.path)) {
      b.cite(i);
      when_known = how_known = who_known = true;
      const ProcessNode* creator = ctx.processes.creation_of(
          text(f, "ProcessGuid"), number(f, "ProcessId").value_or(0), *f.time);
      std::string user = text(f, "User");
      if (user.empty() && creator) user = creator->user;
      std::string line = "Sysmon 11 " + when(f.time) + ": created by " + text(f, "Image") +
                         " (pid " + text(f, "ProcessId") + (user.empty() ? "" : ", " + user) + ")";
      b.point(line);
      if (created_by.empty())
        created_by = std::string(checks::basename(text(f, "Image"))) + (user.empty() ? "" : " as " + user);
      if (creator) {
        if (creator->finding) b.cite(*creator->finding);
        b.point("the creating process: " + describe_process(*creator) + " started " +
                format_filetime(creator->time) + ": " + creator->command_line);
        const std::string chain = describe_parents(b, *creator);
        if (!chain.empty()) {
          b.point(chain);
          const std::string parents = short_parents(ctx.processes, *creator);
          if (created_by.find(" <- ") == std::string::npos && !parents.empty())
            created_by += " <- " + parents;
        }
        // What the creating process connected to.
        for (std::size_t j = 0; j < fs.size(); ++j) {
          const Finding& n = fs[j];
          if (n.type != "evtx.network_connection") continue;
          const bool same = (!creator->guid.empty() && text(n, "ProcessGuid") == creator->guid) ||
                            (creator->guid.empty() && number(n, "ProcessId") == creator->pid &&
                             same_path(text(n, "Image"), creator->image));
          if (!same) continue;
          b.cite(j);
          b.point("the creating process connected to " + text(n, "DestinationIp") + ":" +
                  text(n, "DestinationPort") + " at " + when(n.time));
        }
      }
    } else if (f.type == "evtx.file_stream_created" && about(f, s)) {
      b.cite(i);
      b.point("Sysmon 15 " + when(f.time) + ": " + f.summary);
    } else if (f.type == "evtx.process_creation" && about(f, s) &&
               !same_path(text(f, "Image"), s.path) &&
               !same_path(text(f, "NewProcessName"), s.path) && in_window(f, s.pivot)) {
      // A command naming the file before it ran: the download or copy.
      b.cite(i);
      how_known = true;
      b.point(when(f.time) + " a command names it: " + text(f, "CommandLine"));
    } else if (f.type == "weblog.upload" && in_window(f, s.pivot) &&
               (text(f, "Target").empty() || same_path(text(f, "Target"), s.path))) {
      b.cite(i);
      how_known = who_known = true;
      b.point("web upload " + when(f.time) + ": " + f.summary);
      uploads += (uploads.empty() ? "" : "; ") + f.summary;
    } else if (f.type == "weblog.resource" && f.severity >= Severity::medium && in_window(f, s.pivot)) {
      b.cite(i);
      b.point("web resource: " + f.summary);
    } else if (f.type == "weblog.client" && has_check(f, "client_sent_upload") && s.pivot.time &&
               client_active_in_window(f, s.pivot)) {
      b.cite(i);
      b.point("web client: " + f.summary);
    } else if (f.type == "webshell.file" && f.severity >= Severity::medium &&
               has_check(f, "recent_near_pivot") && s.pivot.time) {
      // Only a webshell written or changed around this file's creation is part of its story.
      b.cite(i);
      how_known = true;
      b.point("webshell: " + f.summary);
      shells += (shells.empty() ? "" : ", ") + text(f, "Path");
    }
  }

  // Logons around the pivot.
  std::size_t logons = 0;
  std::string remote;
  for (std::size_t i = 0; i < fs.size(); ++i) {
    const Finding& f = fs[i];
    if (!in_window(f, s.pivot)) continue;
    const auto id = number(f, "EventID").value_or(0);
    const bool logon = f.type == "evtx.logon" && id == 4624 &&
                       remote_logon_type(number(f, "LogonType").value_or(0));
    const bool rdp = (f.type == "evtx.rdp_authentication" && id == 1149) ||
                     (f.type == "evtx.rdp_session" && id == 21);
    if (!logon && !rdp) continue;
    b.cite(i);
    ++logons;
    b.point(logon_line(f));
    if (f.severity >= Severity::medium && remote.empty()) remote = logon_line(f);
  }

  // What could not be read.
  if (!s.finding || fs[*s.finding].type != "mft.entry") b.missing("the file's $MFT record");
  b.missing(missing_artifacts(ctx, {{"$UsnJrnl", "USN journal ($Extend\\$UsnJrnl:$J)"},
                                    {"Sysmon", "Sysmon log (Microsoft-Windows-Sysmon%4Operational.evtx)"},
                                    {"Security.evtx", "Security log (logons, 4624)"},
                                    {"TerminalServices", "RDP logs (TerminalServices)"},
                                    {"W3SVC", "web server logs"},
                                    {"inetpub\\logs", "web server logs"}}));
  for (const auto& e : ctx.errors)
    if (e.code == "missing" && e.message.find("web server log") != std::string::npos)
      b.missing("web server logs");

  std::string summary;
  if (!created_by.empty()) summary = "Created " + when(s.pivot.time) + " by " + created_by + ".";
  else if (!owner.empty()) summary = "Owned by " + owner + " (who created it).";
  if (!zone.empty()) summary += " Downloaded from the Internet: " + zone + ".";
  if (!uploads.empty()) summary += " Web upload of its size: " + uploads + ".";
  if (!shells.empty()) summary += " Webshell(s) in the web root: " + shells + ".";
  if (logons) {
    summary += " " + std::to_string(logons) + " logon(s) in the window";
    summary += remote.empty() ? "." : ", e.g. " + remote + ".";
  }
  if (summary.empty()) summary = "Nothing in the evidence says how the file arrived.";
  else if (summary.front() == ' ') summary.erase(0, 1);

  std::string head;
  if (!created_by.empty()) head = "created " + when(s.pivot.time) + " by " + created_by;
  else if (!owner.empty()) head = "owned by " + owner;
  if (!uploads.empty()) head += std::string(head.empty() ? "" : "; ") + "a web upload of its size";
  if (!shells.empty()) head += std::string(head.empty() ? "" : "; ") + "webshell " + shells;
  if (!remote.empty()) head += std::string(head.empty() ? "" : "; ") + remote;
  b.headline(head);

  const Answer a = when_known && how_known && who_known ? Answer::answered
                   : (when_known || how_known || who_known || logons) ? Answer::partly
                                                                      : Answer::no_evidence;
  return b.finish(a, summary);
}

}  // namespace sqltriage::investigation
