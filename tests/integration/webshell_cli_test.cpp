// `sqltriage webshell` end to end: the sample disk's webshell found through IIS's configuration
// (hashes against icat, times against istat), the same YARA matches as the yara CLI on the
// corpus tree, the heuristics on a planted web root, and hostile trees and rule files.
#include <sys/stat.h>
#include <sys/types.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "support.hpp"

using namespace sqltriage::test;
using Json = nlohmann::ordered_json;

namespace {

namespace fs = std::filesystem;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

/// Sets a file's last-write (and access) time to an ISO-8601 UTC time, with touch.
void set_mtime(const fs::path& p, const std::string& iso) {
  REQUIRE(run("TZ=UTC touch -m -a -d " + shell_quote(iso) + " " + q(p)).exit_code == 0);
}

Json parse_doc(const std::string& out) {
  Json doc;
  REQUIRE_NOTHROW(doc = Json::parse(out));
  return doc;
}

std::vector<Json> of_type(const Json& doc, const std::string& type) {
  std::vector<Json> out;
  for (const auto& f : doc.at("findings"))
    if (f.at("type") == type) out.push_back(f);
  return out;
}

const Json* file_finding(const std::vector<Json>& files, const std::string& path) {
  for (const auto& f : files)
    if (f.at("data").at("Path") == path) return &f;
  return nullptr;
}

std::set<std::string> check_ids(const Json& f) {
  std::set<std::string> out;
  for (const auto& c : f.at("checks")) out.insert(c.at("id").get<std::string>());
  return out;
}

std::string rules_args() {
  std::string args;
  for (const auto& e : fs::directory_iterator(source_dir() / "rules"))
    if (e.path().extension() == ".yar") args += " " + q(e.path());
  return args;
}

/// "2023-02-20 13:58:47.332341100 (UTC)" (istat) -> "2023-02-20T13:58:47.3323411Z".
std::string istat_time_as_iso(const std::string& istat) {
  std::smatch m;
  REQUIRE(std::regex_search(istat, m,
                            std::regex("([0-9-]+) ([0-9:]+)\\.([0-9]{7})[0-9]{2} \\(UTC\\)")));
  return m[1].str() + "T" + m[2].str() + "." + m[3].str() + "Z";
}

}  // namespace

