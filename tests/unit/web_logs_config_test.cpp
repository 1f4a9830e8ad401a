// Access log locations from the web servers' configurations: IIS <logFile>, Apache CustomLog /
// TransferLog / LogFormat, nginx access_log, and find_web_logs over a directory evidence.
//
// Oracles: every configuration is written here with its log paths, sites and formats planted;
// the expected locations are those planted values, each expected line number is found by
// searching the text the test wrote. The LogFormat strings taken from an httpd.conf are fed to
// weblog::Reader with a log line written here in that format; the expected UTC time of that
// line is computed by Python's datetime.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/web_roots.hpp"
#include "sqltriage/weblog.hpp"
#include "support.hpp"

namespace {

using sqltriage::test::errors_text;
using sqltriage::test::line_of;

namespace fs = std::filesystem;
namespace wr = sqltriage::webroots;
namespace wl = sqltriage::weblog;
using sqltriage::ErrorEntry;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::write_file;

/// One location as "path | file/folder | prefix | server | site | site folder | logformat |
/// IIS format | source" (one string compares every field and prints readably).
std::string row(const wr::LogLocation& l) {
  return l.path + " | " + (l.folder ? "folder" : "file") + " | " + l.name_prefix + " | " +
         l.server + " | " + l.site + " | " + l.site_folder + " | " +
         (l.logformat ? *l.logformat : std::string("<none>")) + " | " + l.iis_log_format + " | " +
         l.source;
}

std::vector<std::string> rows(const std::vector<wr::LogLocation>& logs) {
  std::vector<std::string> out;
  for (const auto& l : logs) out.push_back(row(l));
  return out;
}

/// Text as a byte source for weblog::Reader.
std::shared_ptr<const sqltriage::ByteSource> bytes_of(const std::string& text) {
  auto source = std::make_shared<sqltriage::SplicedSource>();
  source->append(std::vector<std::uint8_t>(text.begin(), text.end()));
  return source;
}

}  // namespace

TEST_CASE("web logs: IIS site log folders from logFile and siteDefaults") {
  // As IIS writes it: <siteDefaults> after the sites, yet it holds for all of them.
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<configuration>\n"
      "  <system.applicationHost>\n"
      "    <sites>\n"
      "      <site name=\"Default Web Site\" id=\"1\">\n"
      "        <application path=\"/\">\n"
      "          <virtualDirectory path=\"/\" physicalPath=\"%SystemDrive%\\inetpub\\wwwroot\" />\n"
      "        </application>\n"
      "      </site>\n"
      "      <site name=\"Shop\" id=\"2\" serverAutoStart=\"true\">\n"
      "        <logFile directory=\"%SystemDrive%\\weblogs\" logFormat=\"IIS\" />\n"
      "      </site>\n"
      "      <site name=\"Quiet\" id=\"3\">\n"
      "        <logFile enabled=\"false\" />\n"
      "      </site>\n"
      "      <site name=\"Odbc\" id=\"4\">\n"
      "        <logFile logFormat=\"Custom\" "
      "customLogPluginClsid=\"{FF16065B-DE82-11CF-BC0A-00AA006111E0}\" />\n"
      "      </site>\n"
      "      <site name=\"EtwOnly\" id=\"5\">\n"
      "        <logFile logTargetW3C=\"ETW\" />\n"
      "      </site>\n"
      "      <site name=\"Both\" id=\"6\">\n"
      "        <logFile logTargetW3C=\"File,ETW\" directory=\"\\\\fileserver\\iislogs\\\" />\n"
      "      </site>\n"
      "      <site name=\"NoId\">\n"
      "      </site>\n"
      "      <site name=\"Ncsa\" id=\"12\">\n"
      "        <logFile logFormat=\"NCSA\" directory=\"E:/moved/../iis\" />\n"
      "      </site>\n"
      "      <siteDefaults>\n"
      "        <logFile logFormat=\"W3C\" directory=\"D:\\logs\" />\n"
      "        <traceFailedRequestsLogging directory=\"C:\\inetpub\\logs\\FailedReqLogFiles\" />\n"
      "      </siteDefaults>\n"
      "    </sites>\n"
      "  </system.applicationHost>\n"
      "</configuration>\n";
  const std::string display = "applicationHost.config";
  const auto parsed = wr::parse_iis_config(xml, display);
  const auto src = [&](const std::string& needle) {
    return display + ":" + std::to_string(line_of(xml, needle));
  };
  const std::vector<std::string> expected = {
      "D:\\logs\\W3SVC1 | folder |  | IIS | Default Web Site | W3SVC1 | <none> | W3C | " +
          src("\"Default Web Site\""),
      "C:\\weblogs\\W3SVC2 | folder |  | IIS | Shop | W3SVC2 | <none> | IIS | " +
          src("%SystemDrive%\\weblogs"),
      "\\\\fileserver\\iislogs\\W3SVC6 | folder |  | IIS | Both | W3SVC6 | <none> | W3C | " +
          src("File,ETW"),
      "E:\\iis\\W3SVC12 | folder |  | IIS | Ncsa | W3SVC12 | <none> | NCSA | " + src("E:/moved"),
  };
  CHECK(rows(parsed.logs) == expected);
  // The site without an id is reported with its line; the roots are those of before.
  REQUIRE(parsed.errors.size() == 1);
  CHECK(parsed.errors[0].code == "record");
  CHECK(parsed.errors[0].artifact.path == display);
  CHECK(parsed.errors[0].message.find("line " + std::to_string(line_of(xml, "\"NoId\"")) +
                                      ": site \"NoId\" has no id") == 0);
  REQUIRE(parsed.errors[0].artifact.offset.has_value());
  // The offset is that of the element's name, as for the other applicationHost.config errors.
  CHECK(*parsed.errors[0].artifact.offset == xml.find("<site name=\"NoId\"") + 1);
  REQUIRE(parsed.roots.size() == 1);
  CHECK(parsed.roots[0].path == "C:\\inetpub\\wwwroot");
}

