// Web root discovery: the configuration parsers of IIS, Apache httpd, nginx and Tomcat, and
// the path helpers.
//
// Oracles: every configuration is written here with its roots planted; the expected roots
// are those planted values, and each expected line number is found by searching the text
// the test wrote for the planted directive. XML errors are compared with expat (Python's
// xml.parsers.expat, run in the test) on the same bytes.
#include "sqltriage/web_roots.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "artifacts/webroot/tomcat_config.hpp"
#include "sqltriage/evidence.hpp"
#include "support.hpp"

namespace {

using sqltriage::test::errors_text;
using sqltriage::test::line_of;

namespace fs = std::filesystem;
namespace wr = sqltriage::webroots;
using sqltriage::ErrorEntry;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

/// One root as "path | server | site | url_path | source" (one string compares all fields
/// and prints readably).
std::string row(const wr::WebRoot& r) {
  return r.path + " | " + r.server + " | " + r.site + " | " + r.url_path + " | " + r.source;
}

std::vector<std::string> rows(const std::vector<wr::WebRoot>& roots) {
  std::vector<std::string> out;
  for (const auto& r : roots) out.push_back(row(r));
  return out;
}

/// UTF-8 text (code points up to U+FFFF) as UTF-16LE, with a byte order mark.
std::string utf16le_with_bom(const std::string& utf8) {
  std::string out = "\xFF\xFE";
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    unsigned cp = 0;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if (c < 0xE0) {
      cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu);
      i += 2;
    } else {
      cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(utf8[i + 1]) & 0x3Fu) << 6) |
           (static_cast<unsigned char>(utf8[i + 2]) & 0x3Fu);
      i += 3;
    }
    out += static_cast<char>(cp & 0xFF);
    out += static_cast<char>(cp >> 8);
  }
  return out;
}

using sqltriage::test::write_file;

/// expat's verdict on an XML file: {line, byte index} of the first error, or {0, 0}.
std::pair<std::size_t, std::size_t> expat_error(const fs::path& file) {
  const std::string script =
      "import sys, xml.parsers.expat\n"
      "p = xml.parsers.expat.ParserCreate()\n"
      "try:\n"
      "    p.Parse(open(sys.argv[1], 'rb').read(), True)\n"
      "    print(0, 0)\n"
      "except xml.parsers.expat.ExpatError as e:\n"
      "    print(e.lineno, p.ErrorByteIndex)\n";
  const auto r = run("/usr/bin/python3 -c " + shell_quote(script) + " " + shell_quote(file));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.out);
  std::size_t line = 0;
  std::size_t index = 0;
  in >> line >> index;
  return {line, index};
}

const std::string kIis =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<configuration>\n"
    "  <system.applicationHost>\n"
    "    <applicationPools>\n"
    "      <add name=\"DefaultAppPool\" />\n"
    "    </applicationPools>\n"
    "    <sites>\n"
    "      <site name=\"Default Web Site\" id=\"1\">\n"
    "        <application path=\"/\" applicationPool=\"DefaultAppPool\">\n"
    "          <virtualDirectory path=\"/\" physicalPath=\"%SystemDrive%\\inetpub\\wwwroot\" />\n"
    "          <virtualDirectory path=\"/images\" physicalPath=\"D:\\media\\images\\\" />\n"
    "        </application>\n"
    "        <application path=\"/blog\" applicationPool=\"DefaultAppPool\">\n"
    "          <virtualDirectory path=\"/\" physicalPath=\"c:/sites//blog\" />\n"
    "          <virtualDirectory path=\"/uploads/\" "
    "physicalPath=\"\\\\fileserver\\share\\uploads\" />\n"
    "        </application>\n"
    "        <bindings>\n"
    "          <binding protocol=\"http\" bindingInformation=\"*:80:\" />\n"
    "        </bindings>\n"
    "      </site>\n"
    "      <site name=\"Boutique \xC3\xA9t\xC3\xA9\" id=\"2\">\n"
    "        <application path=\"/\">\n"
    "          <virtualDirectory path=\"/\" "
    "physicalPath=\"%PROGRAMDATA%\\shop\\..\\shop-www\" />\n"
    "        </application>\n"
    "      </site>\n"
    "      <siteDefaults>\n"
    "        <logFile directory=\"%SystemDrive%\\inetpub\\logs\\LogFiles\" />\n"
    "      </siteDefaults>\n"
    "      <applicationDefaults applicationPool=\"DefaultAppPool\" />\n"
    "      <virtualDirectoryDefaults allowSubDirConfig=\"true\" />\n"
    "    </sites>\n"
    "  </system.applicationHost>\n"
    "</configuration>\n";