TEST_CASE("webshell cli: the sample disk's webshell, through IIS's applicationHost.config",
          "[webshell][cli]") {
  if (!tool_or_skip("icat") || !tool_or_skip("istat") || !tool_or_skip("ifind")) return;
  TempDir dir;
  const auto image = dir.path() / "sample.img";
  REQUIRE(run(shell_quote(SQLTRIAGE_NTFSGEN) + " sample " + q(image)).exit_code == 0);
  const auto r = run_sqltriage("webshell " + q(image) +
                               " --no-cache --pivot 2023-02-20T14:03:11Z --window 2h");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r.out);

  const auto roots = of_type(doc, "webshell.web_root");
  REQUIRE(roots.size() == 1);
  const auto& root = roots[0].at("data");
  CHECK(root.at("Path") == "C:\\inetpub\\wwwroot");
  CHECK(root.at("Server") == "IIS");
  CHECK(root.at("Site") == "Default Web Site");
  CHECK(root.at("UrlPath") == "/");
  CHECK(root.at("Source").get<std::string>().find("applicationHost.config:") != std::string::npos);
  // iisstart.htm, four pages, web.config and the webshell; .htm is not a script.
  CHECK(root.at("FilesSeen") == 6);
  CHECK(root.at("FilesToScan") == 5);
  CHECK(root.at("SkippedByExtension") == 1);

  const auto files = of_type(doc, "webshell.file");
  REQUIRE(files.size() == 1);  // the ordinary pages raise nothing
  const Json& shell = files[0];
  const auto& d = shell.at("data");
  CHECK(d.at("Path") == "C:\\inetpub\\wwwroot\\uploads\\up.aspx");
  CHECK(d.at("UrlPath") == "/uploads/up.aspx");
  const std::string severity = shell.at("severity");
  CHECK((severity == "high" || severity == "critical"));
  const auto ids = check_ids(shell);
  CHECK(ids.count("yara_match") == 1);
  CHECK(ids.count("script_in_upload_folder") == 1);
  CHECK(ids.count("owner_differs") == 1);
  CHECK(ids.count("recent_near_pivot") == 1);
  CHECK(d.at("Matches").size() >= 1);

  // Against The Sleuth Kit: the bytes (icat | sha256sum) and the $STANDARD_INFORMATION time.
  const std::string o = "-o 2048 ";
  const auto inode = run("ifind " + o + "-n /inetpub/wwwroot/uploads/up.aspx " + q(image));
  REQUIRE(inode.exit_code == 0);
  const std::string entry = inode.out.substr(0, inode.out.find('\n'));
  const auto bytes = dir.path() / "up.aspx";
  const auto cat = run("icat " + o + q(image) + " " + entry);
  INFO(cat.err);
  REQUIRE(cat.exit_code == 0);
  write_file(bytes, cat.out);
  CHECK(d.at("Hashes").at("SHA256") == run("sha256sum " + q(bytes)).out.substr(0, 64));
  CHECK(d.at("Size") == fs::file_size(bytes));
  const auto istat = run("istat " + o + q(image) + " " + entry).out;
  const auto si = istat.substr(istat.find("$STANDARD_INFORMATION"));
  CHECK(d.at("Times").at("Source") == "$STANDARD_INFORMATION");
  CHECK(d.at("Times").at("CreationTime") == istat_time_as_iso(si.substr(si.find("Created:"))));
  CHECK(d.at("MFT").at("Entry") == std::stoull(entry));
  CHECK(d.at("Owner").at("Sid") != root.at("MajorityOwner").at("Sid"));

  // Cut short before the web root's folder index: the root is not walked, and says why.
  const auto cut = dir.path() / "cut.img";
  REQUIRE(run("head -c 20000000 " + q(image) + " > " + q(cut) + ".tmp && mv " + q(cut) +
              ".tmp " + q(cut))
              .exit_code == 0);
  const auto t = run_sqltriage("webshell " + q(cut) + " --no-cache");
  CHECK(t.exit_code == 3);
  const Json cut_doc = parse_doc(t.out);
  CHECK(of_type(cut_doc, "webshell.web_root").empty());
  bool root_error = false;
  for (const auto& e : cut_doc.at("errors"))
    root_error |= e.at("artifact").at("path") == "C:\\inetpub\\wwwroot";
  CHECK(root_error);
}

TEST_CASE("webshell cli: the same YARA matches as the yara CLI on the corpus tree",
          "[webshell][cli][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "");
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto tree = dir.path() / "tree";
  fs::create_directories(tree);
  for (const char* archive : {"webshell.tar.gz", "benign-web.tar.gz"})
    REQUIRE(run("tar xzf " + q(corpus / archive) + " -C " + q(tree)).exit_code == 0);

  // yara -s: "<rule> <path>" lines, each followed by "0x<offset>:$<id>: <data>" lines.
  const auto y = run("yara -s -r" + rules_args() + " " + q(tree));
  REQUIRE(y.exit_code == 0);
  std::map<std::string, std::set<std::string>> cli_rules;
  std::map<std::string, std::set<std::string>> cli_strings;
  std::string current;
  std::istringstream lines(y.out);
  const std::regex string_line("^0x([0-9a-f]+):(\\$[A-Za-z0-9_]*):");
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, string_line)) {
      cli_strings[current].insert(m[2].str() + "@" +
                                  std::to_string(std::stoull(m[1].str(), nullptr, 16)));
      continue;
    }
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    current = line.substr(space + 1);
    cli_rules[current].insert(line.substr(0, space));
  }
  REQUIRE(!cli_rules.empty());

  const auto r = run_sqltriage("webshell " + q(tree) + " --no-cache --all-files --all");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r.out);
  std::map<std::string, std::set<std::string>> our_rules, our_strings;
  std::size_t scanned = 0;
  for (const auto& f : of_type(doc, "webshell.file")) {
    ++scanned;
    const std::string path = f.at("data").at("Path");
    for (const auto& m : f.at("data").at("Matches")) {
      our_rules[path].insert(m.at("Rule").get<std::string>());
      CHECK_FALSE(m.at("StringsTruncated").get<bool>());
      for (const auto& s : m.at("Strings"))
        our_strings[path].insert(s.at("Identifier").get<std::string>() + "@" +
                                 std::to_string(s.at("Offset").get<std::uint64_t>()));
    }
  }
  CHECK(scanned == 56);
  CHECK(our_rules == cli_rules);
  CHECK(our_strings == cli_strings);
}

