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
};

/// IIS applicationHost.config (or a web.config-style fragment holding
/// <system.applicationHost><sites>): one root per virtual directory of every application of
/// every site, in file order: path the physicalPath with variables expanded, site the site's
/// name, URL path joining the application's and the directory's path, source the line of the
/// <virtualDirectory> element. `xml` is the file's bytes: UTF-8 (with or without a byte order
/// mark) or UTF-16 with a byte order mark. `display` is the file as findings name it.
ParsedConfig parse_iis_config(std::string_view xml, const std::string& display);

/// Apache httpd.conf (and included files): DocumentRoot (URL path "/"), Alias/ScriptAlias
/// targets (URL path the alias; a one-argument Alias inside <Location> takes the location's),
/// AliasMatch/ScriptAliasMatch targets cut before their first back-reference ("$1"; URL path
/// empty), with Define'd ${VAR} substituted and the ServerRoot (`server_root`, a Windows
/// folder, also what relative paths are taken against; a ServerRoot directive in the file
/// overrides it). Site: the ServerName of the enclosing <VirtualHost>, else the main server's.
/// Conditional sections (<IfModule>, <IfDefine>) are read as if they hold. `defines` carries
/// Define values from files read before this one (updated in place).
ParsedConfig parse_apache_config(std::string_view text, const std::string& display,
                                 std::string& server_root,
                                 std::vector<std::pair<std::string, std::string>>& defines);

/// nginx.conf (and included files): every `root` (URL path "/": the folder maps to the URL
/// root) and `alias` (URL path the enclosing location's URI when it is a prefix or exact
/// match, else empty) with the enclosing server's first server_name. Relative root/alias paths
/// are taken against `prefix` (the nginx folder), relative includes against <prefix>\conf, the
/// configuration prefix (nginx resolves includes against the main file's folder). Lines of
/// map, types, geo and split_clients blocks are not directives. nginx's compiled-in default
/// (`root html` where no root is configured) is not reported.
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

}  // namespace sqltriage::webroots