std::vector<std::string> iis_expected(const std::string& display) {
  const auto at = [&](const std::string& needle) {
    return display + ":" + std::to_string(line_of(kIis, needle));
  };
  return {
      "C:\\inetpub\\wwwroot | IIS | Default Web Site | / | " + at("inetpub\\wwwroot"),
      "D:\\media\\images | IIS | Default Web Site | /images | " + at("media"),
      "C:\\sites\\blog | IIS | Default Web Site | /blog | " + at("c:/sites//blog"),
      "\\\\fileserver\\share\\uploads | IIS | Default Web Site | /blog/uploads | " +
          at("fileserver"),
      "C:\\ProgramData\\shop-www | IIS | Boutique \xC3\xA9t\xC3\xA9 | / | " + at("shop-www"),
  };
}

}  // namespace

TEST_CASE("web roots: Windows variables expand, unknown ones stay, extra ones win") {
  CHECK(wr::expand_windows_variables("%SystemDrive%\\inetpub") == "C:\\inetpub");
  CHECK(wr::expand_windows_variables("%WINDIR%\\x;%systemroot%") == "C:\\Windows\\x;C:\\Windows");
  CHECK(wr::expand_windows_variables("%ProgramFiles(x86)%\\a %ProgramFiles%") ==
        "C:\\Program Files (x86)\\a C:\\Program Files");
  CHECK(wr::expand_windows_variables("%ProgramData%|%PUBLIC%|%ALLUSERSPROFILE%") ==
        "C:\\ProgramData|C:\\Users\\Public|C:\\ProgramData");
  CHECK(wr::expand_windows_variables("%USERPROFILE%\\site") == "%USERPROFILE%\\site");
  CHECK(wr::expand_windows_variables("100% of %SystemDrive%") == "100% of C:");
  CHECK(wr::expand_windows_variables("50%") == "50%");
  CHECK(wr::expand_windows_variables("%SiteRoot%\\x", {{"siteroot", "E:\\w"}}) == "E:\\w\\x");
  CHECK(wr::expand_windows_variables("%SystemDrive%", {{"SYSTEMDRIVE", "D:"}}) == "D:");
}

TEST_CASE("web roots: configured paths become Windows paths") {
  CHECK(wr::normalize_windows_path("c:/xampp//htdocs/") == "C:\\xampp\\htdocs");
  CHECK(wr::normalize_windows_path("C:\\a\\.\\b\\..\\c") == "C:\\a\\c");
  CHECK(wr::normalize_windows_path("C:\\..\\..\\x") == "C:\\x");
  CHECK(wr::normalize_windows_path("htdocs", "C:\\Apache24") == "C:\\Apache24\\htdocs");
  CHECK(wr::normalize_windows_path("../www", "C:/nginx/conf/") == "C:\\nginx\\www");
  CHECK(wr::normalize_windows_path("/xampp/htdocs", "D:\\apache") == "D:\\xampp\\htdocs");
  CHECK(wr::normalize_windows_path("C:/") == "C:\\");
  CHECK(wr::normalize_windows_path("\\\\srv\\share\\\\web\\") == "\\\\srv\\share\\web");
  CHECK(wr::normalize_windows_path("//srv/share/web") == "\\\\srv\\share\\web");
  CHECK(wr::normalize_windows_path("\\\\?\\C:\\long\\path") == "C:\\long\\path");
  CHECK(wr::normalize_windows_path("\\\\?\\UNC\\srv\\share\\x") == "\\\\srv\\share\\x");
}