TEST_CASE("webshell cli: heuristics on a planted web root of a mounted evidence",
          "[webshell][cli]") {
  TempDir dir;
  const auto root = dir.path() / "C";
  fs::create_directories(root / "Windows" / "System32" / "config");
  const auto www = root / "inetpub" / "wwwroot";
  const std::string page = "<%@ Page Language=\"C#\" %>\n<html><body>ordinary</body></html>\n";
  for (const char* name : {"a.aspx", "b.aspx", "c.aspx", "d.aspx", "e.aspx"}) {
    write_file(www / name, page);
    set_mtime(www / name, "2022-01-10T08:00:00Z");
  }
  // Newer than its siblings by a year, and inside the window.
  write_file(www / "f.aspx", page);
  set_mtime(www / "f.aspx", "2023-02-20T14:00:00Z");
  // An .aspx that is a PE; a .jpg that holds PHP; a long line; a script among images.
  write_file(www / "pe.aspx", std::string("MZ\x90\0\3\0\0\0", 8) + std::string(200, '\0'));
  set_mtime(www / "pe.aspx", "2022-01-10T08:00:00Z");
  write_file(www / "img" / "logo.jpg", std::string("\xff\xd8\xff\xe0\0\x10JFIF", 10) +
                                           std::string(300, '\x11') + "<?php echo 'x'; ?>");
  write_file(www / "img" / "note.php", "<?php echo 'hello'; ?>\n");
  write_file(www / "long.php", "<?php $a = '" + std::string(5000, 'a') + "'; ?>\n");
  set_mtime(www / "long.php", "2022-01-10T08:00:00Z");
  // A site folder only --webroot names.
  write_file(root / "sites" / "shop" / "x.aspx", page);

  const auto r = run_sqltriage("webshell " + q(dir.path()) +
                               " --no-cache --webroot 'C:\\sites\\shop' --all"
                               " --webroot 'C:\\inetpub\\wwwroot\\img'"
                               " --since 2023-02-20T13:00:00Z --until 2023-02-20T15:00:00Z");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r.out);
  const auto roots = of_type(doc, "webshell.web_root");
  REQUIRE(roots.size() == 3);
  CHECK(roots[0].at("data").at("Server") == "default");
  CHECK(roots[1].at("data").at("Path") == "C:\\sites\\shop");
  CHECK(roots[1].at("data").at("Server") == "given");
  // A root inside another: its files were scanned under the first.
  CHECK(roots[2].at("data").at("Path") == "C:\\inetpub\\wwwroot\\img");
  CHECK(roots[2].at("data").at("FilesSeen") == 2);
  CHECK(roots[2].at("data").at("FilesToScan") == 0);
  const auto files = of_type(doc, "webshell.file");
  CHECK(files.size() == 11);  // every scanned file once (--all)
  auto ids_of = [&](const std::string& path) {
    const Json* f = file_finding(files, path);
    INFO(path);
    REQUIRE(f != nullptr);
    return check_ids(*f);
  };
  using Ids = std::set<std::string>;
  CHECK(ids_of("C:\\inetpub\\wwwroot\\a.aspx") == Ids{});
  CHECK(ids_of("C:\\inetpub\\wwwroot\\f.aspx") == Ids{"newer_than_siblings", "recent_near_pivot"});
  CHECK(ids_of("C:\\inetpub\\wwwroot\\pe.aspx") == Ids{"content_type_mismatch"});
  CHECK(ids_of("C:\\inetpub\\wwwroot\\img\\logo.jpg").count("content_type_mismatch") == 1);
  CHECK(ids_of("C:\\inetpub\\wwwroot\\img\\note.php").count("script_in_upload_folder") == 1);
  CHECK(ids_of("C:\\inetpub\\wwwroot\\long.php").count("obfuscated_script") == 1);
  CHECK(ids_of("C:\\sites\\shop\\x.aspx") == Ids{});
  const Json* f = file_finding(files, "C:\\inetpub\\wwwroot\\f.aspx");
  // The other regular files of its folder: five pages, pe.aspx and long.php.
  CHECK(f->at("data").at("Siblings").at("Count") == 7);
  CHECK(f->at("data").at("Siblings").at("MedianLastWriteTime") == "2022-01-10T08:00:00.0000000Z");
  CHECK(f->at("data").at("Times").at("LastWriteTime") == "2023-02-20T14:00:00.0000000Z");
}

