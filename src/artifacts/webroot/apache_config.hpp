// Apache httpd configuration files, read the way httpd 2.4 reads them, with includes
// followed in place (a Define or ServerRoot in an included file holds for the lines after
// the Include, as in httpd).
// Format knowledge: Apache HTTP Server 2.4 documentation, "Configuration Files" (one
// directive per line, '\' as the last character continues a line, '#' starts a comment
// line, directive names are case-insensitive, ${VAR} substitution), core (Define,
// UnDefine, DocumentRoot, Include, IncludeOptional, ServerRoot, ServerName, <VirtualHost>,
// <Location>), mod_alias (Alias, AliasMatch, ScriptAlias, ScriptAliasMatch), mod_log_config
// (CustomLog, TransferLog, LogFormat; nicknames are looked up once the whole configuration is
// read, in the <VirtualHost>'s own formats first, then the main server's); quoting as
// httpd's ap_getword_conf does it ('"' or '\'' quotes, '\' escapes the quote and itself).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "artifacts/webroot/includes.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

class ApacheReader {
 public:
  /// `server_root` (a Windows folder) and `defines` are read and updated in place, as
  /// parse_apache_config documents. Without an `includer`, include directives are only
  /// listed in ParsedConfig::includes.
  ApacheReader(std::string& server_root, std::vector<std::pair<std::string, std::string>>& defines,
               Includer includer, ParsedConfig& out);

  /// Reads one file (raw bytes, any byte order mark); `depth` is its include level.
  void read(std::string_view bytes, const std::string& display, int depth = 0);

  /// After the last file: roots and logs outside any <VirtualHost> (and in one without
  /// ServerName) get the main server's ServerName; the logs' LogFormat nicknames are resolved.
  void finish();

 private:
  /// An open <Section>; <VirtualHost> collects its roots, logs and ServerName.
  struct Section {
    std::string name;  // lower case, without '<'
    std::string arg;   // first argument (<Location "/x">: "/x")
    std::string server_name;
    std::vector<std::size_t> roots;
    std::vector<std::size_t> logs;
    std::size_t scope = 0;  // <VirtualHost>: its index in formats_
  };
  /// The LogFormats of the main server (scope 0) or of one <VirtualHost>.
  struct FormatScope {
    std::map<std::string, std::string> named;  // lower-case nickname -> format
    std::optional<std::string> unnamed;        // the last LogFormat without a nickname
  };
  /// A log whose format is known once every LogFormat is read.
  struct PendingFormat {
    std::size_t log = 0;  // index in the parsed logs
    std::size_t scope = 0;
    std::optional<std::string> format;  // CustomLog's argument; TransferLog: none
  };
  /// `base`: how many sections the including files hold open (this file cannot close them).
  void directive(const std::vector<std::string>& words, const std::string& display,
                 std::size_t line, int depth, std::size_t base);
  void add(std::string path, std::string url, const std::string& display, std::size_t line);
  /// LogFormat, CustomLog, TransferLog (apache_logs.cpp).
  void log_directive(const std::string& name, const std::vector<std::string>& words,
                     const std::string& display, std::size_t line);
  std::size_t format_scope() const;
  std::optional<std::string> resolve_format(const std::string& format, std::size_t scope) const;
  void close_section();
  std::string substitute(const std::string& line) const;

  std::string& server_root_;
  std::vector<std::pair<std::string, std::string>>& defines_;
  Includer includer_;
  Results out_;
  std::vector<Section> sections_;  // open sections, across includes
  std::string main_server_name_;
  std::vector<std::size_t> main_roots_;  // indices of roots that take the main ServerName
  std::vector<std::size_t> main_logs_;   // indices of logs that take the main ServerName
  std::vector<FormatScope> formats_ = std::vector<FormatScope>(1);
  std::vector<PendingFormat> pending_;
};

}  // namespace sqltriage::webroots