TEST_CASE("web roots: IIS sites, applications and virtual directories") {
  const auto parsed = wr::parse_iis_config(kIis, "applicationHost.config");
  INFO(errors_text(parsed.errors));
  CHECK(parsed.errors.empty());
  CHECK(rows(parsed.roots) == iis_expected("applicationHost.config"));
  CHECK(parsed.includes.empty());

  SECTION("the same file in UTF-16LE with a byte order mark") {
    std::string utf16_text = kIis;
    utf16_text.replace(utf16_text.find("UTF-8"), 5, "UTF-16");
    const auto u16 = wr::parse_iis_config(utf16le_with_bom(utf16_text), "utf16.config");
    INFO(errors_text(u16.errors));
    CHECK(u16.errors.empty());
    CHECK(rows(u16.roots) == iis_expected("utf16.config"));
  }
  SECTION("the same file in UTF-8 with a byte order mark") {
    const auto bom = wr::parse_iis_config("\xEF\xBB\xBF" + kIis, "bom.config");
    CHECK(bom.errors.empty());
    CHECK(rows(bom.roots) == iis_expected("bom.config"));
  }
  SECTION("a fragment that starts at <system.applicationHost>") {
    const std::size_t from = kIis.find("  <system.applicationHost>");
    const std::size_t to = kIis.find("</configuration>");
    const std::string fragment = kIis.substr(from, to - from);
    const auto frag = wr::parse_iis_config(fragment, "fragment.config");
    CHECK(frag.errors.empty());
    REQUIRE(frag.roots.size() == 5);
    CHECK(frag.roots[4].path == "C:\\ProgramData\\shop-www");
    CHECK(frag.roots[0].source ==
          "fragment.config:" + std::to_string(line_of(fragment, "wwwroot")));
  }
}

TEST_CASE("web roots: malformed applicationHost.config names the line and byte offset") {
  TempDir tmp;
  std::string broken = kIis;
  // A closing tag that does not match: on its own line, so every parser sees it there.
  broken.replace(broken.find("        </application>\n"), 23, "        </applicaton>\n");
  for (const bool utf16 : {false, true}) {
    std::string text = broken;
    if (utf16) text.replace(text.find("UTF-8"), 5, "UTF-16");
    const std::string bytes = utf16 ? utf16le_with_bom(text) : text;
    const fs::path file = tmp.path() / (utf16 ? "u16.config" : "u8.config");
    write_file(file, bytes);
    const auto [expat_line, expat_index] = expat_error(file);
    REQUIRE(expat_line == line_of(broken, "</applicaton>"));

    const auto parsed = wr::parse_iis_config(bytes, file.string());
    INFO(errors_text(parsed.errors));
    CHECK(parsed.roots.empty());
    REQUIRE(parsed.errors.size() == 1);
    const ErrorEntry& e = parsed.errors[0];
    CHECK(e.artifact.path == file.string());
    CHECK(e.code == "record");
    CHECK(e.message.find("line " + std::to_string(expat_line) + ":") != std::string::npos);
    // The byte offset lies on that line of the file (expat's index is on it too); the text
    // before it is ASCII, so a character is 1 byte (2 in UTF-16, after the 2-byte mark).
    REQUIRE(e.artifact.offset);
    const std::size_t unit = utf16 ? 2 : 1;
    const std::size_t mark = utf16 ? 2 : 0;
    const std::size_t at = text.find("        </applicaton>");
    const std::size_t line_start = mark + unit * at;
    const std::size_t line_end = mark + unit * text.find('\n', at);
    CHECK(*e.artifact.offset >= line_start);
    CHECK(*e.artifact.offset <= line_end);
    CHECK(expat_index >= line_start);
    CHECK(expat_index <= line_end);
  }
}