TEST_CASE("web logs: IIS defaults without siteDefaults, and logging off by default") {
  const std::string plain =
      "<configuration><system.applicationHost><sites>\n"
      "<site name=\"A\" id=\"7\"/>\n"
      "</sites></system.applicationHost></configuration>\n";
  const auto a = wr::parse_iis_config(plain, "a.config");
  CHECK(rows(a.logs) == std::vector<std::string>{
                            "C:\\inetpub\\logs\\LogFiles\\W3SVC7 | folder |  | IIS | A | W3SVC7 | "
                            "<none> | W3C | a.config:2"});
  CHECK(a.errors.empty());

  // Logging off for every site unless a site turns it on again; the site's own logFormat wins.
  const std::string off =
      "<system.applicationHost><sites>\n"
      "<siteDefaults><logFile enabled=\"false\" logFormat=\"NCSA\" /></siteDefaults>\n"
      "<site name=\"Off\" id=\"1\"/>\n"
      "<site name=\"On\" id=\"2\">\n"
      "  <logFile enabled=\"true\" logFormat=\"W3C\" />\n"
      "</site>\n"
      "<site name=\"OnNcsa\" id=\"3\"><logFile enabled=\"true\"/></site>\n"
      "</sites></system.applicationHost>\n";
  const auto b = wr::parse_iis_config(off, "b.config");
  CHECK(rows(b.logs) ==
        std::vector<std::string>{
            "C:\\inetpub\\logs\\LogFiles\\W3SVC2 | folder |  | IIS | On | W3SVC2 | <none> | W3C "
            "| b.config:" +
                std::to_string(line_of(off, "logFormat=\"W3C\"")),
            "C:\\inetpub\\logs\\LogFiles\\W3SVC3 | folder |  | IIS | OnNcsa | W3SVC3 | <none> | "
            "NCSA | b.config:" +
                std::to_string(line_of(off, "OnNcsa"))});
  CHECK(b.errors.empty());
}

