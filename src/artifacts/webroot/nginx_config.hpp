// nginx configuration files, tokenized as nginx reads them, with includes followed in place
// (an included file's directives belong to the block the include stands in).
// Format knowledge: nginx documentation, "Beginner's Guide" (simple directives end with ';',
// block directives with { }, '#' comments), ngx_core_module include, ngx_http_core_module
// (root, alias, location, server, server_name), ngx_http_log_module (access_log path
// [format [buffer=size] [gzip[=level]] [flush=time] [if=condition]], access_log off,
// syslog: targets, variables in the path); the tokenizer of nginx's
// src/core/ngx_conf_file.c as documented behaviour: quotes '"' and '\'' start a token,
// '\' escapes the next character ("\"", "\'", "\\", "\t", "\r", "\n" are replaced; any other
// pair is kept as written), '#' at the start of a token starts a comment.
// Paths: `root`/`alias`/`access_log` that are relative are taken against the prefix (the nginx
// folder, C:\nginx for the Windows build); relative `include` paths against the folder of the main
// configuration file, prefix\conf (nginx's configuration prefix).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/webroot/includes.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

class NginxReader {
 public:
  /// `prefix`: the nginx folder. Without an `includer`, include directives are only listed
  /// in ParsedConfig::includes.
  NginxReader(std::string prefix, Includer includer, ParsedConfig& out);

  /// Reads one file (raw bytes, any byte order mark); `depth` is its include level.
  void read(std::string_view bytes, const std::string& display, int depth = 0);

 private:
  /// An open block.
  struct Block {
    std::string name;   // "http", "server", "location", ...
    std::string url;    // location: its URI when a prefix or exact match, else empty
    bool skip = false;  // map, types, geo...: their lines are not directives
    std::string server_name;
    std::vector<std::size_t> roots;  // server: roots inside it
    std::vector<std::size_t> logs;   // server: access logs inside it
  };
  void statement(std::vector<std::string>& words, std::size_t line, bool opens_block,
                 const std::string& display, int depth);
  void close_block();
  void access_log(const std::vector<std::string>& words, std::size_t line,
                  const std::string& display);

  std::string prefix_;
  Includer includer_;
  Results out_;
  std::vector<Block> blocks_;  // across includes
  std::size_t overflow_ = 0;   // blocks opened beyond the nesting bound
};

}  // namespace sqltriage::webroots
