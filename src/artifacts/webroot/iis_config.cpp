// IIS applicationHost.config: the physical folders of every site's virtual directories.
// Format knowledge: Microsoft Learn, IIS configuration reference, "Sites <sites>",
// "Site <site>", "Application <application>", "Virtual Directory <virtualDirectory>"
// (physicalPath may hold environment variables and UNC paths), "Log File <logFile>" of a
// <site> and of <siteDefaults> (directory, default %SystemDrive%\inetpub\logs\LogFiles, files
// in its W3SVC<site id> folder; enabled; logFormat W3C, IIS, NCSA or Custom; logTargetW3C
// File, ETW or both; a site's own attribute wins over siteDefaults').
#include <pugixml.hpp>

#include "artifacts/webroot/config_text.hpp"
#include "artifacts/webroot/paths.hpp"
#include "core/ascii.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

namespace {

/// The line of a node (its offset_debug() counts bytes of the parsed UTF-8 buffer).
std::size_t line_of(const ConfigText& text, const pugi::xml_node& node) {
  const std::ptrdiff_t at = node.offset_debug();
  return at < 0 ? 0 : text.line_of(static_cast<std::size_t>(at));
}

/// The log folder of one <site>, unless its logging writes no file; `defaults` is
/// <siteDefaults><logFile>. A site without an id is an error.
void add_site_log(const ConfigText& text, const pugi::xml_node& site,
                  const pugi::xml_node& defaults, const std::string& display, ParsedConfig& out) {
  const pugi::xml_node own = site.child("logFile");
  const auto attribute = [&](const char* name) {
    const pugi::xml_attribute a = own.attribute(name);
    return a ? a : defaults.attribute(name);
  };
  const std::string format = attribute("logFormat").as_string("W3C");
  const std::string target = ascii_lower(attribute("logTargetW3C").as_string("File"));
  if (!attribute("enabled").as_bool(true) || ascii_lower(format) == "custom") return;
  if (target.find("file") == std::string::npos && target.find("etw") != std::string::npos) return;
  const std::string name = site.attribute("name").as_string();
  const std::string id = site.attribute("id").as_string();
  if (id.empty()) {
    out.errors.push_back(
        make_error(display, "record",
                   "line " + std::to_string(line_of(text, site)) + ": site \"" + name +
                       "\" has no id: its log folder W3SVC<id> is unknown",
                   text.file_offset(static_cast<std::size_t>(site.offset_debug()))));
    return;
  }
  const std::string directory =
      attribute("directory").as_string("%SystemDrive%\\inetpub\\logs\\LogFiles");
  LogLocation log;
  log.site_folder = "W3SVC" + id;
  log.path = normalize_windows_path(expand_windows_variables(directory) + "\\" + log.site_folder);
  log.folder = true;
  log.server = "IIS";
  log.site = name;
  log.iis_log_format = format;
  log.source = source_of(display, line_of(text, own ? own : site));
  out.logs.push_back(std::move(log));
}

}  // namespace

ParsedConfig parse_iis_config(std::string_view xml, const std::string& display) {
  ParsedConfig out;
  const ConfigText text(xml);
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(text.utf8().data(), text.utf8().size(), pugi::parse_default,
                                      pugi::encoding_utf8);
  if (!parsed) {
    const auto at = static_cast<std::size_t>(parsed.offset < 0 ? 0 : parsed.offset);
    out.errors.push_back(make_error(display, "record",
                                    "not well-formed XML at line " +
                                        std::to_string(text.line_of(at)) + ": " +
                                        parsed.description(),
                                    text.file_offset(at)));
    return out;
  }
  // A whole applicationHost.config has <configuration> on top; a fragment may start at
  // <system.applicationHost>.
  pugi::xml_node host = doc.child("configuration").child("system.applicationHost");
  if (!host) host = doc.child("system.applicationHost");
  const pugi::xml_node defaults = host.child("sites").child("siteDefaults").child("logFile");
  for (const auto& site : host.child("sites").children("site")) {
    add_site_log(text, site, defaults, display, out);
    const std::string site_name = site.attribute("name").as_string();
    for (const auto& app : site.children("application")) {
      const std::string app_path = app.attribute("path").as_string("/");
      for (const auto& vdir : app.children("virtualDirectory")) {
        const std::string physical = vdir.attribute("physicalPath").as_string();
        const std::size_t line = line_of(text, vdir);
        if (physical.empty()) {
          out.errors.push_back(
              make_error(display, "record",
                         "line " + std::to_string(line) + ": virtualDirectory of site \"" +
                             site_name + "\" has no physicalPath",
                         text.file_offset(static_cast<std::size_t>(vdir.offset_debug()))));
          continue;
        }
        WebRoot root;
        root.path = normalize_windows_path(expand_windows_variables(physical));
        root.server = "IIS";
        root.site = site_name;
        root.url_path = join_url_path(app_path, vdir.attribute("path").as_string("/"));
        root.source = source_of(display, line);
        out.roots.push_back(std::move(root));
      }
    }
  }
  return out;
}

}  // namespace sqltriage::webroots