TEST_CASE("web roots: Apache httpd.conf as XAMPP writes it") {
  const std::string conf =
      "# XAMPP layout\n"
      "Define SRVROOT \"C:/xampp/apache\"\n"
      "ServerRoot \"${SRVROOT}\"\n"
      "Listen 80\n"
      "servername localhost:80\n"
      "DocumentRoot \"C:/xampp/htdocs\"\n"
      "<Directory \"C:/xampp/htdocs\">\n"
      "    Options Indexes FollowSymLinks Includes ExecCGI\n"
      "</Directory>\n"
      "#DocumentRoot \"C:/commented/out\"\n"
      "   # Alias /nope \"C:/nope\"\n"
      "<IfModule alias_module>\n"
      "    ScriptAlias /cgi-bin/ \"C:/xampp/cgi-bin/\"\r\n"
      "</IfModule>\n"
      "Alias /phpmyadmin \\\n"
      "      \"C:/xampp/phpMyAdmin\"\n"
      "ALIAS /bitnami/ htdocs/bitnami/\n"
      "Alias \"/with space\" 'C:/a dir/it\\'s'\n"
      "Include conf/extra/httpd-xampp.conf\n"
      "Include \"conf/extra/*.conf\"\n"
      "IncludeOptional conf/other/*.conf\n"
      "<VirtualHost *:80>\n"
      "    DocumentRoot \"C:/sites/shop\"\n"
      "    ServerName shop.example.com\n"
      "</VirtualHost>\n"
      "<VirtualHost *:8080>\n"
      "    DocumentRoot C:/sites/noname\n"
      "</VirtualHost>\n"
      "AliasMatch \"^/manual(?:/(?:de|en))?(/.*)?$\" \"${SRVROOT}/manual$1\"\n"
      "DocumentRoot ${UNDEFINED}/x\n";
  std::string server_root = "C:\\somewhere-else";
  std::vector<std::pair<std::string, std::string>> defines;
  const auto parsed = wr::parse_apache_config(conf, "httpd.conf", server_root, defines);
  INFO(errors_text(parsed.errors));
  CHECK(parsed.errors.empty());
  const auto src = [&](const std::string& needle) {
    return "httpd.conf:" + std::to_string(line_of(conf, needle));
  };
  const std::vector<std::string> expected = {
      "C:\\xampp\\htdocs | Apache | localhost:80 | / | " + src("DocumentRoot \"C:/xampp/htdocs"),
      "C:\\xampp\\cgi-bin | Apache | localhost:80 | /cgi-bin | " + src("ScriptAlias"),
      "C:\\xampp\\phpMyAdmin | Apache | localhost:80 | /phpmyadmin | " + src("/phpmyadmin"),
      "C:\\xampp\\apache\\htdocs\\bitnami | Apache | localhost:80 | /bitnami | " + src("ALIAS"),
      "C:\\a dir\\it's | Apache | localhost:80 | /with space | " + src("with space"),
      "C:\\sites\\shop | Apache | shop.example.com | / | " + src("sites/shop"),
      "C:\\sites\\noname | Apache | localhost:80 | / | " + src("noname"),
      "C:\\xampp\\apache\\manual | Apache | localhost:80 |  | " + src("AliasMatch"),
      "C:\\xampp\\apache\\${UNDEFINED}\\x | Apache | localhost:80 | / | " + src("UNDEFINED"),
  };
  CHECK(rows(parsed.roots) == expected);
  CHECK(parsed.includes ==
        std::vector<std::string>{"C:\\xampp\\apache\\conf\\extra\\httpd-xampp.conf",
                                 "C:\\xampp\\apache\\conf\\extra\\*.conf",
                                 "C:\\xampp\\apache\\conf\\other\\*.conf"});
  CHECK(server_root == "C:\\xampp\\apache");
  REQUIRE(defines.size() == 1);
  CHECK(defines[0] == std::pair<std::string, std::string>{"SRVROOT", "C:/xampp/apache"});
}

