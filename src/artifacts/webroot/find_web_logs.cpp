// The access logs the web server configurations of a Windows-layout evidence name (see
// find_web_logs in web_roots.hpp).
#include <set>

#include "artifacts/webroot/includes.hpp"
#include "artifacts/webroot/server_configs.hpp"
#include "core/ascii.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

namespace {

/// Log locations in discovery order, without repeats, at most kMaxLogs.
class LogCollector {
 public:
  explicit LogCollector(std::vector<ErrorEntry>& errors) : errors_(errors) {}

  void add(ParsedConfig parsed) {
    for (auto& log : parsed.logs) add(std::move(log));
    for (auto& e : parsed.errors) errors_.push_back(std::move(e));
  }
  std::vector<LogLocation> take() { return std::move(logs_); }

 private:
  void add(LogLocation log) {
    const std::string key =
        ascii_lower(log.path) + (log.folder ? "\\|" : "|") + ascii_lower(log.name_prefix);
    if (!seen_.insert(key).second) return;
    if (logs_.size() >= kMaxLogs) {
      if (!full_)
        errors_.push_back(make_error(
            log.source, "limit",
            "more than " + std::to_string(kMaxLogs) + " access logs; the rest are not read"));
      full_ = true;
      return;
    }
    logs_.push_back(std::move(log));
  }

  std::vector<ErrorEntry>& errors_;
  std::vector<LogLocation> logs_;
  std::set<std::string> seen_;  // lower-case path, folder flag and name prefix
  bool full_ = false;
};

}  // namespace

std::vector<LogLocation> find_web_logs(const Evidence& evidence, std::vector<ErrorEntry>& errors) {
  if (!evidence.has_windows_layout()) return {};
  EvidenceConfigs configs(evidence);
  LogCollector logs(errors);
  const auto add = [&](ParsedConfig parsed) { logs.add(std::move(parsed)); };
  read_iis_configs(configs, errors, add);
  read_apache_configs(configs, errors, add);
  read_nginx_configs(configs, errors, add);
  return logs.take();
}

}  // namespace sqltriage::webroots
