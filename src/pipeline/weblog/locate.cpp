// Where web servers on Windows keep their access logs, and which files of a folder are logs.
#include "pipeline/weblog/locate.hpp"

#include <algorithm>
#include <set>
#include <system_error>

#include "core/ascii.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::pipeline::weblog_scan {

namespace {

namespace fs = std::filesystem;

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}
bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// IIS's own "IIS log file format" (comma-separated, no field names): in*.log, u_in*.log.
bool iis_native_name(std::string_view lower) {
  if (starts_with(lower, "u_")) lower.remove_prefix(2);
  return ends_with(lower, ".log") && lower.size() > 2 && starts_with(lower, "in") &&
         lower[2] >= '0' && lower[2] <= '9';
}

/// Apache and nginx keep error logs beside the access logs; only the access logs are read.
bool access_name(const std::string& lower) {
  return lower.find("access") != std::string::npos && lower.find("error") == std::string::npos;
}

std::string file_name_lower(const ArtifactFile& f) {
  const auto& p = f.display_path;
  const auto cut = p.find_last_of("\\/");
  return ascii_lower(cut == std::string::npos ? p : p.substr(cut + 1));
}

struct Finder {
  const Evidence& ev;
  std::vector<ErrorEntry>& errors;
  std::vector<LogFile> out;
  std::set<std::string> seen;  ///< lower-case display paths taken

  void take(LogFile log) {
    if (seen.insert(ascii_lower(log.file.display_path)).second) out.push_back(std::move(log));
  }

  /// An IIS log file, unless it is in IIS's own comma-separated format.
  void take_iis(ArtifactFile f, const std::string& site_folder, LogFile model = {}) {
    if (iis_native_name(file_name_lower(f))) {
      if (!seen.insert(ascii_lower(f.display_path)).second) return;
      errors.push_back(make_error(f.display_path, "open_failed",
                                  "IIS log file format (comma-separated, no #Fields: line): "
                                  "not read; only W3C extended and NCSA logs are"));
      return;
    }
    model.file = std::move(f);
    model.server = "IIS";
    model.site = site_folder;
    take(std::move(model));
  }

  /// The logs a server's configuration names.
  void configured() {
    for (const auto& loc : webroots::find_web_logs(ev, errors)) {
      const std::string where = loc.server + " log configured at " + loc.source;
      if (ascii_lower(loc.path).rfind("c:\\", 0) != 0) {
        errors.push_back(make_error(loc.path, "missing",
                                    where + " is not on this evidence's drive C:; give those "
                                            "logs as evidence"));
        continue;
      }
      LogFile model;
      model.server = loc.server;
      model.site = loc.site_folder;
      model.site_name = loc.site;
      model.logformat = loc.logformat;
      model.configured_at = loc.source;
      const std::size_t before = out.size();
      if (loc.folder) {
        const std::string prefix = ascii_lower(loc.name_prefix);
        for (auto& f : ev.list(loc.path)) {
          const std::string name = file_name_lower(f);
          if (!prefix.empty() && name.rfind(prefix, 0) != 0) continue;
          if (loc.server == "IIS") {
            take_iis(std::move(f), loc.site_folder, model);
          } else if (!prefix.empty() || access_name(name)) {
            model.file = std::move(f);
            take(model);
          }
        }
      } else {
        // The file and its rotations beside it: access.log, access.log.1, access.log.2.gz.
        const auto cut = loc.path.find_last_of('\\');
        const std::string folder = loc.path.substr(0, cut);
        const std::string name = ascii_lower(loc.path.substr(cut + 1));
        for (auto& f : ev.list(folder)) {
          const std::string file = file_name_lower(f);
          if (file != name && file.rfind(name + ".", 0) != 0 && file.rfind(name + "-", 0) != 0)
            continue;
          model.file = std::move(f);
          take(model);
        }
      }
      if (out.size() == before)
        errors.push_back(make_error(
            loc.path, "missing",
            where + (loc.folder ? ": the folder holds no log (nothing logged, or the logs were "
                                  "removed or moved)"
                                : ": no such log in the evidence (nothing logged, or removed "
                                  "or moved)")));
    }
  }

  void iis_root(const std::string& dir) {
    for (const auto& name : ev.folders(dir)) {
      const std::string lower = ascii_lower(name);
      if (!starts_with(lower, "w3svc")) continue;
      for (auto& f : ev.list(dir + "\\" + name)) take_iis(std::move(f), name);
    }
  }

