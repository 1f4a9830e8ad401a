// The web roots of a Windows-layout evidence, from each server's usual configuration files
// (see web_roots.hpp for the locations and their order).
#include <map>

#include "artifacts/webroot/paths.hpp"
#include "artifacts/webroot/server_configs.hpp"
#include "core/ascii.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

namespace {

/// Roots in discovery order, without repeats, at most kMaxRoots.
class Collector {
 public:
  explicit Collector(std::vector<ErrorEntry>& errors) : errors_(errors) {}

  void add(WebRoot root) {
    const auto [at, fresh] = seen_.emplace(ascii_lower(root.path), roots_.size());
    if (!fresh) {
      // Another site of the same server on the same folder: the root names every site.
      if (at->second < roots_.size() && !root.site.empty() &&
          roots_[at->second].server == root.server) {
        std::string& sites = roots_[at->second].site;
        if (sites.empty())
          sites = root.site;
        else if ((", " + sites + ", ").find(", " + root.site + ", ") == std::string::npos)
          sites += ", " + root.site;
      }
      return;
    }
    if (roots_.size() >= kMaxRoots) {
      if (!full_)
        errors_.push_back(make_error(
            root.source, "limit",
            "more than " + std::to_string(kMaxRoots) + " web roots; the rest are not scanned"));
      full_ = true;
      return;
    }
    roots_.push_back(std::move(root));
  }
  void add(ParsedConfig parsed) {
    for (auto& r : parsed.roots) add(std::move(r));
    for (auto& e : parsed.errors) errors_.push_back(std::move(e));
  }
  bool covered(const std::string& path) const {
    for (const auto& r : roots_)
      if (path_covers(r.path, path)) return true;
    return false;
  }
  std::vector<WebRoot> take() { return std::move(roots_); }

 private:
  std::vector<ErrorEntry>& errors_;
  std::vector<WebRoot> roots_;
  std::map<std::string, std::size_t> seen_;  // lower-case path -> index in roots_
  bool full_ = false;
};

}  // namespace

std::vector<WebRoot> find_web_roots(const Evidence& evidence, std::vector<ErrorEntry>& errors) {
  if (!evidence.has_windows_layout()) return {};
  EvidenceConfigs configs(evidence);
  Collector roots(errors);
  const auto add = [&](ParsedConfig parsed) { roots.add(std::move(parsed)); };
  read_iis_configs(configs, errors, add);
  guarded("C:\\inetpub\\wwwroot", errors, [&] {
    for (const auto& folder : configs.folders("C:\\inetpub\\wwwroot"))
      if (!roots.covered(folder)) roots.add(WebRoot{folder, "default", "", "/", "default"});
  });
  read_apache_configs(configs, errors, add);
  read_nginx_configs(configs, errors, add);
  read_tomcat_configs(configs, errors, [&](ParsedConfig parsed, const std::string& base) {
    roots.add(std::move(parsed));
    for (const auto& webapps : configs.folders(base + "\\webapps"))
      roots.add(WebRoot{webapps, "Tomcat", "", "/", "default"});
  });
  return roots.take();
}

}  // namespace sqltriage::webroots
