// Where a Windows server serves files from: the web roots of IIS, Apache httpd, nginx and
// Tomcat, read from their configuration files inside the evidence.
//
// Format knowledge: Microsoft Learn, "IIS configuration reference" (applicationHost.config:
// <sites>/<site>/<application>/<virtualDirectory physicalPath>); Apache HTTP Server 2.4
// documentation (core DocumentRoot, mod_alias Alias/ScriptAlias, Define and ${VAR},
// Include/IncludeOptional, ServerRoot, <VirtualHost> ServerName); nginx documentation
// (ngx_http_core_module root/alias, include, server_name; relative paths from the prefix);
// Apache Tomcat documentation (CATALINA_BASE\webapps, Host appBase, Context docBase).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::webroots {

/// A folder a web server serves.
struct WebRoot {
  /// Windows path with drive letter and '\' separators, no trailing '\', as configured (after
  /// variable expansion): "C:\inetpub\wwwroot".
  std::string path;
  /// "IIS", "Apache", "nginx", "Tomcat", "default" (C:\inetpub\wwwroot without any IIS
  /// configuration naming it) or "given" (named by the analyst).
  std::string server;
  /// IIS site name, Apache/nginx ServerName/server_name, Tomcat host name; empty when none.
  std::string site;
  /// URL path the folder is served under ("/", "/app", "/uploads"); empty when unknown.
  std::string url_path;
  /// Where it was named: "<config display path>:<line>" (line 0 when unknown), or "default"
  /// (C:\inetpub\wwwroot, a Tomcat webapps folder found without a configuration naming it) /
  /// "--webroot".
  std::string source;
};

/// Expands %SystemDrive% (C:), %SystemRoot% and %windir% (C:\Windows), %ProgramFiles%,
/// %ProgramFiles(x86)%, %ProgramData%, %PUBLIC%, %ALLUSERSPROFILE% and every variable in
/// `extra` (name without %, case-insensitive; `extra` wins). A variable it does not know
/// (%USERPROFILE%: which user?) is kept verbatim.
std::string expand_windows_variables(
    std::string_view text, const std::vector<std::pair<std::string, std::string>>& extra = {});

/// Normalises a configured path to a Windows path: '/' to '\', duplicate separators and a
/// trailing separator removed, "." and ".." resolved (never above the root), the drive letter
/// in upper case, a "\\?\" prefix dropped. A relative path ("htdocs") is taken relative to
/// `base` (a Windows folder), a drive-relative one ("\xampp\htdocs") relative to the root of
/// `base`'s drive. A drive's root keeps its separator ("C:\"). A UNC path (\\server\share\...)
/// keeps \\server\share as its root and is otherwise treated the same way.
std::string normalize_windows_path(std::string_view path, std::string_view base = "C:\\");

/// Where a web server writes an access log, as its configuration says.
struct LogLocation {
  /// Windows path (normalize_windows_path, variables expanded): the log file, or when
  /// `folder` the folder its files are written to.
  std::string path;
  /// Whether `path` is a folder of log files: IIS's site log folder "<directory>\W3SVC<id>";
  /// the folder of a file name pattern (Apache piped rotatelogs "logs/access.%Y-%m-%d.log",
  /// nginx "logs/$host.access.log"): the folder before the first component holding a
  /// pattern ('%' for rotatelogs, '$' for nginx).
  bool folder = false;
  /// With `folder` from a pattern: the fixed start of the files' names when the pattern is
  /// in the file name ("access." of "access.%Y-%m-%d.log"; a rotatelogs name without '%' gets
  /// rotatelogs' ".<seconds>" suffix: "access.log."), else empty (every file of the folder).
  std::string name_prefix;
  /// "IIS", "Apache", "nginx".
  std::string server;
  /// IIS site name; Apache ServerName of the enclosing <VirtualHost> (else the main
  /// server's); nginx first server_name of the enclosing server block. May be empty.
  std::string site;
  /// IIS: "W3SVC<id>"; empty otherwise.
  std::string site_folder;
  /// Apache: the LogFormat string the log is written with, httpd.conf escapes undone
  /// (`LogFormat "%h \"%r\"" x` gives `%h "%r"`). A CustomLog nickname is resolved as httpd
  /// resolves it once the whole configuration is read: the last LogFormat defining it in the
  /// <VirtualHost> of the log, else in the main server (nicknames are case-insensitive); an
  /// undefined "common" / "combined" stays that nickname (weblog::Reader knows them); a format
  /// argument holding '%' is an inline format. TransferLog: the last LogFormat without a
  /// nickname of its <VirtualHost>, else of the main server, else "common". std::nullopt for
  /// an undefined nickname, for IIS and for nginx.
  std::optional<std::string> logformat;
  /// IIS logFile logFormat: "W3C" (the default), "IIS", "NCSA"; empty for Apache and nginx.
  std::string iis_log_format;
  /// Where it was configured: "<config display path>:<line>" (IIS: the site's <logFile>
  /// element when it has one, else its <site> element).
  std::string source;
};

