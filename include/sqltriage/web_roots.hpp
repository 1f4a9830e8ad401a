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
  /// Where it was named: "<config display path>:<line>" (line 0 when unknown), or "default" /
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
/// trailing separator removed, "." and ".." resolved; a relative path is taken relative to
/// `base` (a Windows folder). Returns the path unchanged when it is a UNC path (\\server\...).
std::string normalize_windows_path(std::string_view path, std::string_view base = "C:\\");

/// Parse results of one configuration file.
struct ParsedConfig {
  std::vector<WebRoot> roots;
  /// Files this one includes (Apache Include/IncludeOptional, nginx include), as Windows
  /// paths, possibly with wildcards ('*', '?') in the last component, resolved against the
  /// server root.
  std::vector<std::string> includes;
  /// Problems with line numbers (XML not well-formed, an unterminated quote...), each an
  /// ErrorEntry naming the file, with code "record".
  std::vector<ErrorEntry> errors;
};

/// IIS applicationHost.config (or a web.config-style fragment holding
/// <system.applicationHost><sites>): one root per virtual directory of every application of
/// every site, the URL path joining the application's and the directory's path. `display` is
/// the file as findings name it.
ParsedConfig parse_iis_config(std::string_view xml, const std::string& display);

/// Apache httpd.conf (and included files): DocumentRoot and Alias/ScriptAlias targets, with
/// Define'd ${VAR} and the ServerRoot (`server_root`, a Windows folder, also what relative
/// paths are taken against; a ServerRoot directive in the file overrides it). `defines`
/// carries Define values from files read before this one (updated in place).
ParsedConfig parse_apache_config(std::string_view text, const std::string& display,
                                 std::string& server_root,
                                 std::vector<std::pair<std::string, std::string>>& defines);

/// nginx.conf (and included files): every `root` and `alias` with the enclosing server's
/// server_name and location; relative paths are taken against `prefix` (the nginx folder).
ParsedConfig parse_nginx_config(std::string_view text, const std::string& display,
                                const std::string& prefix);

/// Every web root of a Windows-layout evidence ("directory" or "image"):
/// - IIS: C:\Windows\System32\inetsrv\config\applicationHost.config;
/// - C:\inetpub\wwwroot when it exists and no IIS root already covers it ("default");
/// - Apache: httpd.conf under C:\Apache24, C:\Apache2*, C:\Program Files\Apache*\* (the
///   Apache Software Foundation layout), C:\xampp\apache, C:\wamp*\bin\apache\*, with its
///   Include/IncludeOptional files (depth 8 at most, each file once);
/// - nginx: C:\nginx*\conf\nginx.conf and C:\Program Files\nginx*\conf\nginx.conf with
///   includes;
/// - Tomcat: the webapps folder of C:\Program Files\Apache Software Foundation\Tomcat*,
///   C:\xampp\tomcat, C:\tomcat*, and appBase/docBase of their conf\server.xml.
/// Roots are returned in that order, without repeats (same path, case-insensitive; the first
/// keeps its server and site). A root on another drive than C:, or a UNC path, is kept (the
/// pipeline reports it as not in the evidence). Configuration files that cannot be read or
/// parsed become `errors`; config files larger than 16 MiB are refused. Never throws for bad
/// evidence.
std::vector<WebRoot> find_web_roots(const Evidence& evidence, std::vector<ErrorEntry>& errors);

}  // namespace sqltriage::webroots
