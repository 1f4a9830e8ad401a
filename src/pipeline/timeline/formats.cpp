// The timeline's output formats, one event per line: Timesketch JSON Lines, CSV (RFC 4180),
// TSK 3.x bodyfile and TLN. Format knowledge: Timesketch "Import from JSON or CSV" (required
// keys message, datetime, timestamp_desc); RFC 4180; The Sleuth Kit wiki "Body file"
// (MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime, Unix seconds);
// H. Carvey, "Windows Forensic Analysis" (TLN: Time|Source|System|User|Description).
#include <algorithm>
#include <array>

#include "sqltriage/json_text.hpp"
#include "sqltriage/timeline.hpp"

namespace sqltriage {

namespace {

/// U+00A6 BROKEN BAR: stands for '|' inside a field of the '|'-separated formats.
constexpr std::string_view kBrokenBar = "\xC2\xA6";

/// A field of a '|'-separated line: '|' becomes U+00A6, control characters '^' (as fls
/// writes them in names).
void append_bar_field(std::string& out, std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '|')
      out += kBrokenBar;
    else if (u < 0x20 || u == 0x7F)
      out += '^';
    else
      out += c;
  }
}

/// RFC 4180: quoted when it holds a comma, a quote or a space at either end; quotes doubled.
/// Control characters (CR and LF included) become spaces so that an event stays one line.
void append_csv_field(std::string& out, std::string_view text) {
  std::string f;
  f.reserve(text.size());
  bool quote = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      f += ' ';
      continue;
    }
    if (c == '"') {
      f += "\"\"";
      quote = true;
      continue;
    }
    if (c == ',') quote = true;
    f += c;
  }
  if (!f.empty() && (f.front() == ' ' || f.back() == ' ')) quote = true;
  if (quote) out += '"';
  out += f;
  if (quote) out += '"';
}

std::string opt_number(const std::optional<std::uint64_t>& v) {
  return v ? std::to_string(*v) : std::string();
}

std::int64_t unix_seconds(Filetime t) {
  return std::max<std::int64_t>(0, filetime_to_unix_seconds(t));
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Which bodyfile time column (0 atime, 1 mtime, 2 ctime, 3 crtime) a file-system time
/// fills, from its description; -1 when it is not one of the four.
int time_column(const std::string& desc) {
  if (ends_with(desc, "LastAccessTime")) return 0;
  if (ends_with(desc, "LastWriteTime")) return 1;
  if (ends_with(desc, "ChangeTime")) return 2;
  if (ends_with(desc, "CreationTime")) return 3;
  return -1;
}

/// "C:\a\b" -> "C:/a/b" (as `fls -m C:` names files).
std::string slash_path(const std::string& path) {
  std::string out = path;
  std::replace(out.begin(), out.end(), '\\', '/');
  return out;
}

std::string jsonl_line(const TimelineEvent& e) {
  std::string out = "{\"message\":";
  append_json_string(out, e.message);
  out += ",\"datetime\":";
  append_json_string(out, format_filetime(e.time));
  out += ",\"timestamp_desc\":";
  append_json_string(out, e.timestamp_desc);
  out += ",\"source\":";
  append_json_string(out, e.source);
  out += ",\"host\":";
  append_json_string(out, e.host);
  out += ",\"user\":";
  append_json_string(out, e.user);
  out += ",\"artifact\":";
  append_json_string(out, e.artifact.path);
  if (e.artifact.record) out += ",\"record\":" + std::to_string(*e.artifact.record);
  if (e.artifact.offset) out += ",\"offset\":" + std::to_string(*e.artifact.offset);
  out += ",\"finding_type\":";
  append_json_string(out, e.finding_type);
  out += ",\"severity\":";
  append_json_string(out, to_string(e.severity));
  out += '}';
  return out;
}

std::string csv_line(const TimelineEvent& e) {
  std::string out;
  const std::array<std::string, 11> fields = {format_filetime(e.time),
                                              e.timestamp_desc,
                                              e.source,
                                              e.message,
                                              e.host,
                                              e.user,
                                              e.artifact.path,
                                              opt_number(e.artifact.record),
                                              opt_number(e.artifact.offset),
                                              e.finding_type,
                                              std::string(to_string(e.severity))};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    append_csv_field(out, fields[i]);
  }
  return out;
}

std::string bodyfile_line(const TimelineEvent& e) {
  const std::string secs = std::to_string(unix_seconds(e.time));
  const int column = e.file_path.empty() ? -1 : time_column(e.timestamp_desc);
  std::string out = "0|";
  if (column >= 0) {
    append_bar_field(out, slash_path(e.file_path));
    if (e.timestamp_desc.rfind("$FILE_NAME", 0) == 0) out += " ($FILE_NAME)";
    if (!e.file_mode.empty() && e.file_mode[0] == '-') out += " (deleted)";
  } else {
    append_bar_field(out, "[" + e.source + "] " + e.timestamp_desc + ": " + e.message);
  }
  out += '|';
  out += e.file_entry ? std::to_string(*e.file_entry)
                      : (e.artifact.record ? std::to_string(*e.artifact.record) : "0");
  out += '|';
  out += e.file_mode.empty() ? "r/rrwxrwxrwx" : e.file_mode;
  out += "|0|0|";
  out += e.file_size ? std::to_string(*e.file_size) : "0";
  for (int c = 0; c < 4; ++c) {
    out += '|';
    out += column < 0 || column == c ? secs : "0";
  }
  return out;
}

std::string tln_line(const TimelineEvent& e) {
  std::string out = std::to_string(unix_seconds(e.time));
  out += '|';
  append_bar_field(out, e.source);
  out += '|';
  append_bar_field(out, e.host);
  out += '|';
  append_bar_field(out, e.user);
  out += '|';
  append_bar_field(out, e.timestamp_desc + ": " + e.message);
  return out;
}

}  // namespace

std::optional<TimelineFormat> parse_timeline_format(std::string_view text) {
  if (text == "jsonl") return TimelineFormat::jsonl;
  if (text == "csv") return TimelineFormat::csv;
  if (text == "bodyfile") return TimelineFormat::bodyfile;
  if (text == "tln") return TimelineFormat::tln;
  return std::nullopt;
}

std::string timeline_header(TimelineFormat format) {
  if (format == TimelineFormat::csv)
    return "datetime,timestamp_desc,source,message,host,user,artifact,record,offset,finding_type,"
           "severity";
  return {};
}

std::string timeline_line(const TimelineEvent& e, TimelineFormat format) {
  switch (format) {
    case TimelineFormat::jsonl:
      return jsonl_line(e);
    case TimelineFormat::csv:
      return csv_line(e);
    case TimelineFormat::bodyfile:
      return bodyfile_line(e);
    case TimelineFormat::tln:
      return tln_line(e);
  }
  return {};
}

}  // namespace sqltriage