TEST_CASE("webshell cli: hostile trees are reported, never followed or fatal", "[webshell][cli]") {
  TempDir dir;
  const auto www = dir.path() / "www";
  const std::string shell =
      "<%@ Page Language=\"C#\" %><script runat=\"server\">void Page_Load(object s, EventArgs e)"
      "{ System.Diagnostics.Process.Start(\"cmd.exe\", \"/c \" + Request[\"c\"]); }</script>\n";
  write_file(www / "ok.aspx", shell);
  // A name that is not valid UTF-8, a symbolic-link loop, a FIFO, a 2 GiB sparse script.
  write_file(www / std::string("bad\xff\xfe.aspx"), shell);
  fs::create_directory_symlink(".", www / "loop");
  fs::create_symlink(www / "ok.aspx", www / "link.aspx");
  REQUIRE(mkfifo((www / "pipe.aspx").c_str(), 0600) == 0);
  REQUIRE(run("truncate -s 2G " + q(www / "huge.php")).exit_code == 0);

  const auto r = run_sqltriage("webshell " + q(www) + " --no-cache", 60);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // The document is valid UTF-8 JSON (python's strict parser agrees).
  write_file(dir.path() / "doc.json", r.out);
  const auto py =
      run("/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding=\"utf-8\")); "
          "print(\"ok\")' " +
          q(dir.path() / "doc.json"));
  INFO(py.err);
  CHECK(py.out == "ok\n");
  const Json doc = parse_doc(r.out);
  const auto files = of_type(doc, "webshell.file");
  CHECK(files.size() == 2);  // ok.aspx and the badly named copy
  std::map<std::string, std::string> errors;
  for (const auto& e : doc.at("errors"))
    errors[e.at("artifact").at("path").get<std::string>()] =
        e.at("code").get<std::string>() + ": " + e.at("message").get<std::string>();
  const std::string base = www.string() + "/";
  CHECK(errors[base + "loop"].find("not followed") != std::string::npos);
  CHECK(errors[base + "link.aspx"].find("not followed") != std::string::npos);
  CHECK(errors[base + "pipe.aspx"].find("not a regular file") != std::string::npos);
  CHECK(errors[base + "huge.php"].rfind("limit: ", 0) == 0);
  CHECK(errors.size() == 4);
}

TEST_CASE("webshell cli: a rule file that does not compile names its file and line",
          "[webshell][cli]") {
  TempDir dir;
  const auto rules = dir.path() / "bad.yar";
  write_file(rules,
             "rule fine { strings: $a = \"abc\" condition: $a }\n"
             "rule broken {\n  strings: $a = \"abc\"\n  condition: $a and and\n}\n");
  write_file(dir.path() / "www" / "x.php", "<?php echo 1; ?>");
  const auto r =
      run_sqltriage("webshell " + q(dir.path() / "www") + " --no-cache --rules " + q(rules));
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(rules.string() + ":4:") != std::string::npos);
  if (have_tool("yara")) {
    // The yara CLI puts the error on the same line.
    const auto y = run("yara " + q(rules) + " " + q(dir.path() / "www"));
    CHECK(y.err.find("(4)") != std::string::npos);
  }
  CHECK(r.out.empty());
}

