// The web servers' configuration files of a Windows-layout evidence, found and parsed the
// same way for every search over them (web roots, access logs): where each server keeps its
// configuration, in which order, with includes followed in place. See find_web_roots in
// sqltriage/web_roots.hpp for the locations and their order.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "artifacts/webroot/evidence_configs.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

/// Receives the results of one configuration file and everything it includes.
using ConfigSink = std::function<void(ParsedConfig parsed)>;

/// C:\Windows\System32\inetsrv\config\applicationHost.config, when present.
void read_iis_configs(EvidenceConfigs& configs, std::vector<ErrorEntry>& errors,
                      const ConfigSink& sink);

/// Each Apache folder's conf\httpd.conf with its includes (each folder once, in order).
void read_apache_configs(EvidenceConfigs& configs, std::vector<ErrorEntry>& errors,
                         const ConfigSink& sink);

/// Each nginx folder's conf\nginx.conf with its includes.
void read_nginx_configs(EvidenceConfigs& configs, std::vector<ErrorEntry>& errors,
                        const ConfigSink& sink);

/// Each Tomcat folder: its conf\server.xml's results (empty when it has none) and the
/// folder itself (CATALINA_BASE).
void read_tomcat_configs(EvidenceConfigs& configs, std::vector<ErrorEntry>& errors,
                         const std::function<void(ParsedConfig, const std::string& base)>& sink);

/// Runs `fn`; an unexpected exception becomes an "open_failed" error naming `what`.
void guarded(const std::string& what, std::vector<ErrorEntry>& errors,
             const std::function<void()>& fn);

}  // namespace sqltriage::webroots
