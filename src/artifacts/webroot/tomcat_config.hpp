// Apache Tomcat's conf\server.xml: where each virtual host deploys its applications.
// Format knowledge: Apache Tomcat 9 configuration reference, "The Host Container" (appBase,
// default "webapps", relative to CATALINA_BASE) and "The Context Container" (docBase,
// relative to the Host's appBase; path is the context path, "" for the root application).
#pragma once

#include <string>
#include <string_view>

#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

/// Roots of Server/Service/Engine/Host: each Host's appBase (server "Tomcat", site the Host's
/// name, URL path "/", the folder whose sub-folders are the applications) and each of its
/// <Context docBase> (URL path its `path`, "/" when empty). `xml`: raw bytes (UTF-8, or
/// UTF-16 with a byte order mark); `catalina_base`: the Tomcat folder. Not well-formed XML:
/// one "record" error with the line and the file's byte offset.
ParsedConfig parse_tomcat_server_xml(std::string_view xml, const std::string& display,
                                     const std::string& catalina_base);

}  // namespace sqltriage::webroots