  void access_folder(const std::string& dir, const char* server) {
    for (auto& f : ev.list(dir)) {
      const std::string file_name = ascii_lower(fs::path(f.display_path).filename().string());
      if (access_name(file_name)) take(LogFile{std::move(f), server, {}, {}, {}, {}});
    }
  }

  /// `parent`\<folder starting with `prefix`>\`tail`.
  void each_folder(const std::string& parent, std::string_view prefix, const std::string& tail,
                   const char* server) {
    for (const auto& name : ev.folders(parent))
      if (starts_with(ascii_lower(name), prefix))
        access_folder(parent + "\\" + name + tail, server);
  }

  void windows_layout() {
    configured();
    iis_root("C:\\inetpub\\logs\\LogFiles");
    iis_root("C:\\Windows\\System32\\LogFiles");
    for (const char* dir : {"C:\\xampp\\apache\\logs", "C:\\Apache24\\logs", "C:\\Apache2\\logs",
                            "C:\\Apache\\logs", "C:\\wamp64\\logs", "C:\\wamp\\logs"})
      access_folder(dir, "Apache");
    for (const char* pf : {"C:\\Program Files\\Apache Software Foundation",
                           "C:\\Program Files (x86)\\Apache Software Foundation"})
      each_folder(pf, "", "\\logs", "Apache");
    each_folder("C:", "nginx", "\\logs", "nginx");
    each_folder("C:\\tools", "nginx", "\\logs", "nginx");
    if (out.empty())
      errors.push_back(make_error(
          ev.path().string(), "missing",
          "no web server access log found: looked in C:\\inetpub\\logs\\LogFiles\\W3SVC*, "
          "C:\\Windows\\System32\\LogFiles\\W3SVC*, the Apache folders of XAMPP, Apache "
          "Lounge, WAMP and Program Files, and C:\\nginx*\\logs; give the log files or their "
          "folder as the evidence"));
  }

  void loose_folder() {
    for (auto& f : ev.loose_files()) {
      const std::string name = f.host_path.filename().string();
      if (!looks_like_access_log(name)) continue;
      std::error_code ec;
      const auto status = fs::symlink_status(f.host_path, ec);
      if (fs::is_symlink(status)) {
        errors.push_back(make_error(f.display_path, "open_failed",
                                    "symbolic link: not followed (evidence is read in place)"));
        continue;
      }
      if (fs::is_directory(status)) continue;  // a folder named like a log: its files count
      if (!fs::is_regular_file(status)) {
        errors.push_back(make_error(f.display_path, "open_failed",
                                    "not a regular file (FIFO, socket or device): not read"));
        continue;
      }
      out.push_back(LogFile{std::move(f), "given", {}, {}, {}, {}});
    }
    if (out.empty())
      errors.push_back(make_error(
          ev.path().string(), "missing",
          "no web server log in this folder: no file name ends in .log or _log or holds "
          "\"access\" (rotated .1/-DATE and .gz included); give a log file itself to read it "
          "whatever its name"));
  }
};

}  // namespace

bool looks_like_access_log(std::string_view file_name) {
  std::string name = ascii_lower(file_name);
  if (name.find("error") != std::string::npos || name.find("httperr") != std::string::npos)
    return false;
  if (name.find("access") != std::string::npos) return true;
  if (ends_with(name, ".gz")) name.resize(name.size() - 3);
  // ".log" or "_log", then at most a rotation suffix: ".1", "-20230220", ".2023-02-20".
  const auto dot = name.rfind(".log");
  const auto underscore = name.rfind("_log");
  auto at = dot;
  if (underscore != std::string::npos && (at == std::string::npos || underscore > at))
    at = underscore;
  if (at == std::string::npos || at == 0) return false;
  for (char c : std::string_view(name).substr(at + 4))
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) return false;
  return true;
}

std::vector<LogFile> locate_logs(const Evidence& evidence, std::vector<ErrorEntry>& errors) {
  Finder finder{evidence, errors, {}, {}};
  const std::string kind = evidence.kind();
  if (kind == "file") {
    ArtifactFile f;
    f.display_path = evidence.path().string();
    f.host_path = evidence.path();
    finder.out.push_back(LogFile{std::move(f), "given", {}, {}, {}, {}});
  } else if (kind == "folder") {
    finder.loose_folder();
  } else {
    finder.windows_layout();
  }
  return std::move(finder.out);
}

}  // namespace sqltriage::pipeline::weblog_scan
