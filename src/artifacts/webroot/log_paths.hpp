// Where the files of a configured access log are: a plain path, a file name pattern with
// strftime-style '%' or nginx '$' variables, or an Apache piped log to rotatelogs.
// Format knowledge: Apache HTTP Server 2.4 documentation, mod_log_config "Piped Logs"
// ("|program", "|$program" through the shell, "||program" directly) and "rotatelogs"
// (rotatelogs [-l] [-L linkname] [-p program] [-f] [-D] [-t] [-v] [-e] [-c] [-n count]
// logfile rotationtime|filesize [offset]; a logfile without '%' gets ".<seconds>" appended,
// except with -n, which writes logfile, logfile.1, ...); nginx ngx_http_log_module
// (access_log paths may hold variables).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sqltriage::webroots {

/// The files of one configured log.
struct LogTarget {
  std::string path;         ///< normalized Windows path: the file, or the folder when `folder`
  bool folder = false;      ///< a folder of files made from a pattern
  std::string name_prefix;  ///< with `folder`: the fixed start of the file names, or empty
};

/// `pattern` as configured ('/' or '\' separators), relative paths against `base`:
/// - without `mark`: the file itself;
/// - `mark` in the file name ("logs/access.%Y.log"): its folder, name_prefix the name up to
///   the mark ("access.");
/// - `mark` in a folder component ("logs/%Y/access.log"): the folder before that component,
///   name_prefix empty.
LogTarget pattern_target(std::string_view pattern, std::string_view base, char mark);

/// The files an Apache piped log writes, when its program is rotatelogs (any folder, with
/// or without ".exe", quoted or not): the folder of its logfile argument (relative to
/// `server_root`) with the names' fixed start. `pipe` is the CustomLog argument with its
/// leading '|'. std::nullopt for any other program or a rotatelogs without a logfile.
std::optional<LogTarget> rotatelogs_target(std::string_view pipe, std::string_view server_root);

}  // namespace sqltriage::webroots
