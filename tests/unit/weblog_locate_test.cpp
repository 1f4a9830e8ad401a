// Where the weblog scan finds access logs (pipeline/weblog/locate.hpp): the file-name rule of
// loose folders, and the usual Windows places of IIS, Apache and nginx logs in evidence trees
// planted here and opened with open_evidence. Oracle: the trees the test plants; the expected
// logs are the planted files the contract names, in its order, and nothing else.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/weblog/locate.hpp"
#include "sqltriage/evidence.hpp"
#include "support.hpp"

namespace {

using sqltriage::test::errors_text;

namespace fs = std::filesystem;
namespace ws = sqltriage::pipeline::weblog_scan;
using sqltriage::ErrorEntry;
using sqltriage::test::TempDir;
using sqltriage::test::write_file;

/// "display path | server | site" per log, in the order given.
std::vector<std::string> rows(const std::vector<ws::LogFile>& logs) {
  std::vector<std::string> out;
  for (const auto& l : logs) out.push_back(l.file.display_path + " | " + l.server + " | " + l.site);
  return out;
}

/// Plants `relative` (a '/'-separated path under `root`) with one line of text.
void plant(const fs::path& root, const std::string& relative) {
  write_file(root / relative, "#Software: planted " + relative + "\n");
}

std::vector<ws::LogFile> locate(const fs::path& path, const std::string& kind,
                                std::vector<ErrorEntry>& errors) {
  const auto ev = sqltriage::open_evidence(path);
  REQUIRE(ev->kind() == kind);
  return ws::locate_logs(*ev, errors);
}

}  // namespace

TEST_CASE("weblog locate: which file names look like access logs", "[weblog][locate]") {
  for (const char* yes :
       {"access.log", "access_log", "access.log.1", "access.log.2.gz", "access_log-20230220",
        "u_ex230220.log", "site.log.2023-02-20", "ACCESS.LOG", "u_ex230220.log.gz",
        "other_vhosts_access.log", "catalina.2023-02-20.log", "ssl_request_log.3"}) {
    INFO(yes);
    CHECK(ws::looks_like_access_log(yes));
  }
  for (const char* no : {"error.log", "error_log.1", "httperr1.log", "HTTPERR1.LOG",
                         "ssl_error_log", "access_error.log", "notes.txt", "foo.logger",
                         "foo.log.bak", "blog", ".log", "log", "weblog.txt"}) {
    INFO(no);
    CHECK_FALSE(ws::looks_like_access_log(no));
  }
}

TEST_CASE("weblog locate: IIS, Apache and nginx logs at their Windows places", "[weblog][locate]") {
  TempDir dir;
  const fs::path root = dir.path() / "snapshot";
  fs::create_directories(root / "Windows" / "System32" / "config");
  // In the order the contract reads them: IIS under inetpub, IIS under System32, Apache
  // (XAMPP, then Program Files), nginx; per folder by name.
  const std::vector<std::string> taken = {
      "inetpub/logs/LogFiles/W3SVC1/u_ex230220.log",
      "inetpub/logs/LogFiles/W3SVC1/u_ex230221.log",
      "inetpub/logs/LogFiles/W3SVC2/u_ex230219.log.gz",
      "inetpub/logs/LogFiles/W3SVC2/u_ex230220.log",
      "Windows/System32/LogFiles/W3SVC1/u_ex230218.log",
      "xampp/apache/logs/access.log",
      "xampp/apache/logs/access.log.1",
      "Program Files/Apache Software Foundation/Apache2.4/logs/access.log",
      "nginx-1.24.0/logs/access.log",
  };
  for (const auto& p : taken) plant(root, p);
  // Beside them, files the contract leaves out.
  for (const char* p : {"inetpub/logs/LogFiles/W3SVC1/in230220.log",  // IIS native: an error
                        "inetpub/logs/LogFiles/HTTPERR/httperr1.log",
                        "inetpub/logs/LogFiles/FTPSVC2/u_ex230220.log",
                        "xampp/apache/logs/error.log", "xampp/apache/logs/ssl_request.log",
                        "nginx-1.24.0/logs/error.log", "nginx-1.24.0/conf/access.log"})
    plant(root, p);

  std::vector<ErrorEntry> errors;
  const auto logs = locate(root, "directory", errors);
  INFO(errors_text(errors));

  const auto windows = [](std::string p) {
    std::replace(p.begin(), p.end(), '/', '\\');
    return "C:\\" + p;
  };
  std::vector<std::string> expected;
  for (std::size_t i = 0; i < taken.size(); ++i) {
    const std::string server = i < 5 ? "IIS" : i < 8 ? "Apache" : "nginx";
    const std::string site = i < 2 || i == 4 ? "W3SVC1" : i < 4 ? "W3SVC2" : "";
    expected.push_back(windows(taken[i]) + " | " + server + " | " + site);
  }
  CHECK(rows(logs) == expected);
  for (const auto& l : logs) {  // each opens to the file planted there
    INFO(l.file.display_path);
    CHECK(fs::is_regular_file(l.file.host_path));
  }

  REQUIRE(errors.size() == 1);  // the IIS native log, named, not read
  CHECK(errors[0].artifact.path == windows("inetpub/logs/LogFiles/W3SVC1/in230220.log"));
  CHECK(errors[0].code == "open_failed");
}