/// Parse results of one configuration file.
struct ParsedConfig {
  std::vector<WebRoot> roots;
  /// Files this one includes (Apache Include/IncludeOptional, nginx include), as normalized
  /// Windows paths, possibly with wildcards ('*', '?'), resolved as the server resolves them
  /// (Apache: against the ServerRoot; nginx: against <prefix>\conf). The parse_*_config
  /// functions list them without reading them; find_web_roots follows them in place.
  std::vector<std::string> includes;
  /// Problems with line numbers (XML not well-formed, an unterminated quote, an unbalanced
  /// block...), each an ErrorEntry naming the file, with code "record" (XML errors also carry
  /// the byte offset in the file); bounds reached give code "limit".
  std::vector<ErrorEntry> errors;
  /// Access logs the file configures, in file order (see find_web_logs for what counts).
  std::vector<LogLocation> logs;
};

/// IIS applicationHost.config (or a web.config-style fragment holding
/// <system.applicationHost><sites>): one root per virtual directory of every application of
/// every site, in file order: path the physicalPath with variables expanded, site the site's
/// name, URL path joining the application's and the directory's path, source the line of the
/// <virtualDirectory> element. `xml` is the file's bytes: UTF-8 (with or without a byte order
/// mark) or UTF-16 with a byte order mark. `display` is the file as findings name it. Logs:
/// each site's log folder, as find_web_logs describes.
ParsedConfig parse_iis_config(std::string_view xml, const std::string& display);

/// Apache httpd.conf (and included files): DocumentRoot (URL path "/"), Alias/ScriptAlias
/// targets (URL path the alias; a one-argument Alias inside <Location> takes the location's),
/// AliasMatch/ScriptAliasMatch targets cut before their first back-reference ("$1"; URL path
/// empty), with Define'd ${VAR} substituted and the ServerRoot (`server_root`, a Windows
/// folder, also what relative paths are taken against; a ServerRoot directive in the file
/// overrides it). Site: the ServerName of the enclosing <VirtualHost>, else the main server's.
/// Conditional sections (<IfModule>, <IfDefine>) are read as if they hold. `defines` carries
/// Define values from files read before this one (updated in place). Logs: every CustomLog
/// and TransferLog, as find_web_logs describes (LogFormat nicknames resolved at the end of
/// the text).
ParsedConfig parse_apache_config(std::string_view text, const std::string& display,
                                 std::string& server_root,
                                 std::vector<std::pair<std::string, std::string>>& defines);

/// nginx.conf (and included files): every `root` (URL path "/": the folder maps to the URL
/// root) and `alias` (URL path the enclosing location's URI when it is a prefix or exact
/// match, else empty) with the enclosing server's first server_name. Relative root/alias paths
/// are taken against `prefix` (the nginx folder), relative includes against <prefix>\conf, the
/// configuration prefix (nginx resolves includes against the main file's folder). Lines of
/// map, types, geo and split_clients blocks are not directives. nginx's compiled-in default
/// (`root html` where no root is configured) is not reported. Logs: every access_log, as
/// find_web_logs describes (nginx's compiled-in default logs\access.log is not reported).
ParsedConfig parse_nginx_config(std::string_view text, const std::string& display,
                                const std::string& prefix);