TEST_CASE("web logs: Apache CustomLog, TransferLog and LogFormat nicknames") {
  const std::string conf = R"~(# Apache Lounge layout
ServerRoot "C:/Apache24"
ServerName main.example
CustomLog logs/early.log later
CustomLog "|bin/rotatelogs.exe -l logs/access.%Y-%m-%d.log 86400" common
CustomLog "|\"C:/Program Files/Apache24/bin/rotatelogs.exe\" -n 5 -L logs/link.log \"C:/weblogs/ssl.log\" 10M" "%h %t \"%r\" %>s %b"
CustomLog "||bin/rotatelogs logs/%Y/%m/deep.log 86400" combined
CustomLog "|bin/rotatelogs.exe logs/plain.log 86400" common
CustomLog "|bin/logger.exe -t httpd" combined
CustomLog syslog:user combined
CustomLog logs/inline.log "%h %t \"%r\" %>s %I" env=!dontlog
TransferLog logs/transfer.log
LogFormat "%h %l %u %t \"%r\" %>s %b %D" later
LogFormat "%a %t \"%r\" %>s %I"
CustomLog logs/unknown.log nosuchnick
CustomLog logs/upper.log COMBINED
<VirtualHost *:443>
    ServerName shop.example.com
    LogFormat "%v %h \"%r\" %>s %I" Later
    CustomLog "C:/sites/shop/logs/access.log" later expr=%{REQUEST_STATUS}!=200
    TransferLog D:/shop-transfer.log
</VirtualHost>
<VirtualHost *:8080>
    LogFormat "%h only-here %>s"
    CustomLog logs/noname.log later
    TransferLog logs/noname-transfer.log
</VirtualHost>
CustomLog logs/only-a-file.log
TransferLog
)~";
  std::string server_root = "C:\\elsewhere";
  std::vector<std::pair<std::string, std::string>> defines;
  const auto parsed = wr::parse_apache_config(conf, "httpd.conf", server_root, defines);
  const auto src = [&](const std::string& needle) {
    return "httpd.conf:" + std::to_string(line_of(conf, needle));
  };
  const std::string later = "%h %l %u %t \"%r\" %>s %b %D";
  const std::string unnamed = "%a %t \"%r\" %>s %I";
  const std::vector<std::string> expected = {
      "C:\\Apache24\\logs\\early.log | file |  | Apache | main.example |  | " + later + " |  | " +
          src("early.log"),
      "C:\\Apache24\\logs | folder | access. | Apache | main.example |  | common |  | " +
          src("access.%Y"),
      "C:\\weblogs | folder | ssl.log | Apache | main.example |  | %h %t \"%r\" %>s %b |  | " +
          src("ssl.log"),
      "C:\\Apache24\\logs | folder |  | Apache | main.example |  | combined |  | " +
          src("deep.log"),
      "C:\\Apache24\\logs | folder | plain.log. | Apache | main.example |  | common |  | " +
          src("plain.log"),
      "C:\\Apache24\\logs\\inline.log | file |  | Apache | main.example |  | %h %t \"%r\" %>s %I "
      "|  | " +
          src("inline.log"),
      "C:\\Apache24\\logs\\transfer.log | file |  | Apache | main.example |  | " + unnamed +
          " |  | " + src("logs/transfer.log"),
      "C:\\Apache24\\logs\\unknown.log | file |  | Apache | main.example |  | <none> |  | " +
          src("unknown.log"),
      "C:\\Apache24\\logs\\upper.log | file |  | Apache | main.example |  | combined |  | " +
          src("upper.log"),
      "C:\\sites\\shop\\logs\\access.log | file |  | Apache | shop.example.com |  | %v %h \"%r\" "
      "%>s %I |  | " +
          src("C:/sites/shop"),
      "D:\\shop-transfer.log | file |  | Apache | shop.example.com |  | " + unnamed + " |  | " +
          src("shop-transfer"),
      "C:\\Apache24\\logs\\noname.log | file |  | Apache | main.example |  | " + later + " |  | " +
          src("noname.log"),
      "C:\\Apache24\\logs\\noname-transfer.log | file |  | Apache | main.example |  | %h "
      "only-here %>s |  | " +
          src("noname-transfer"),
  };
  CHECK(rows(parsed.logs) == expected);
  INFO(errors_text(parsed.errors));
  REQUIRE(parsed.errors.size() == 2);
  CHECK(parsed.errors[0].message == "line " + std::to_string(line_of(conf, "only-a-file")) +
                                        ": CustomLog needs a file and a format");
  CHECK(parsed.errors[1].message ==
        "line " + std::to_string(line_of(conf, "TransferLog\n")) + ": TransferLog needs a file");
  CHECK(parsed.roots.empty());
}