TEST_CASE("weblog locate: a Windows tree without web logs gives one missing error",
          "[weblog][locate]") {
  TempDir dir;
  fs::create_directories(dir.path() / "Windows" / "System32" / "LogFiles" / "HTTPERR");
  plant(dir.path(), "Windows/System32/LogFiles/HTTPERR/httperr1.log");
  plant(dir.path(), "xampp/apache/logs/error.log");
  fs::create_directories(dir.path() / "inetpub" / "logs" / "LogFiles" / "W3SVC1");  // empty
  std::vector<ErrorEntry> errors;
  const auto logs = locate(dir.path(), "directory", errors);
  CHECK(logs.empty());
  INFO(errors_text(errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "missing");
  CHECK(errors[0].artifact.path == dir.path().string());
}

TEST_CASE("weblog locate: a loose folder of logs", "[weblog][locate]") {
  TempDir dir;
  const fs::path logs_dir = dir.path() / "collected";
  const std::vector<std::string> taken = {"access.log", "access.log.1", "access.log.2.gz",
                                          "iis/u_ex230220.log", "x.log/u_ex230221.log"};
  for (const auto& p : taken) plant(logs_dir, p);
  for (const char* p : {"error.log", "notes.txt", "httperr1.log", "iis/readme.txt"})
    plant(logs_dir, p);
  // A link named like a log, to a real log outside: reported, not followed.
  plant(dir.path(), "elsewhere/access.log");
  fs::create_directories(logs_dir / "linked");
  fs::create_symlink(dir.path() / "elsewhere" / "access.log", logs_dir / "linked" / "access.log");
  // x.log is a folder: skipped itself, its files looked at.

  std::vector<ErrorEntry> errors;
  const auto logs = locate(logs_dir, "folder", errors);
  INFO(errors_text(errors));
  std::vector<std::string> got, expected;
  for (const auto& l : logs) {
    got.push_back(l.file.display_path);
    CHECK(l.server == "given");
    CHECK(l.site.empty());
    CHECK(fs::is_regular_file(fs::symlink_status(l.file.host_path)));
  }
  for (const auto& p : taken) expected.push_back((logs_dir / p).string());
  std::sort(got.begin(), got.end());
  std::sort(expected.begin(), expected.end());
  CHECK(got == expected);

  REQUIRE(errors.size() == 1);
  CHECK(errors[0].artifact.path == (logs_dir / "linked" / "access.log").string());
  CHECK(errors[0].code == "open_failed");
}

TEST_CASE("weblog locate: a folder without logs, and a log file given", "[weblog][locate]") {
  TempDir dir;
  plant(dir.path(), "folder/notes.txt");
  plant(dir.path(), "folder/error.log");
  fs::create_directories(dir.path() / "folder" / "empty.log");
  std::vector<ErrorEntry> errors;
  CHECK(locate(dir.path() / "folder", "folder", errors).empty());
  INFO(errors_text(errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "missing");
  CHECK(errors[0].artifact.path == (dir.path() / "folder").string());

  // A file given is read whatever its name.
  errors.clear();
  const fs::path given = dir.path() / "folder" / "notes.txt";
  const auto logs = locate(given, "file", errors);
  CHECK(errors.empty());
  REQUIRE(logs.size() == 1);
  CHECK(logs[0].file.display_path == given.string());
  CHECK(logs[0].server == "given");
}

TEST_CASE("weblog locate: the logs the servers' configurations name come first, with their format",
          "[weblog][locate]") {
  TempDir dir;
  const fs::path root = dir.path() / "snapshot";
  fs::create_directories(root / "Windows" / "System32" / "config");
  // IIS: site 1 logs to the default folder, site 2 to a moved one, site 3 to drive D:, site 4
  // has logging off; site 5's folder was never written (or was removed).
  write_file(root / "Windows/System32/inetsrv/config/applicationHost.config",
             "<?xml version=\"1.0\"?>\n<configuration><system.applicationHost><sites>\n"
             "<site name=\"Shop\" id=\"1\"><application path=\"/\"><virtualDirectory path=\"/\" "
             "physicalPath=\"C:\\sites\\shop\"/></application></site>\n"
             "<site name=\"Api\" id=\"2\"><logFile directory=\"%SystemDrive%\\weblogs\"/></site>\n"
             "<site name=\"Old\" id=\"3\"><logFile directory=\"D:\\logs\"/></site>\n"
             "<site name=\"Off\" id=\"4\"><logFile enabled=\"false\"/></site>\n"
             "<site name=\"Gone\" id=\"5\"/>\n"
             "</sites></system.applicationHost></configuration>\n");
  plant(root, "inetpub/logs/LogFiles/W3SVC1/u_ex230220.log");
  plant(root, "weblogs/W3SVC2/u_ex230220.log");
  plant(root, "inetpub/logs/LogFiles/W3SVC4/u_ex230101.log");  // found at the usual place
  // Apache (XAMPP): a CustomLog outside the logs folder, written with %I, and its rotation.
  const std::string combinedio =
      R"(%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %I %O)";
  write_file(root / "xampp/apache/conf/httpd.conf",
             "ServerRoot \"C:/xampp/apache\"\nLogFormat \"" + combinedio + "\" combinedio\n" +
                 "CustomLog \"C:/weblogs/apache/shop-traffic.log\" combinedio\n");
  plant(root, "weblogs/apache/shop-traffic.log");
  plant(root, "weblogs/apache/shop-traffic.log.1.gz");
  plant(root, "weblogs/apache/shop-traffic-error.txt");  // not a rotation of it

  std::vector<ErrorEntry> errors;
  const auto logs = locate(root, "directory", errors);
  INFO(errors_text(errors));
  const auto r = rows(logs);
  const std::vector<std::string> expected = {
      "C:\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex230220.log | IIS | W3SVC1",
      "C:\\weblogs\\W3SVC2\\u_ex230220.log | IIS | W3SVC2",
      "C:\\weblogs\\apache\\shop-traffic.log | Apache | ",
      "C:\\weblogs\\apache\\shop-traffic.log.1.gz | Apache | ",
      "C:\\inetpub\\logs\\LogFiles\\W3SVC4\\u_ex230101.log | IIS | W3SVC4",
  };
  CHECK(r == expected);
  REQUIRE(logs.size() == expected.size());
  CHECK(logs[0].site_name == "Shop");
  CHECK(logs[1].site_name == "Api");
  CHECK(logs[1].configured_at.rfind(
            "C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config:", 0) == 0);
  // httpd.conf's escapes undone: the reader gets the format the server wrote with.
  REQUIRE(logs[2].logformat);
  CHECK(*logs[2].logformat == R"(%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %I %O)");
  CHECK(logs[3].logformat == logs[2].logformat);
  CHECK(logs[2].configured_at == "C:\\xampp\\apache\\conf\\httpd.conf:3");
  CHECK_FALSE(logs[4].logformat);
  CHECK(logs[4].configured_at.empty());
  // Site 3 is on D:, site 5 logged nothing here: each a "missing" error naming its folder.
  std::vector<std::string> missing;
  for (const auto& e : errors)
    if (e.code == "missing") missing.push_back(e.artifact.path);
  CHECK(missing ==
        std::vector<std::string>{"D:\\logs\\W3SVC3", "C:\\inetpub\\logs\\LogFiles\\W3SVC5"});
}
