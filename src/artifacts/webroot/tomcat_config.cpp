// Tomcat conf\server.xml (see tomcat_config.hpp).
#include "artifacts/webroot/tomcat_config.hpp"

#include <pugixml.hpp>

#include "artifacts/webroot/config_text.hpp"
#include "artifacts/webroot/includes.hpp"
#include "artifacts/webroot/paths.hpp"

namespace sqltriage::webroots {

ParsedConfig parse_tomcat_server_xml(std::string_view xml, const std::string& display,
                                     const std::string& catalina_base) {
  ParsedConfig parsed;
  Results out(parsed);
  const ConfigText text(xml);
  pugi::xml_document doc;
  const auto result = doc.load_buffer(text.utf8().data(), text.utf8().size(), pugi::parse_default,
                                      pugi::encoding_utf8);
  if (!result) {
    const auto at = static_cast<std::size_t>(result.offset < 0 ? 0 : result.offset);
    out.error(make_error(display, "record",
                         "not well-formed XML at line " + std::to_string(text.line_of(at)) + ": " +
                             result.description(),
                         text.file_offset(at)));
    return parsed;
  }
  const auto line_of = [&](const pugi::xml_node& node) {
    const std::ptrdiff_t at = node.offset_debug();
    return at < 0 ? std::size_t{0} : text.line_of(static_cast<std::size_t>(at));
  };
  for (const auto& service : doc.child("Server").children("Service"))
    for (const auto& engine : service.children("Engine"))
      for (const auto& host : engine.children("Host")) {
        const std::string name = host.attribute("name").as_string();
        const std::string app_base =
            normalize_windows_path(host.attribute("appBase").as_string("webapps"), catalina_base);
        if (!out.root({app_base, "Tomcat", name, "/", source_of(display, line_of(host))}, display))
          return parsed;
        for (const auto& context : host.children("Context")) {
          const std::string doc_base = context.attribute("docBase").as_string();
          if (doc_base.empty()) continue;  // deployed from appBase, already covered
          WebRoot root{normalize_windows_path(doc_base, app_base), "Tomcat", name,
                       join_url_path(context.attribute("path").as_string()),
                       source_of(display, line_of(context))};
          if (!out.root(std::move(root), display)) return parsed;
        }
      }
  return parsed;
}

}  // namespace sqltriage::webroots