TEST_CASE("web logs: TransferLog without any LogFormat is common, includes keep nicknames") {
  std::string server_root = "C:\\xampp\\apache";
  std::vector<std::pair<std::string, std::string>> defines = {{"LOGS", "D:/weblogs"}};
  const std::string conf =
      "TransferLog \"${LOGS}/transfer.log\"\n"
      "CustomLog \"|bin/rotatelogs.exe\" common\n"
      "CustomLog \"|bin/rotatelogs.exe -l -f\" common\n";
  const auto parsed = wr::parse_apache_config(conf, "t.conf", server_root, defines);
  CHECK(rows(parsed.logs) ==
        std::vector<std::string>{
            "D:\\weblogs\\transfer.log | file |  | Apache |  |  | common |  | t.conf:1"});
  CHECK(parsed.errors.empty());
}

TEST_CASE("web logs: XAMPP LogFormats read back a log line through weblog::Reader") {
  // XAMPP's and Apache Lounge's default httpd.conf logging section.
  const std::string conf = R"~(Define SRVROOT "C:/xampp/apache"
ServerRoot "${SRVROOT}"
ErrorLog "logs/error.log"
LogLevel warn
<IfModule log_config_module>
    LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"" combined
    LogFormat "%h %l %u %t \"%r\" %>s %b" common

    <IfModule logio_module>
      # You need to enable mod_logio.c to use %I and %O
      LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %I %O" combinedio
    </IfModule>

    #CustomLog "logs/access.log" common
    CustomLog "logs/access.log" combinedio
    CustomLog "logs/plain.log" common
    CustomLog "logs/agents.log" combined
</IfModule>
)~";
  std::string server_root = "C:\\";
  std::vector<std::pair<std::string, std::string>> defines;
  const auto parsed = wr::parse_apache_config(conf, "httpd.conf", server_root, defines);
  INFO(errors_text(parsed.errors));
  CHECK(parsed.errors.empty());
  REQUIRE(parsed.logs.size() == 3);
  CHECK(parsed.logs[0].path == "C:\\xampp\\apache\\logs\\access.log");
  CHECK(parsed.logs[0].source ==
        "httpd.conf:" + std::to_string(line_of(conf, "\"logs/access.log\" combinedio")));
  // The httpd.conf escapes \" are undone: these are the formats as mod_log_config uses them.
  const std::string combinedio =
      "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %I %O";
  const std::string common = "%h %l %u %t \"%r\" %>s %b";
  const std::string combined = "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\"";
  REQUIRE(parsed.logs[0].logformat.has_value());
  REQUIRE(parsed.logs[1].logformat.has_value());
  REQUIRE(parsed.logs[2].logformat.has_value());
  CHECK(*parsed.logs[0].logformat == combinedio);
  CHECK(*parsed.logs[1].logformat == common);
  CHECK(*parsed.logs[2].logformat == combined);

  // A line as mod_log_config writes it with each format, fields planted here.
  const std::string when = "12/Mar/2024:08:15:02 +0100";
  const std::string head =
      "203.0.113.9 - - [" + when + "] \"POST /uploads/up.php?x=1 HTTP/1.1\" 200 731";
  const std::string tail = " \"http://shop.example/\" \"Mozilla/5.0 (Windows NT 10.0) curl\"";
  const std::vector<std::string> lines = {head + tail + " 48213 1024", head, head + tail};
  const auto py = run("/usr/bin/python3 -c " +
                      shell_quote("import datetime;print(int(datetime.datetime.strptime('" + when +
                                  "','%d/%b/%Y:%H:%M:%S %z').timestamp()))"));
  REQUIRE(py.exit_code == 0);
  const std::int64_t unix_seconds = std::stoll(py.out);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("format " << *parsed.logs[i].logformat);
    std::unique_ptr<wl::Reader> reader;
    REQUIRE_NOTHROW(reader =
                        wl::Reader::open(bytes_of(lines[i] + "\n"), "x", parsed.logs[i].logformat));
    wl::Request request;
    REQUIRE(reader->next(request));
    CHECK(reader->bad_line_count() == 0);
    CHECK(request.client_ip == "203.0.113.9");
    CHECK(request.method == "POST");
    CHECK(request.uri_stem == "/uploads/up.php");
    CHECK(request.uri_query == "x=1");
    CHECK(request.status == 200);
    REQUIRE(request.time.has_value());
    CHECK(sqltriage::filetime_to_unix_seconds(*request.time) == unix_seconds);
    if (i == 0) {
      CHECK(request.bytes_received == std::optional<std::uint64_t>(48213));
      CHECK(request.bytes_sent == std::optional<std::uint64_t>(1024));  // %O wins over %b
      CHECK(reader->records_request_size());
    } else {
      CHECK_FALSE(request.bytes_received.has_value());
      CHECK(request.bytes_sent == std::optional<std::uint64_t>(731));
      CHECK_FALSE(reader->records_request_size());
    }
    CHECK(request.user_agent == (i == 1 ? "" : "Mozilla/5.0 (Windows NT 10.0) curl"));
    CHECK_FALSE(reader->next(request));
  }
}

