// Apache httpd configuration files, read the way httpd 2.4 reads them, with includes
// followed in place (a Define or ServerRoot in an included file holds for the lines after
// the Include, as in httpd).
// Format knowledge: Apache HTTP Server 2.4 documentation, "Configuration Files" (one
// directive per line, '\' as the last character continues a line, '#' starts a comment
// line, directive names are case-insensitive, ${VAR} substitution), core (Define,
// UnDefine, DocumentRoot, Include, IncludeOptional, ServerRoot, ServerName, <VirtualHost>,
// <Location>), mod_alias (Alias, AliasMatch, ScriptAlias, ScriptAliasMatch); quoting as
// httpd's ap_getword_conf does it ('"' or '\'' quotes, '\' escapes the quote and itself).
#pragma once

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

  /// After the last file: roots outside any <VirtualHost> (and in one without ServerName)
  /// get the main server's ServerName.
  void finish();

 private:
  /// An open <Section>; <VirtualHost> collects its roots and ServerName.
  struct Section {
    std::string name;  // lower case, without '<'
    std::string arg;   // first argument (<Location "/x">: "/x")
    std::string server_name;
    std::vector<std::size_t> roots;
  };
  /// `base`: how many sections the including files hold open (this file cannot close them).
  void directive(const std::vector<std::string>& words, const std::string& display,
                 std::size_t line, int depth, std::size_t base);
  void add(std::string path, std::string url, const std::string& display, std::size_t line);
  void close_section();
  std::string substitute(const std::string& line) const;

  std::string& server_root_;
  std::vector<std::pair<std::string, std::string>>& defines_;
  Includer includer_;
  Results out_;
  std::vector<Section> sections_;  // open sections, across includes
  std::string main_server_name_;
  std::vector<std::size_t> main_roots_;  // indices of roots that take the main ServerName
};

}  // namespace sqltriage::webroots