/// Every web root of a Windows-layout evidence ("directory" or "image"):
/// - IIS: C:\Windows\System32\inetsrv\config\applicationHost.config;
/// - C:\inetpub\wwwroot when it exists and no IIS root already covers it (is it or one of its
///   parent folders) ("default");
/// - Apache: conf\httpd.conf under C:\Apache24, C:\Apache2*, C:\Program Files\Apache*\* and
///   C:\Program Files (x86)\Apache*\* (the Apache Software Foundation layout), C:\xampp\apache,
///   C:\wamp*\bin\apache\* (each folder once, in that order), with its Include/
///   IncludeOptional files read in place (a folder: its files and sub-folders; depth 8 at
///   most; each file once: a second include of a file, a cycle among them, is an error);
/// - nginx: conf\nginx.conf under C:\nginx*, C:\Program Files\nginx* and
///   C:\Program Files (x86)\nginx*, with its includes read in place;
/// - Tomcat, for each of C:\Program Files\Apache Software Foundation\Tomcat*, the same under
///   C:\Program Files (x86), C:\xampp\tomcat, C:\tomcat*: the Host appBase and Context docBase
///   of its conf\server.xml, then its webapps folder when it exists (source "default"; a Host
///   whose appBase it is names it first, with the host's name).
/// Wildcards match folder names case-insensitively, in name order. Roots are returned in that
/// order, without repeats (same path, case-insensitive; the first keeps its server and source, and
/// its site lists every site of that server on the folder, ", "-separated), at most 1,000 (then one
/// "limit" error). A root on another drive than C:, or a UNC path, is kept (the pipeline reports it
/// as not in the evidence). A configuration file that is absent is not an error; one that cannot be
/// read is ("open_failed"), and so are its damaged lines
/// ("record"), an Include of a file not in the evidence ("missing"; not for IncludeOptional
/// or wildcards in nginx), files larger than 16 MiB and more than 1,000 configuration files
/// ("limit"). Returns nothing for evidence without a Windows layout. Never throws for bad
/// evidence.
std::vector<WebRoot> find_web_roots(const Evidence& evidence, std::vector<ErrorEntry>& errors);

/// The access logs the web server configurations of a Windows-layout evidence name, read from
/// the same files as find_web_roots, in its order (applicationHost.config; each httpd.conf with
/// its includes, ServerRoot and Define; each nginx.conf with its includes), each location once
/// (same path, folder flag and name prefix, case-insensitive; the first is kept), at most 1,000
/// (then one "limit" error).
/// - IIS: for every <site id="N">, the folder <directory>\W3SVC<N>, directory from the site's
///   <logFile directory>, else <siteDefaults><logFile directory>, else
///   %SystemDrive%\inetpub\logs\LogFiles; enabled, logFormat and logTargetW3C are taken the
///   same way. Left out: a site whose logging is off (enabled="false"), whose logFormat is
///   "Custom" (a custom logging module, no file) or whose logTargetW3C names "ETW" without
///   "File". A <site> without an id is a "record" error.
/// - Apache: every CustomLog and TransferLog (a relative path against the ServerRoot in force
///   at the directive). Piped logs: "|[$|]...rotatelogs[.exe] [options] PATTERN ..." gives the
///   folder of PATTERN (relative to the ServerRoot) with its name_prefix; other programs and
///   "syslog:" targets are left out (they write no file of their own). An env= or expr=
///   condition does not matter.
/// - nginx: every access_log path (relative to the nginx folder), except "off" and "syslog:";
///   a path holding variables ($host) gives the folder before them.
/// A location on another drive than C:, or a UNC path, is kept (the caller reports it as not in
/// the evidence). Errors as find_web_roots. Returns nothing for evidence without a Windows
/// layout. Never throws for bad evidence.
std::vector<LogLocation> find_web_logs(const Evidence& evidence, std::vector<ErrorEntry>& errors);

}  // namespace sqltriage::webroots