TEST_CASE("web logs: nginx access_log paths, off, syslog, servers and variables") {
  const std::string conf = R"~(worker_processes  1;
events { worker_connections 1024; }
http {
    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" "$http_user_agent"';
    access_log  logs/access.log  main;
    access_log off;
    map $status $loggable { ~^[23] 0; default 1; }
    server {
        listen 80;
        server_name www.example.org example.org;
        access_log "C:/weblogs/www.log";
        access_log syslog:server=192.0.2.1 combined;
        location /api/ {
            access_log logs/api.log combined buffer=32k flush=5m if=$loggable;
        }
    }
    server {
        server_name _;
        access_log logs/$host.access.log;
        access_log D:/nginx-logs/vhosts/$server_name/access.log combined;
        access_log '\\\\fs\\share\\other.log' gzip=4;
    }
    access_log
}
)~";
  const auto parsed = wr::parse_nginx_config(conf, "nginx.conf", "C:\\nginx");
  const auto src = [&](const std::string& needle) {
    return "nginx.conf:" + std::to_string(line_of(conf, needle));
  };
  const std::vector<std::string> expected = {
      "C:\\nginx\\logs\\access.log | file |  | nginx |  |  | <none> |  | " + src("logs/access.log"),
      "C:\\weblogs\\www.log | file |  | nginx | www.example.org |  | <none> |  | " + src("www.log"),
      "C:\\nginx\\logs\\api.log | file |  | nginx | www.example.org |  | <none> |  | " +
          src("api.log"),
      "C:\\nginx\\logs | folder |  | nginx | _ |  | <none> |  | " + src("$host"),
      "D:\\nginx-logs\\vhosts | folder |  | nginx | _ |  | <none> |  | " + src("nginx-logs"),
      "\\\\fs\\share\\other.log | file |  | nginx | _ |  | <none> |  | " + src("other.log"),
  };
  CHECK(rows(parsed.logs) == expected);
  INFO(errors_text(parsed.errors));
  // The last "access_log" runs into "}" without its ';': an error naming the line of the "}".
  REQUIRE(parsed.errors.size() == 1);
  CHECK(parsed.errors[0].message.find("line " + std::to_string(line_of(conf, "access_log\n}") + 1) +
                                      ": unexpected") == 0);
}

TEST_CASE("web logs: nginx access_log with a variable in the file name keeps its fixed start") {
  const auto parsed =
      wr::parse_nginx_config("http { access_log logs/site-$host.log; }\n", "n.conf", "C:\\nginx");
  CHECK(rows(parsed.logs) ==
        std::vector<std::string>{"C:\\nginx\\logs | folder | site- | nginx |  |  | <none> |  | "
                                 "n.conf:1"});
}

