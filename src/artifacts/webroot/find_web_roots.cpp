// The web roots of a Windows-layout evidence, from each server's usual configuration files
// (see web_roots.hpp for the locations and their order).
#include <map>
#include <set>

#include "artifacts/webroot/apache_config.hpp"
#include "artifacts/webroot/evidence_configs.hpp"
#include "artifacts/webroot/nginx_config.hpp"
#include "artifacts/webroot/paths.hpp"
#include "artifacts/webroot/tomcat_config.hpp"
#include "core/ascii.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

namespace {

constexpr const char* kApplicationHost =
    "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config";

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

/// The folders of several wildcard patterns, in pattern order, each once.
std::vector<std::string> candidates(const EvidenceConfigs& configs,
                                    std::initializer_list<const char*> patterns) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const char* pattern : patterns)
    for (auto& folder : configs.folders(pattern))
      if (seen.insert(ascii_lower(folder)).second) out.push_back(std::move(folder));
  return out;
}

/// Runs one server's search; an unexpected exception becomes an error naming `what`.
template <typename Fn>
void guarded(const std::string& what, std::vector<ErrorEntry>& errors, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    errors.push_back(make_error(what, "open_failed", e.what()));
  }
}

void find_iis(EvidenceConfigs& configs, Collector& roots, std::vector<ErrorEntry>& errors) {
  guarded(kApplicationHost, errors, [&] {
    if (auto config = configs.read(kApplicationHost, errors))
      roots.add(parse_iis_config(config->bytes, config->display));
  });
  guarded("C:\\inetpub\\wwwroot", errors, [&] {
    for (const auto& folder : configs.folders("C:\\inetpub\\wwwroot"))
      if (!roots.covered(folder)) roots.add(WebRoot{folder, "default", "", "/", "default"});
  });
}

void find_apache(EvidenceConfigs& configs, Collector& roots, std::vector<ErrorEntry>& errors) {
  for (const auto& base :
       candidates(configs, {"C:\\Apache24", "C:\\Apache2*", "C:\\Program Files\\Apache*\\*",
                            "C:\\Program Files (x86)\\Apache*\\*", "C:\\xampp\\apache",
                            "C:\\wamp*\\bin\\apache\\*"})) {
    const std::string path = base + "\\conf\\httpd.conf";
    guarded(path, errors, [&] {
      auto config = configs.read(path, errors);
      if (!config) return;
      ParsedConfig parsed;
      std::string server_root = base;
      std::vector<std::pair<std::string, std::string>> defines;
      ApacheReader reader(server_root, defines, configs.includer(), parsed);
      reader.read(config->bytes, config->display);
      reader.finish();
      roots.add(std::move(parsed));
    });
  }
}

void find_nginx(EvidenceConfigs& configs, Collector& roots, std::vector<ErrorEntry>& errors) {
  for (const auto& prefix : candidates(configs, {"C:\\nginx*", "C:\\Program Files\\nginx*",
                                                 "C:\\Program Files (x86)\\nginx*"})) {
    const std::string path = prefix + "\\conf\\nginx.conf";
    guarded(path, errors, [&] {
      auto config = configs.read(path, errors);
      if (!config) return;
      ParsedConfig parsed;
      NginxReader reader(prefix, configs.includer(), parsed);
      reader.read(config->bytes, config->display);
      roots.add(std::move(parsed));
    });
  }
}

void find_tomcat(EvidenceConfigs& configs, Collector& roots, std::vector<ErrorEntry>& errors) {
  for (const auto& base :
       candidates(configs, {"C:\\Program Files\\Apache Software Foundation\\Tomcat*",
                            "C:\\Program Files (x86)\\Apache Software Foundation\\Tomcat*",
                            "C:\\xampp\\tomcat", "C:\\tomcat*"})) {
    const std::string path = base + "\\conf\\server.xml";
    guarded(path, errors, [&] {
      if (auto config = configs.read(path, errors))
        roots.add(parse_tomcat_server_xml(config->bytes, config->display, base));
      for (const auto& webapps : configs.folders(base + "\\webapps"))
        roots.add(WebRoot{webapps, "Tomcat", "", "/", "default"});
    });
  }
}

}  // namespace

std::vector<WebRoot> find_web_roots(const Evidence& evidence, std::vector<ErrorEntry>& errors) {
  if (!evidence.has_windows_layout()) return {};
  EvidenceConfigs configs(evidence);
  Collector roots(errors);
  find_iis(configs, roots, errors);
  find_apache(configs, roots, errors);
  find_nginx(configs, roots, errors);
  find_tomcat(configs, roots, errors);
  return roots.take();
}

}  // namespace sqltriage::webroots
