// find_web_roots on Windows-layout evidence: a directory evidence built here, then the same
// tree copied into an NTFS image by `ntfsgen tree`, which must give the same roots and errors.
//
// Oracles: the configuration files, folders and their planted roots are written by the test;
// expected line numbers are found by searching the text the test wrote. The image evidence is
// compared with the directory evidence it was made from.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/web_roots.hpp"
#include "support.hpp"

namespace {

using sqltriage::test::line_of;

namespace fs = std::filesystem;
namespace wr = sqltriage::webroots;
using sqltriage::ErrorEntry;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;

std::string row(const wr::WebRoot& r) {
  return r.path + " | " + r.server + " | " + r.site + " | " + r.url_path + " | " + r.source;
}

std::string error_row(const ErrorEntry& e) {
  return e.artifact.path + " | " + e.code + " | " + e.message +
         (e.artifact.offset ? " @" + std::to_string(*e.artifact.offset) : std::string());
}

struct Found {
  std::vector<std::string> roots;
  std::vector<std::string> errors;
};

/// find_web_roots on the evidence at `evidence_path`, which must open as `kind`.
Found find(const fs::path& evidence_path, const std::string& kind) {
  const auto evidence = sqltriage::open_evidence(evidence_path);
  REQUIRE(evidence->kind() == kind);
  std::vector<ErrorEntry> errors;
  Found out;
  for (const auto& r : wr::find_web_roots(*evidence, errors)) out.roots.push_back(row(r));
  for (const auto& e : errors) out.errors.push_back(error_row(e));
  return out;
}

using sqltriage::test::write_file;

/// `ntfsgen tree IMAGE --from DIR`: the tree as a raw NTFS volume.
fs::path image_of(const TempDir& tmp, const fs::path& from) {
  const fs::path image = tmp.path() / "volume.img";
  const auto r =
      run("timeout 300 " + shell_quote(SQLTRIAGE_NTFSGEN) + " tree " + shell_quote(image.string()) +
          " --from " + shell_quote(from.string()) + " --disk mbr");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return image;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

const char* const kAppHost = "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config";
const char* const kHttpd = "C:\\xampp\\apache\\conf\\httpd.conf";
const char* const kVhosts = "C:\\xampp\\apache\\conf\\extra\\httpd-vhosts.conf";
const char* const kNginx = "C:\\nginx-1.24.0\\conf\\nginx.conf";
const char* const kTomcat = "C:\\Program Files\\Apache Software Foundation\\Tomcat 9.0";

}  // namespace

TEST_CASE("web roots of IIS, Apache, nginx and Tomcat in a folder and in an NTFS image") {
  TempDir tmp;
  const fs::path c = tmp.path() / "evidence";
  const std::string app_host =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<configuration>\n"
      "  <system.applicationHost>\n"
      "    <sites>\n"
      "      <site name=\"Default Web Site\" id=\"1\">\n"
      "        <application path=\"/\">\n"
      "          <virtualDirectory path=\"/\" physicalPath=\"%SystemDrive%\\inetpub\\wwwroot\" />\n"
      "        </application>\n"
      "        <application path=\"/blog\">\n"
      "          <virtualDirectory path=\"/\" physicalPath=\"C:\\sites\\blog\" />\n"
      "        </application>\n"
      "      </site>\n"
      "      <site name=\"Shop\" id=\"2\">\n"
      "        <application path=\"/\">\n"
      "          <virtualDirectory path=\"/\" physicalPath=\"C:\\sites\\shop\" />\n"
      "        </application>\n"
      "      </site>\n"
      // A second site on the same folder: one root naming both sites.
      "      <site name=\"Shop Mirror\" id=\"3\">\n"
      "        <application path=\"/\">\n"
      "          <virtualDirectory path=\"/\" physicalPath=\"c:\\Sites\\Shop\" />\n"
      "        </application>\n"
      "      </site>\n"
      "    </sites>\n"
      "  </system.applicationHost>\n"
      "</configuration>\n";
  write_file(c / "Windows" / "System32" / "inetsrv" / "config" / "applicationHost.config",
             app_host);
  write_file(c / "inetpub" / "wwwroot" / "iisstart.htm", "<html></html>");

  const std::string httpd =
      "Define SRVROOT \"C:/xampp/apache\"\n"
      "ServerRoot \"${SRVROOT}\"\n"
      "ServerName localhost:80\n"
      "DocumentRoot \"C:/xampp/htdocs\"\n"
      "Alias /webalizer \"C:/xampp/webalizer/\"\n"
      "Include conf/extra/httpd-vhosts.conf\n"
      "IncludeOptional conf/missing/*.conf\n"
      "Alias /shop-again \"C:/sites/shop\"\n"
      "Alias /after \"${AFTER}\"\n";
  const std::string vhosts =
      "<VirtualHost *:80>\n"
      "    ServerName dev.example.com\n"
      "    DocumentRoot \"${SRVROOT}/../vhosts/dev\"\n"
      "</VirtualHost>\n"
      "Define AFTER \"C:/after-include\"\n";
  write_file(c / "xampp" / "apache" / "conf" / "httpd.conf", httpd);
  write_file(c / "xampp" / "apache" / "conf" / "extra" / "httpd-vhosts.conf", vhosts);
  write_file(c / "xampp" / "htdocs" / "index.php", "<?php phpinfo();");

  const std::string nginx =
      "events { }\n"
      "http {\n"
      "  include mime.types;\n"
      "  server {\n"
      "    server_name www.example.org;\n"
      "    location / { root html; }\n"
      "    include sites/*.conf;\n"
      "  }\n"
      "}\n";
  const std::string site_a = "location /a/ {\n  alias C:/sites/a/;\n}\n";
  const std::string site_b = "location /b/ { alias C:/sites/b/; }\n";
  write_file(c / "nginx-1.24.0" / "conf" / "nginx.conf", nginx);
  write_file(c / "nginx-1.24.0" / "conf" / "mime.types", "types { text/html html; }\n");
  write_file(c / "nginx-1.24.0" / "conf" / "sites" / "b.conf", site_b);
  write_file(c / "nginx-1.24.0" / "conf" / "sites" / "a.conf", site_a);
  write_file(c / "nginx-1.24.0" / "html" / "index.html", "<html></html>");

  const std::string server_xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Server port=\"8005\" shutdown=\"SHUTDOWN\">\n"
      "  <Service name=\"Catalina\">\n"
      "    <Engine name=\"Catalina\" defaultHost=\"localhost\">\n"
      "      <Host name=\"localhost\" appBase=\"webapps\">\n"
      "        <Context path=\"/legacy\" docBase=\"C:/legacy-app\" />\n"
      "      </Host>\n"
      "    </Engine>\n"
      "  </Service>\n"
      "</Server>\n";
  const fs::path tomcat = c / "Program Files" / "Apache Software Foundation" / "Tomcat 9.0";
  write_file(tomcat / "conf" / "server.xml", server_xml);
  write_file(tomcat / "webapps" / "ROOT" / "index.jsp", "<%= 1 %>");
  write_file(c / "tomcat8" / "webapps" / "ROOT" / "index.jsp", "<%= 2 %>");

  const auto at = [](const std::string& file, const std::string& text, const std::string& needle) {
    return file + ":" + std::to_string(line_of(text, needle));
  };
  const std::string sites = "C:\\nginx-1.24.0\\conf\\sites\\";
  const std::vector<std::string> expected = {
      "C:\\inetpub\\wwwroot | IIS | Default Web Site | / | " + at(kAppHost, app_host, "wwwroot"),
      "C:\\sites\\blog | IIS | Default Web Site | /blog | " + at(kAppHost, app_host, "sites\\blog"),
      "C:\\sites\\shop | IIS | Shop, Shop Mirror | / | " + at(kAppHost, app_host, "sites\\shop"),
      "C:\\xampp\\htdocs | Apache | localhost:80 | / | " + at(kHttpd, httpd, "htdocs"),
      "C:\\xampp\\webalizer | Apache | localhost:80 | /webalizer | " +
          at(kHttpd, httpd, "webalizer/"),
      "C:\\xampp\\vhosts\\dev | Apache | dev.example.com | / | " + at(kVhosts, vhosts, "dev\""),
      "C:\\after-include | Apache | localhost:80 | /after | " + at(kHttpd, httpd, "/after"),
      "C:\\nginx-1.24.0\\html | nginx | www.example.org | / | " + at(kNginx, nginx, "root html"),
      "C:\\sites\\a | nginx | www.example.org | /a | " + at(sites + "a.conf", site_a, "alias"),
      "C:\\sites\\b | nginx | www.example.org | /b | " + at(sites + "b.conf", site_b, "alias"),
      std::string(kTomcat) + "\\webapps | Tomcat | localhost | / | " +
          at(std::string(kTomcat) + "\\conf\\server.xml", server_xml, "<Host"),
      "C:\\legacy-app | Tomcat | localhost | /legacy | " +
          at(std::string(kTomcat) + "\\conf\\server.xml", server_xml, "legacy-app"),
      "C:\\tomcat8\\webapps | Tomcat |  | / | default",
  };

  const Found folder = find(c, "directory");
  INFO("directory errors:\n" << joined(folder.errors));
  CHECK(folder.errors.empty());
  CHECK(folder.roots == expected);

  const Found image = find(image_of(tmp, c), "image");
  INFO("image errors:\n" << joined(image.errors));
  CHECK(image.errors.empty());
  CHECK(image.roots == expected);
}

TEST_CASE("web roots: the default wwwroot, unreadable and huge configurations, cycles, depth") {
  TempDir tmp;
  const fs::path c = tmp.path() / "evidence";
  fs::create_directories(c / "Windows" / "System32");
  write_file(c / "inetpub" / "wwwroot" / "default.aspx", "<% %>");
  // httpd.conf that is a folder: exists, cannot be read.
  write_file(c / "Apache24" / "conf" / "httpd.conf" / "not-a-file.txt", "x");
  // Includes in a cycle, a file included twice, an include that is not there.
  const fs::path wamp = c / "wamp64" / "bin" / "apache" / "apache2.4.51";
  const std::string wamp_display = "C:\\wamp64\\bin\\apache\\apache2.4.51\\conf\\";
  write_file(wamp / "conf" / "httpd.conf", "Include conf/a.conf\nInclude conf/gone.conf\n");
  write_file(wamp / "conf" / "a.conf", "DocumentRoot C:/wamp-a\nInclude conf/b.conf\n");
  write_file(wamp / "conf" / "b.conf",
             "DocumentRoot C:/wamp-b\nInclude conf/a.conf\nInclude conf/httpd.conf\n");
  // nginx.conf of 17 MiB (sparse): refused.
  write_file(c / "nginx" / "conf" / "nginx.conf", "");
  fs::resize_file(c / "nginx" / "conf" / "nginx.conf", 17u << 20);
  // A chain of includes ten deep: files at include depth 1..8 are read, the ninth is not.
  const fs::path deep = c / "nginx-deep" / "conf";
  write_file(deep / "nginx.conf", "http { include d1.conf; }\n");
  for (int i = 1; i <= 10; ++i)
    write_file(
        deep / ("d" + std::to_string(i) + ".conf"),
        "root C:/deep-" + std::to_string(i) + ";\ninclude d" + std::to_string(i + 1) + ".conf;\n");

  std::vector<std::string> expected = {
      "C:\\inetpub\\wwwroot | default |  | / | default",
      "C:\\wamp-a | Apache |  | / | " + wamp_display + "a.conf:1",
      "C:\\wamp-b | Apache |  | / | " + wamp_display + "b.conf:1",
  };
  for (int i = 1; i <= 8; ++i)
    expected.push_back("C:\\deep-" + std::to_string(i) +
                       " | nginx |  | / | C:\\nginx-deep\\conf\\d" + std::to_string(i) + ".conf:1");

  const Found folder = find(c, "directory");
  INFO("directory errors:\n" << joined(folder.errors));
  CHECK(folder.roots == expected);

  // Each problem once, naming its file (and the include that asked, with its line).
  const auto has_error = [&](const std::string& path, const std::string& code,
                             const std::string& text) {
    return std::count_if(folder.errors.begin(), folder.errors.end(), [&](const std::string& e) {
             return e.rfind(path + " | " + code + " | ", 0) == 0 &&
                    e.find(text) != std::string::npos;
           }) == 1;
  };
  CHECK(has_error("C:\\Apache24\\conf\\httpd.conf", "open_failed", ""));
  CHECK(has_error(wamp_display + "a.conf", "record", wamp_display + "b.conf:2 includes"));
  CHECK(has_error(wamp_display + "httpd.conf", "record", wamp_display + "b.conf:3 includes"));
  CHECK(has_error(wamp_display + "gone.conf", "missing", wamp_display + "httpd.conf:2"));
  CHECK(has_error("C:\\nginx\\conf\\nginx.conf", "limit", std::to_string(17u << 20)));
  CHECK(has_error("C:\\nginx-deep\\conf\\d8.conf", "limit", "line 2: includes nested deeper"));
  CHECK(folder.errors.size() == 6);

  const Found image = find(image_of(tmp, c), "image");
  INFO("image errors:\n" << joined(image.errors));
  CHECK(image.roots == folder.roots);
  CHECK(image.errors.size() == folder.errors.size());
  // The folder-named httpd.conf fails differently in each evidence (the host refuses a
  // folder; NTFS says "is a folder"); every other error is the same.
  for (std::size_t i = 0; i < std::min(image.errors.size(), folder.errors.size()); ++i)
    if (folder.errors[i].find("open_failed") == std::string::npos)
      CHECK(image.errors[i] == folder.errors[i]);
}

TEST_CASE("web roots: evidence without a Windows layout has none") {
  TempDir tmp;
  write_file(tmp.path() / "loose" / "httpd.conf", "DocumentRoot C:/x\n");
  const Found found = find(tmp.path() / "loose", "folder");
  CHECK(found.roots.empty());
  CHECK(found.errors.empty());
}