TEST_CASE("web logs: find_web_logs reads IIS, Apache with its includes and nginx in a folder") {
  TempDir tmp;
  const fs::path c = tmp.path() / "evidence";
  const std::string app_host =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<configuration>\n"
      "  <system.applicationHost>\n"
      "    <sites>\n"
      "      <site name=\"Default Web Site\" id=\"1\">\n"
      "        <application path=\"/\">\n"
      "          <virtualDirectory path=\"/\" physicalPath=\"%SystemDrive%\\inetpub\\wwwroot\" />\n"
      "        </application>\n"
      "      </site>\n"
      "      <site name=\"Intranet\" id=\"3\">\n"
      "        <logFile directory=\"C:\\IISLogs\" />\n"
      "      </site>\n"
      "      <siteDefaults>\n"
      "        <logFile directory=\"%SystemDrive%\\inetpub\\logs\\LogFiles\" />\n"
      "      </siteDefaults>\n"
      "    </sites>\n"
      "  </system.applicationHost>\n"
      "</configuration>\n";
  write_file(c / "Windows" / "System32" / "inetsrv" / "config" / "applicationHost.config",
             app_host);
  const std::string httpd = R"~(Define SRVROOT "C:/xampp/apache"
ServerRoot "${SRVROOT}"
ServerName localhost:80
LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %I %O" combinedio
CustomLog "logs/access.log" combinedio
Include conf/extra/httpd-vhosts.conf
CustomLog "logs/ACCESS.log" common
)~";
  const std::string vhosts = R"~(<VirtualHost *:80>
    ServerName dev.example.com
    CustomLog "logs/dev-access.log" combinedio
</VirtualHost>
)~";
  write_file(c / "xampp" / "apache" / "conf" / "httpd.conf", httpd);
  write_file(c / "xampp" / "apache" / "conf" / "extra" / "httpd-vhosts.conf", vhosts);
  const std::string nginx =
      "http {\n  server {\n    server_name n.example;\n"
      "    access_log logs/n.access.log;\n  }\n}\n";
  write_file(c / "nginx-1.24.0" / "conf" / "nginx.conf", nginx);

  const auto evidence = sqltriage::open_evidence(c);
  REQUIRE(evidence->kind() == "directory");
  std::vector<ErrorEntry> errors;
  const auto logs = wr::find_web_logs(*evidence, errors);
  INFO(errors_text(errors));
  CHECK(errors.empty());
  const std::string app = "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config";
  const std::string conf = "C:\\xampp\\apache\\conf\\";
  const std::string combinedio =
      "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %I %O";
  const std::vector<std::string> expected = {
      "C:\\inetpub\\logs\\LogFiles\\W3SVC1 | folder |  | IIS | Default Web Site | W3SVC1 | "
      "<none> | W3C | " +
          app + ":" + std::to_string(line_of(app_host, "Default Web Site")),
      "C:\\IISLogs\\W3SVC3 | folder |  | IIS | Intranet | W3SVC3 | <none> | W3C | " + app + ":" +
          std::to_string(line_of(app_host, "IISLogs")),
      // ACCESS.log is the same file as access.log (case-insensitive): listed once.
      "C:\\xampp\\apache\\logs\\access.log | file |  | Apache | localhost:80 |  | " + combinedio +
          " |  | " + conf + "httpd.conf:" + std::to_string(line_of(httpd, "\"logs/access.log\"")),
      "C:\\xampp\\apache\\logs\\dev-access.log | file |  | Apache | dev.example.com |  | " +
          combinedio + " |  | " + conf +
          "extra\\httpd-vhosts.conf:" + std::to_string(line_of(vhosts, "dev-access")),
      "C:\\nginx-1.24.0\\logs\\n.access.log | file |  | nginx | n.example |  | <none> |  | "
      "C:\\nginx-1.24.0\\conf\\nginx.conf:" +
          std::to_string(line_of(nginx, "access_log")),
  };
  CHECK(rows(logs) == expected);

  // The roots of the same evidence are those find_web_roots found before logs were added.
  std::vector<ErrorEntry> root_errors;
  const auto roots = wr::find_web_roots(*evidence, root_errors);
  CHECK(root_errors.empty());
  REQUIRE(roots.size() == 1);
  CHECK(roots[0].path == "C:\\inetpub\\wwwroot");
}

TEST_CASE("web logs: evidence without a Windows layout names no logs") {
  TempDir tmp;
  write_file(tmp.path() / "loose" / "httpd.conf", "CustomLog logs/access.log common\n");
  const auto evidence = sqltriage::open_evidence(tmp.path() / "loose");
  std::vector<ErrorEntry> errors;
  CHECK(wr::find_web_logs(*evidence, errors).empty());
  CHECK(errors.empty());
}