TEST_CASE("web roots: Apache httpd.conf as Apache Lounge writes it, with earlier Defines") {
  const std::string conf =
      "Define SRVROOT \"c:/Apache24\"\n"
      "ServerRoot \"${SRVROOT}\"\n"
      "DocumentRoot \"${SRVROOT}/htdocs\"\n"
      "<Directory \"${SRVROOT}/htdocs\">\n"
      "</Directory>\n"
      "ScriptAlias /cgi-bin/ \"${SRVROOT}/cgi-bin/\"\n"
      "Alias /files ${FILES}\n"
      "UnDefine FILES\n"
      "Alias /gone ${FILES}\n";
  std::string server_root = "C:\\Apache24";
  std::vector<std::pair<std::string, std::string>> defines = {{"FILES", "D:/shared files"}};
  const auto parsed =
      wr::parse_apache_config(conf, "C:\\Apache24\\conf\\httpd.conf", server_root, defines);
  INFO(errors_text(parsed.errors));
  CHECK(parsed.errors.empty());
  const auto src = [&](const std::string& needle) {
    return "C:\\Apache24\\conf\\httpd.conf:" + std::to_string(line_of(conf, needle));
  };
  // "Alias /files D:/shared files": unquoted, the define's space splits the words as httpd
  // splits them, so the target is "D:/shared".
  CHECK(rows(parsed.roots) ==
        std::vector<std::string>{
            "C:\\Apache24\\htdocs | Apache |  | / | " + src("DocumentRoot"),
            "C:\\Apache24\\cgi-bin | Apache |  | /cgi-bin | " + src("ScriptAlias"),
            "D:\\shared | Apache |  | /files | " + src("/files"),
            "C:\\Apache24\\${FILES} | Apache |  | /gone | " + src("/gone"),
        });
  CHECK(server_root == "C:\\Apache24");
  REQUIRE(defines.size() == 1);
  CHECK(defines[0].first == "SRVROOT");
}

TEST_CASE("web roots: damaged Apache lines are reported with their line numbers") {
  const std::string conf =
      "DocumentRoot \"C:/broken\n"
      "DocumentRoot\n"
      "</VirtualHost>\n"
      "<VirtualHost *:80>\n"
      "  DocumentRoot C:/open\n";
  std::string server_root = "C:\\Apache24";
  std::vector<std::pair<std::string, std::string>> defines;
  const auto parsed = wr::parse_apache_config(conf, "bad.conf", server_root, defines);
  INFO(errors_text(parsed.errors));
  // The unterminated quote runs to the end of the line, as httpd reads it.
  CHECK(rows(parsed.roots) == std::vector<std::string>{"C:\\broken | Apache |  | / | bad.conf:1",
                                                       "C:\\open | Apache |  | / | bad.conf:5"});
  REQUIRE(parsed.errors.size() == 4);
  for (const auto& e : parsed.errors) {
    CHECK(e.artifact.path == "bad.conf");
    CHECK(e.code == "record");
  }
  CHECK(parsed.errors[0].message.find("line 1:") == 0);
  CHECK(parsed.errors[1].message.find("line 2:") == 0);
  CHECK(parsed.errors[2].message.find("line 3:") == 0);
  CHECK(parsed.errors[3].message.find("not closed") != std::string::npos);
}

TEST_CASE("web roots: nginx.conf with servers, locations, quotes and includes") {
  const std::string conf =
      "worker_processes  1;\n"
      "events { worker_connections 1024; }\n"
      "http {\n"
      "    include       mime.types;\n"
      "    map $host $site_root {\n"
      "        default \"C:/map-default\";\n"
      "        root    \"C:/map-is-not-a-root\";\n"
      "    }\n"
      "    server {\n"
      "        listen 80;\n"
      "        server_name  example.com www.example.com;\n"
      "        location / {\n"
      "            root   html;  # root C:/commented;\n"
      "            index  index.html;\n"
      "        }\n"
      "        location /static/ {\n"
      "            alias \"D:/static files/\";\n"
      "        }\n"
      "        location ~ \\.php$ {\n"
      "            root 'C:/www/it\\'s';\n"
      "        }\n"
      "        location = /exact { alias C:/exact; }\n"
      "        location ^~ /img { alias\n"
      "            C:/images; }\n"
      "    }\n"
      "    server {\n"
      "        location /api { root ../api-root; }\n"
      "        server_name api.example.com;\n"
      "    }\n"
      "    root C:/http-level;\n"
      "    include sites/*.conf;\n"
      "}\n";
  const auto parsed = wr::parse_nginx_config(conf, "nginx.conf", "C:\\nginx");
  INFO(errors_text(parsed.errors));
  CHECK(parsed.errors.empty());
  const auto src = [&](const std::string& needle) {
    return "nginx.conf:" + std::to_string(line_of(conf, needle));
  };
  CHECK(rows(parsed.roots) ==
        std::vector<std::string>{
            "C:\\nginx\\html | nginx | example.com | / | " + src("root   html"),
            "D:\\static files | nginx | example.com | /static | " + src("static files"),
            "C:\\www\\it's | nginx | example.com | / | " + src("C:/www/it"),
            "C:\\exact | nginx | example.com | /exact | " + src("C:/exact"),
            "C:\\images | nginx | example.com | /img | " + src("location ^~ /img"),
            "C:\\api-root | nginx | api.example.com | / | " + src("api-root"),
            "C:\\http-level | nginx |  | / | " + src("http-level"),
        });
  CHECK(parsed.includes ==
        std::vector<std::string>{"C:\\nginx\\conf\\mime.types", "C:\\nginx\\conf\\sites\\*.conf"});
}

