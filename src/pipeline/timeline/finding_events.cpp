// timeline_events(): the timestamps a finding carries, one TimelineEvent each. Field names
// are those of docs/findings.md and the subcommand pages (mft.md, registry.md, aws.md,
// weblog.md, webshell.md, pe.md).
#include <array>
#include <utility>

#include "sqltriage/timeline.hpp"

namespace sqltriage {

namespace {

using nlohmann::ordered_json;

constexpr std::uint32_t kReadOnly = 0x0001;
constexpr std::uint32_t kHidden = 0x0002;

/// A time field (ISO-8601 text) of `j`, when present and readable.
std::optional<Filetime> time_of(const ordered_json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return parse_iso8601(it->get_ref<const std::string&>());
}

/// A text field of `j`; "" when absent, not text, or "-".
std::string text_of(const ordered_json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  const auto& s = it->get_ref<const std::string&>();
  return s == "-" ? std::string() : s;
}

const ordered_json& member(const ordered_json& j, const char* key) {
  static const ordered_json kNull;
  if (!j.is_object()) return kNull;
  const auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

/// j[a][b][c]... for nested ECS objects.
const ordered_json& path_of(const ordered_json& j, std::initializer_list<const char*> keys) {
  const ordered_json* at = &j;
  for (const char* k : keys) at = &member(*at, k);
  return *at;
}

class Builder {
 public:
  explicit Builder(const Finding& f) : f_(f) {}

  /// One event at `t` (nothing when t is absent).
  TimelineEvent* add(std::optional<Filetime> t, std::string source, std::string desc,
                     std::string message = {}) {
    if (!t) return nullptr;
    TimelineEvent e;
    e.time = *t;
    e.source = std::move(source);
    e.timestamp_desc = std::move(desc);
    e.message = message.empty() ? f_.summary : std::move(message);
    e.host = host;
    e.user = user;
    e.artifact = f_.artifact;
    e.finding_type = f_.type;
    e.severity = f_.severity;
    out.push_back(std::move(e));
    return &out.back();
  }

  std::string host;
  std::string user;
  std::vector<TimelineEvent> out;

 private:
  const Finding& f_;
};

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

constexpr std::array<const char*, 4> kTimeNames = {"CreationTime", "LastWriteTime", "ChangeTime",
                                                   "LastAccessTime"};

/// TSK's mode string for an entry (artifacts/ntfs/bodyfile.cpp's rule, from the JSON facts).
std::string mode_of(const ordered_json& d) {
  const bool in_use = !member(d, "InUse").is_boolean() || member(d, "InUse").get<bool>();
  const bool dir = member(d, "Directory").is_boolean() && member(d, "Directory").get<bool>();
  std::string m;
  m += !in_use ? '-' : (dir ? 'd' : 'r');
  m += '/';
  m += dir ? 'd' : 'r';
  const auto& attrs = member(member(d, "$STANDARD_INFORMATION"), "FileAttributes");
  if (!attrs.is_number_unsigned()) return m + "---------";
  const auto a = attrs.get<std::uint32_t>();
  for (int i = 0; i < 3; ++i) {
    m += (a & kReadOnly) == 0 ? 'r' : '-';
    m += (a & kHidden) == 0 ? 'w' : '-';
    m += 'x';
  }
  return m;
}

void mft_entry(const Finding& f, Builder& b) {
  const auto& d = f.data;
  const std::string path = text_of(d, "Path");
  std::optional<std::uint64_t> size;
  if (member(d, "Size").is_number_unsigned()) size = member(d, "Size").get<std::uint64_t>();
  std::optional<std::uint64_t> entry;
  if (member(d, "Entry").is_number_unsigned()) entry = member(d, "Entry").get<std::uint64_t>();
  const std::string mode = mode_of(d);
  auto file_facts = [&](TimelineEvent* e) {
    if (e == nullptr) return;
    e->file_path = path;
    e->file_size = size;
    e->file_mode = mode;
    e->file_entry = entry;
  };
  const auto& si = member(d, "$STANDARD_INFORMATION");
  for (const char* name : kTimeNames)
    file_facts(b.add(time_of(si, name), "MFT", std::string("$STANDARD_INFORMATION ") + name));
  const auto& fns = member(d, "$FILE_NAME");
  if (fns.is_array())
    for (const auto& fn : fns) {
      // The DOS 8.3 name repeats the long name's times: one set per entry is enough unless
      // the DOS name is the only one.
      if (text_of(fn, "Namespace") == "DOS" && fns.size() > 1) continue;
      for (const char* name : kTimeNames)
        file_facts(b.add(time_of(fn, name), "MFT", std::string("$FILE_NAME ") + name));
    }
  // A mounted snapshot gives host times only under "Times"-like keys; fall back to `time`.
  if (b.out.empty()) file_facts(b.add(f.time, "MFT", "$STANDARD_INFORMATION CreationTime"));
}

void mft_usn(const Finding& f, Builder& b) {
  const auto& d = f.data;
  std::string desc;
  const auto& reasons = member(d, "ReasonNames");
  if (reasons.is_array())
    for (const auto& r : reasons)
      if (r.is_string()) desc += (desc.empty() ? "" : ", ") + r.get<std::string>();
  if (desc.empty()) desc = "USN Record";
  auto t = time_of(d, "TimeStamp");
  if (!t) t = f.time;
  if (auto* e = b.add(t, "USN", desc)) {
    e->file_path = text_of(d, "Path");
    if (e->file_path.empty()) e->file_path = text_of(d, "FileName");
    if (member(d, "FileReferenceNumber").is_object() &&
        member(member(d, "FileReferenceNumber"), "Entry").is_number_unsigned())
      e->file_entry = member(member(d, "FileReferenceNumber"), "Entry").get<std::uint64_t>();
  }
}

void evtx(const Finding& f, Builder& b) {
  const auto& d = f.data;
  b.host = text_of(d, "Computer");
  for (const char* key : {"TargetUserName", "SubjectUserName", "User", "Param1"}) {
    b.user = text_of(d, key);
    if (!b.user.empty()) {
      const std::string domain =
          std::string_view(key) == "TargetUserName"    ? text_of(d, "TargetDomainName")
          : std::string_view(key) == "SubjectUserName" ? text_of(d, "SubjectDomainName")
          : std::string_view(key) == "Param1"          ? text_of(d, "Param2")
                                                       : std::string();
      if (!domain.empty() && b.user.find('\\') == std::string::npos)
        b.user = domain + "\\" + b.user;
      break;
    }
  }
  auto t = f.time ? f.time : time_of(d, "TimeCreated");
  b.add(t, "EVTX", "Event Recorded");
}

void registry(const Finding& f, Builder& b) {
  const auto& d = f.data;
  b.user = text_of(d, "UserName");
  const std::string& type = f.type;
  if (type == "registry.prefetch") {
    const auto& runs = member(d, "LastRunTimes");
    if (runs.is_array())
      for (const auto& r : runs)
        if (r.is_string()) b.add(parse_iso8601(r.get<std::string>()), "Prefetch", "Last Run");
    if (b.out.empty()) b.add(f.time, "Prefetch", "Last Run");
    return;
  }
  b.add(time_of(d, "LastWrite"), "Registry", "Key Last Written");
  if (type == "registry.shimcache") {
    b.add(time_of(d, "LastModified"), "Registry", "ShimCache Last Modified");
  } else if (type == "registry.bam") {
    b.add(time_of(d, "LastExecution"), "Registry", "BAM Last Execution");
  } else if (type == "registry.amcache") {
    b.add(time_of(d, "LinkDate"), "Registry", "Amcache LinkDate");
    b.add(time_of(d, "LastModified"), "Registry", "Amcache Last Modified");
    b.add(time_of(d, "Created"), "Registry", "Amcache Created");
  } else if (type == "registry.account") {
    if (b.user.empty()) b.user = text_of(d, "UserName");
    b.add(time_of(d, "Created"), "Registry", "Account Created");
    b.add(time_of(d, "LastLogon"), "Registry", "Last Logon");
    b.add(time_of(d, "PasswordLastSet"), "Registry", "Password Last Set");
    b.add(time_of(d, "LastFailedLogon"), "Registry", "Last Failed Logon");
  } else if (type == "registry.scheduled_task") {
    b.add(time_of(d, "RegistrationDate"), "Registry", "Task Registered");
    b.add(time_of(d, "Created"), "Registry", "Task Created");
    b.add(time_of(d, "LastRun"), "Registry", "Task Last Run");
    b.add(time_of(d, "LastCompleted"), "Registry", "Task Last Completed");
  }
  if (b.out.empty()) b.add(f.time, "Registry", "Time");
}

void weblog(const Finding& f, Builder& b) {
  const auto& d = f.data;
  b.host = text_of(d, "s-computername");
  b.user = text_of(d, "cs-username");
  if (f.type == "weblog.upload") {
    b.add(f.time ? f.time : time_of(d, "time"), "Web log", "Request");
  } else if (f.type == "weblog.log") {
    b.add(time_of(d, "FirstRequest"), "Web log", "First Request");
    b.add(time_of(d, "LastRequest"), "Web log", "Last Request");
  } else {
    b.add(time_of(d, "FirstSeen"), "Web log", "First Seen");
    b.add(time_of(d, "LastSeen"), "Web log", "Last Seen");
  }
  if (b.out.empty()) b.add(f.time, "Web log", "Time");
}

void webshell(const Finding& f, Builder& b) {
  const auto& d = f.data;
  const auto& times = member(d, "Times");
  std::string from = text_of(times, "Source");
  if (from.empty()) from = "file system";
  std::optional<std::uint64_t> size;
  if (member(d, "Size").is_number_unsigned()) size = member(d, "Size").get<std::uint64_t>();
  for (const char* name : kTimeNames)
    if (auto* e = b.add(time_of(times, name), "Webshell", from + " " + name)) {
      e->file_path = text_of(d, "Path");
      e->file_size = size;
    }
  if (b.out.empty()) b.add(f.time, "Webshell", "Time");
}

void aws(const Finding& f, Builder& b) {
  const auto& d = f.data;
  const auto& ct = path_of(d, {"aws", "cloudtrail"});
  if (f.type == "aws.api_call") {
    const auto& id = member(ct, "user_identity");
    b.user = text_of(id, "arn");
    if (b.user.empty()) b.user = text_of(id, "user_name");
    b.host = text_of(path_of(d, {"cloud", "instance"}), "id");
    b.add(f.time, "CloudTrail", "API Call");
  } else if (f.type == "aws.credential_use") {
    b.user = text_of(ct, "role_arn");
    b.host = text_of(path_of(d, {"cloud", "instance"}), "id");
    b.add(time_of(ct, "first_seen"), "CloudTrail", "First Call");
    b.add(time_of(ct, "last_seen"), "CloudTrail", "Last Call");
    if (b.out.empty()) b.add(f.time, "CloudTrail", "First Call");
  } else if (f.type == "aws.flow_peer") {
    const auto& flow = path_of(d, {"aws", "flow"});
    b.add(time_of(flow, "first_seen"), "Flow log", "First Seen");
    b.add(time_of(flow, "last_seen"), "Flow log", "Last Seen");
    if (b.out.empty()) b.add(f.time, "Flow log", "First Seen");
  } else {
    b.add(f.time,
          starts_with(f.type, "aws.role") || starts_with(f.type, "aws.permission") ? "IAM"
                                                                                   : "CloudTrail",
          "Time");
  }
}

void pe(const Finding& f, Builder& b) {
  const auto& p = member(f.data, "PE");
  // A TimeDateStamp of 0 is no time (the linker left it out, or a reproducible build).
  const auto& raw = member(p, "TimeDateStampRaw");
  if (raw.is_number() && raw.get<std::int64_t>() == 0) return;
  b.add(time_of(p, "TimeDateStamp"), "PE", "PE TimeDateStamp");
  if (b.out.empty()) b.add(f.time, "PE", "Time");
}

}  // namespace

std::vector<TimelineEvent> timeline_events(const Finding& f) {
  Builder b(f);
  try {
    const std::string& t = f.type;
    if (t == "mft.entry")
      mft_entry(f, b);
    else if (t == "mft.usn")
      mft_usn(f, b);
    else if (starts_with(t, "evtx."))
      evtx(f, b);
    else if (starts_with(t, "registry."))
      registry(f, b);
    else if (starts_with(t, "weblog."))
      weblog(f, b);
    else if (starts_with(t, "webshell."))
      webshell(f, b);
    else if (starts_with(t, "aws."))
      aws(f, b);
    else if (starts_with(t, "pe."))
      pe(f, b);
    else
      b.add(f.time, "Other", "Time");
  } catch (const std::exception&) {
    // A field of an unexpected JSON type: keep what was built.
  }
  return std::move(b.out);
}

}  // namespace sqltriage
