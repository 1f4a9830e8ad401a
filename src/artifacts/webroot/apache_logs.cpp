// Apache's access log directives: LogFormat, CustomLog, TransferLog (see apache_config.hpp).
// Format knowledge: Apache HTTP Server 2.4 documentation, mod_log_config ("LogFormat format
// [nickname]": without a nickname the format is the default of TransferLog; "CustomLog
// file|pipe format|nickname [env=[!]var|expr=expression]"; "TransferLog file|pipe"; the
// compiled-in default format is common, "%h %l %u %t \"%r\" %>s %b").
#include "artifacts/webroot/apache_config.hpp"
#include "artifacts/webroot/config_text.hpp"
#include "artifacts/webroot/log_paths.hpp"
#include "core/ascii.hpp"

namespace sqltriage::webroots {

std::size_t ApacheReader::format_scope() const {
  for (auto it = sections_.rbegin(); it != sections_.rend(); ++it)
    if (it->name == "virtualhost") return it->scope;
  return 0;
}

std::optional<std::string> ApacheReader::resolve_format(const std::string& format,
                                                        std::size_t scope) const {
  const std::string key = ascii_lower(format);
  for (const std::size_t s : {scope, std::size_t{0}}) {
    const auto it = formats_[s].named.find(key);
    if (it != formats_[s].named.end()) return it->second;
  }
  if (format.find('%') != std::string::npos) return format;  // an inline format
  if (key == "common" || key == "combined") return key;      // weblog::Reader knows them
  return std::nullopt;
}

void ApacheReader::log_directive(const std::string& name, const std::vector<std::string>& words,
                                 const std::string& display, std::size_t line) {
  const std::size_t scope = format_scope();
  if (name == "logformat") {
    if (words.size() < 2) {
      out_.error(make_error(display, "record", at_line(line, words[0] + " needs an argument")));
    } else if (words.size() > 2) {
      formats_[scope].named[ascii_lower(words[2])] = words[1];
    } else {
      formats_[scope].unnamed = words[1];
    }
    return;
  }
  const bool custom = name == "customlog";
  if (words.size() < (custom ? 3u : 2u)) {
    out_.error(make_error(
        display, "record",
        at_line(line, words[0] + (custom ? " needs a file and a format" : " needs a file"))));
    return;
  }
  const std::string& target = words[1];
  LogTarget where;
  if (!target.empty() && target[0] == '|') {
    auto rotated = rotatelogs_target(target, server_root_);
    if (!rotated) return;  // another program: it writes no file we can name
    where = std::move(*rotated);
  } else if (ascii_lower(target).rfind("syslog:", 0) == 0) {
    return;
  } else {
    where = LogTarget{normalize_windows_path(target, server_root_), false, {}};
  }
  LogLocation log;
  log.path = std::move(where.path);
  log.folder = where.folder;
  log.name_prefix = std::move(where.name_prefix);
  log.server = "Apache";
  log.source = source_of(display, line);
  const std::size_t index = out_.parsed().logs.size();
  if (!out_.log(std::move(log), display)) return;
  pending_.push_back(
      PendingFormat{index, scope, custom ? std::optional<std::string>(words[2]) : std::nullopt});
  for (auto it = sections_.rbegin(); it != sections_.rend(); ++it)
    if (it->name == "virtualhost") {
      it->logs.push_back(index);
      return;
    }
  main_logs_.push_back(index);
}

}  // namespace sqltriage::webroots