TEST_CASE("web roots: damaged nginx.conf is reported with line numbers, roots kept") {
  const std::string conf =
      "http {\n"
      "  server { root C:/kept; }\n"
      "}\n"
      "}\n"
      "server { root \"C:/unterminated;\n"
      "}\n";
  const auto parsed = wr::parse_nginx_config(conf, "bad-nginx.conf", "C:\\nginx");
  INFO(errors_text(parsed.errors));
  CHECK(rows(parsed.roots) ==
        std::vector<std::string>{"C:\\kept | nginx |  | / | bad-nginx.conf:2"});
  REQUIRE(parsed.errors.size() >= 2);
  for (const auto& e : parsed.errors) {
    CHECK(e.artifact.path == "bad-nginx.conf");
    CHECK(e.code == "record");
  }
  CHECK(parsed.errors[0].message == "line 4: unexpected \"}\"");
  bool quote_reported = false;
  for (const auto& e : parsed.errors)
    quote_reported = quote_reported || e.message == "line 5: unterminated quoted string";
  CHECK(quote_reported);
}

TEST_CASE("web roots: Tomcat server.xml hosts and contexts") {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Server port=\"8005\" shutdown=\"SHUTDOWN\">\n"
      "  <Service name=\"Catalina\">\n"
      "    <Connector port=\"8080\" protocol=\"HTTP/1.1\" />\n"
      "    <Engine name=\"Catalina\" defaultHost=\"localhost\">\n"
      "      <Host name=\"localhost\"  appBase=\"webapps\" unpackWARs=\"true\">\n"
      "        <Context path=\"/manager2\" docBase=\"C:/apps/manager2\" />\n"
      "        <Context path=\"\" docBase=\"rootapp\" />\n"
      "        <Context path=\"/nodoc\" />\n"
      "      </Host>\n"
      "      <Host name=\"intranet\" appBase=\"D:\\intranet-apps\" />\n"
      "      <Host name=\"nobase\" />\n"
      "    </Engine>\n"
      "  </Service>\n"
      "</Server>\n";
  const std::string base = "C:\\Program Files\\Apache Software Foundation\\Tomcat 9.0";
  const auto parsed = wr::parse_tomcat_server_xml(xml, "server.xml", base);
  INFO(errors_text(parsed.errors));
  CHECK(parsed.errors.empty());
  const auto src = [&](const std::string& needle) {
    return "server.xml:" + std::to_string(line_of(xml, needle));
  };
  CHECK(rows(parsed.roots) ==
        std::vector<std::string>{
            base + "\\webapps | Tomcat | localhost | / | " + src("\"localhost\" "),
            "C:\\apps\\manager2 | Tomcat | localhost | /manager2 | " + src("docBase=\"C:/apps"),
            base + "\\webapps\\rootapp | Tomcat | localhost | / | " + src("rootapp"),
            "D:\\intranet-apps | Tomcat | intranet | / | " + src("name=\"intranet\""),
            base + "\\webapps | Tomcat | nobase | / | " + src("nobase"),
        });
  const auto broken = wr::parse_tomcat_server_xml("<Server><Service>", "broken.xml", base);
  REQUIRE(broken.errors.size() == 1);
  CHECK(broken.errors[0].code == "record");
  CHECK(broken.errors[0].artifact.path == "broken.xml");
}
