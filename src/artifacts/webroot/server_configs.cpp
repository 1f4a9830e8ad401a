// The web servers' configuration files of a Windows-layout evidence (see server_configs.hpp).
#include "artifacts/webroot/server_configs.hpp"

#include <set>

#include "artifacts/webroot/apache_config.hpp"
#include "artifacts/webroot/nginx_config.hpp"
#include "artifacts/webroot/tomcat_config.hpp"
#include "core/ascii.hpp"

namespace sqltriage::webroots {

namespace {

constexpr const char* kApplicationHost =
    "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config";

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

}  // namespace

void guarded(const std::string& what, std::vector<ErrorEntry>& errors,
             const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    errors.push_back(make_error(what, "open_failed", e.what()));
  }
}

void read_iis_configs(EvidenceConfigs& configs, std::vector<ErrorEntry>& errors,
                      const ConfigSink& sink) {
  guarded(kApplicationHost, errors, [&] {
    if (auto config = configs.read(kApplicationHost, errors))
      sink(parse_iis_config(config->bytes, config->display));
  });
}

void read_apache_configs(EvidenceConfigs& configs, std::vector<ErrorEntry>& errors,
                         const ConfigSink& sink) {
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
      sink(std::move(parsed));
    });
  }
}

void read_nginx_configs(EvidenceConfigs& configs, std::vector<ErrorEntry>& errors,
                        const ConfigSink& sink) {
  for (const auto& prefix : candidates(configs, {"C:\\nginx*", "C:\\Program Files\\nginx*",
                                                 "C:\\Program Files (x86)\\nginx*"})) {
    const std::string path = prefix + "\\conf\\nginx.conf";
    guarded(path, errors, [&] {
      auto config = configs.read(path, errors);
      if (!config) return;
      ParsedConfig parsed;
      NginxReader reader(prefix, configs.includer(), parsed);
      reader.read(config->bytes, config->display);
      sink(std::move(parsed));
    });
  }
}

void read_tomcat_configs(EvidenceConfigs& configs, std::vector<ErrorEntry>& errors,
                         const std::function<void(ParsedConfig, const std::string& base)>& sink) {
  for (const auto& base :
       candidates(configs, {"C:\\Program Files\\Apache Software Foundation\\Tomcat*",
                            "C:\\Program Files (x86)\\Apache Software Foundation\\Tomcat*",
                            "C:\\xampp\\tomcat", "C:\\tomcat*"})) {
    const std::string path = base + "\\conf\\server.xml";
    guarded(path, errors, [&] {
      ParsedConfig parsed;
      if (auto config = configs.read(path, errors))
        parsed = parse_tomcat_server_xml(config->bytes, config->display, base);
      sink(std::move(parsed), base);
    });
  }
}

}  // namespace sqltriage::webroots