TEST_CASE("webshell cli: every evidence argument is scanned whole, the drive root included",
          "[webshell][cli]") {
  TempDir dir;
  // Two servers with the same web root: the second one's shell must not be skipped.
  for (const char* server : {"a", "b"}) {
    fs::create_directories(dir.path() / server / "Windows");
    write_file(dir.path() / server / "inetpub" / "wwwroot" / "index.php", "<?php echo 1; ?>\n");
  }
  write_file(dir.path() / "b" / "inetpub" / "wwwroot" / "index.php",
             "<?php eval($_POST['cmd']); ?>\n");
  const auto r = run_sqltriage("webshell " + q(dir.path() / "a") + " " + q(dir.path() / "b") +
                               " --no-cache --webroot 'C:\\'");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const Json doc = parse_doc(r.out);
  const auto roots = of_type(doc, "webshell.web_root");
  REQUIRE(roots.size() == 4);  // wwwroot and C:\ of each server
  CHECK(roots[1].at("data").at("Path") == "C:\\");
  CHECK(roots[1].at("data").at("FilesSeen") == 1);  // index.php, already scanned under wwwroot
  CHECK(roots[2].at("data").at("FilesToScan") == 1);
  const auto files = of_type(doc, "webshell.file");
  REQUIRE(files.size() == 1);
  CHECK(files[0].at("data").at("Path") == "C:\\inetpub\\wwwroot\\index.php");
  CHECK(doc.at("errors").empty());
}

TEST_CASE("webshell cli: evidence is never the output, and bad rules leave the output alone",
          "[webshell][cli]") {
  TempDir dir;
  const auto www = dir.path() / "www";
  write_file(www / "x.php", "<?php eval($_POST['cmd']); ?>\n");
  const auto before = run("sha256sum " + q(www / "x.php")).out;
  // The output inside the evidence folder, or the evidence file itself: refused, untouched.
  for (const auto& out : {www / "x.php", www / "out.json"}) {
    const auto r = run_sqltriage("webshell " + q(www) + " --no-cache -o " + q(out));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("evidence") != std::string::npos);
  }
  // A hard link to the evidence file, and a rule file given with --rules: refused too.
  fs::create_hard_link(www / "x.php", dir.path() / "hard.php");
  CHECK(
      run_sqltriage("webshell " + q(www / "x.php") + " --no-cache -o " + q(dir.path() / "hard.php"))
          .exit_code == 2);
  write_file(dir.path() / "mine.yar", "rule mine { condition: false }\n");
  CHECK(run_sqltriage("webshell " + q(www) + " --no-cache --rules " + q(dir.path() / "mine.yar") +
                      " -o " + q(dir.path() / "mine.yar"))
            .exit_code == 2);
  CHECK(run("cat " + q(dir.path() / "mine.yar")).out == "rule mine { condition: false }\n");
  CHECK(run("sha256sum " + q(www / "x.php")).out == before);
  CHECK_FALSE(fs::exists(www / "out.json"));
  // A rules cache that would land inside the evidence is not used.
  const auto cached = run("XDG_CACHE_HOME=" + q(www / ".cache") + " " +
                          shell_quote(SQLTRIAGE_BINARY) + " webshell " + q(www));
  CHECK(cached.exit_code == 0);
  CHECK_FALSE(fs::exists(www / ".cache"));
  // Rules that do not compile: the previous output file keeps its bytes.
  write_file(dir.path() / "bad.yar", "rule broken { condition: and }\n");
  write_file(dir.path() / "previous.json", "keep");
  const auto r =
      run_sqltriage("webshell " + q(www) + " --no-cache --rules " + q(dir.path() / "bad.yar") +
                    " -o " + q(dir.path() / "previous.json"));
  CHECK(r.exit_code == 2);
  CHECK(run("cat " + q(dir.path() / "previous.json")).out == "keep");
  // A FIFO given as the evidence is named, not read (reading it would block).
  REQUIRE(mkfifo((dir.path() / "pipe.php").c_str(), 0600) == 0);
  const auto fifo = run_sqltriage("webshell " + q(dir.path() / "pipe.php") + " --no-cache", 30);
  CHECK(fifo.exit_code == 3);
  CHECK(fifo.out.find("not a regular file") != std::string::npos);
}
