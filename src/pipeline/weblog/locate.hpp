// Internal to the weblog scan: the web server access logs of an evidence argument.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::pipeline::weblog_scan {

/// One log file to read.
struct LogFile {
  ArtifactFile file;
  /// "IIS", "Apache", "nginx", or "given" (a log file or folder named on the command line).
  std::string server;
  /// The IIS site's log folder ("W3SVC1"), which names the site; empty otherwise.
  std::string site;
  /// The site's name when a configuration names it (IIS site name, Apache ServerName, nginx
  /// server_name); empty otherwise.
  std::string site_name;
  /// The LogFormat the server's configuration writes this log with (Apache); std::nullopt
  /// when unknown.
  std::optional<std::string> logformat;
  /// "<config>:<line>" of the directive naming the log; empty for logs found at the usual
  /// places.
  std::string configured_at;
};

/// The access logs of `evidence`, in the order they are read:
/// - "directory" and "image": first the logs the servers' configurations name
///   (webroots::find_web_logs: IIS sites' log folders, Apache CustomLog/TransferLog with their
///   LogFormat, nginx access_log; a log file's rotated siblings "access.log.1",
///   "access.log.2.gz" with it; a location on another drive is a "missing" error), then, each
///   file once, IIS W3C logs in C:\inetpub\logs\LogFiles\W3SVC*\ and
///   C:\Windows\System32\LogFiles\W3SVC*\ (every file; IIS's native comma-separated
///   in*.log format is reported, not read); Apache access logs (names holding "access") in
///   C:\xampp\apache\logs, C:\Apache24\logs, C:\Apache2\logs, C:\Apache\logs, C:\wamp64\logs,
///   C:\wamp\logs and C:\Program Files[ (x86)]\Apache Software Foundation\*\logs; nginx
///   access logs in C:\nginx*\logs and C:\tools\nginx*\logs. Per folder, files by name.
/// - "folder": every regular file under it whose name looks like a web log: it ends in
///   ".log" or "_log", or holds "access", after a rotation suffix (".1", "-20230220") and
///   ".gz" are taken off; error logs ("error", "httperr") are left out. Links are not
///   followed.
/// - "file": the file itself.
/// Nothing found becomes a "missing" error naming where it looked; IIS native logs and
/// unreadable folders become errors too. Never throws for bad evidence.
std::vector<LogFile> locate_logs(const Evidence& evidence, std::vector<ErrorEntry>& errors);

/// Whether a file name looks like a web server access log (the "folder" rule above).
bool looks_like_access_log(std::string_view file_name);

}  // namespace sqltriage::pipeline::weblog_scan
