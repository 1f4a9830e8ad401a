// Hash sets (--hashes): plain lists, CSV (MalwareBazaar), NSRL RDS v3. Every expected hash
// comes from md5sum/sha1sum/sha256sum (or Python's hashlib) run by the test; CSV rows are
// checked against Python's csv module.
#include "sqltriage/hashsets.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "sqltriage/error.hpp"
#include "support.hpp"

using namespace sqltriage;
using hashsets::HashSets;
using hashsets::Verdict;

namespace {

using sqltriage::test::write_file;

std::string first_word(const std::string& s) { return s.substr(0, s.find_first_of(" \n")); }

/// md5sum, sha1sum and sha256sum of a file.
pe::Hashes tool_hashes(const std::filesystem::path& p) {
  pe::Hashes h;
  auto q = test::shell_quote(p.string());
  auto md5 = test::run("md5sum " + q), sha1 = test::run("sha1sum " + q),
       sha256 = test::run("sha256sum " + q);
  REQUIRE(md5.exit_code == 0);
  REQUIRE(sha1.exit_code == 0);
  REQUIRE(sha256.exit_code == 0);
  h.md5 = first_word(md5.out);
  h.sha1 = first_word(sha1.out);
  h.sha256 = first_word(sha256.out);
  REQUIRE(h.md5.size() == 32);
  REQUIRE(h.sha256.size() == 64);
  return h;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

pe::Hashes only_md5(const pe::Hashes& h) {
  pe::Hashes o;
  o.md5 = h.md5;
  return o;
}
pe::Hashes only_sha1(const pe::Hashes& h) {
  pe::Hashes o;
  o.sha1 = h.sha1;
  return o;
}
pe::Hashes only_sha256(const pe::Hashes& h) {
  pe::Hashes o;
  o.sha256 = h.sha256;
  return o;
}

/// Three sample files and a fourth in no set, with their hashes from the coreutils tools.
struct Samples {
  test::TempDir dir;
  std::vector<pe::Hashes> h;
  Samples() {
    for (int i = 0; i < 4; ++i) {
      auto p = dir.path() / ("sample" + std::to_string(i) + ".bin");
      write_file(p, "MZ sample " + std::to_string(i) + std::string(100 + i, char('a' + i)));
      h.push_back(tool_hashes(p));
    }
  }
};

bool has_problem(const HashSets& s, const std::string& needle) {
  for (const auto& p : s.problems())
    if (p.text().find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("hash lists: either case, comments, blank lines, CRLF, bad lines counted") {
  Samples s;
  auto list = s.dir.path() / "bad-hashes.txt";
  // Line 7 is not a hash. Sample 2 is listed by SHA-256 and, later, by MD5: SHA-256 wins.
  write_file(list,
             "\xEF\xBB\xBF# known-bad list written by this test\r\n"  // 1
             "\r\n"                                                   // 2
                 + upper(s.h[0].md5) + "  dropper.exe\r\n"            // 3
                 + s.h[1].sha1 +
                 ", from case 42\r\n"  // 4
                 "   \r\n"             // 5
                 + upper(s.h[2].sha256) +
                 " *sample2.bin\r\n"       // 6
                 "this is not a hash\r\n"  // 7
                 + s.h[2].md5 +
                 "\r\n"         // 8
                 "# end\r\n");  // 9
  HashSets sets;
  sets.add(list.string());
  REQUIRE_FALSE(sets.empty());

  auto hit0 = sets.lookup(s.h[0]);
  REQUIRE(hit0.size() == 1);
  CHECK(hit0[0].set == "bad-hashes.txt");
  CHECK(hit0[0].set_path == list.string());
  CHECK(hit0[0].format == "list");
  CHECK(hit0[0].verdict == Verdict::known_bad);
  CHECK(hit0[0].algorithm == "md5");
  CHECK(hit0[0].entry == nlohmann::ordered_json{{"Comment", "dropper.exe"}});

  auto hit1 = sets.lookup(s.h[1]);
  REQUIRE(hit1.size() == 1);
  CHECK(hit1[0].algorithm == "sha1");
  CHECK(hit1[0].entry["Comment"] == "from case 42");

  auto hit2 = sets.lookup(s.h[2]);
  REQUIRE(hit2.size() == 1);
  CHECK(hit2[0].algorithm == "sha256");
  CHECK(hit2[0].entry["Comment"] == "sample2.bin");
  auto hit2_md5 = sets.lookup(only_md5(s.h[2]));
  REQUIRE(hit2_md5.size() == 1);
  CHECK(hit2_md5[0].algorithm == "md5");
  CHECK(hit2_md5[0].entry == nlohmann::ordered_json::object());  // line 8 has no comment

  CHECK(sets.lookup(s.h[3]).empty());
  CHECK(sets.lookup(only_sha256(s.h[0])).empty());  // sample 0 is listed by MD5 only

  auto problems = sets.problems();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path.ends_with("bad-hashes.txt"));
  CHECK(problems[0].message.rfind("1 line not understood (first at line 7", 0) == 0);

  auto j = hashsets::to_json(hit0[0]);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  CHECK(keys ==
        std::vector<std::string>{"Set", "SetPath", "Format", "Verdict", "Algorithm", "Entry"});
  CHECK(j["Verdict"] == "known-bad");
  CHECK(j["Entry"]["Comment"] == "dropper.exe");
}

TEST_CASE("hash lists: sha256sum and md5sum output read as lists") {
  Samples s;
  auto sums = s.dir.path() / "sums.txt";
  // In a subshell: run() redirects the command's own output.
  auto r = test::run("(cd " + test::shell_quote(s.dir.path().string()) +
                     " && sha256sum sample0.bin > sums.txt && md5sum -b sample1.bin >> sums.txt)");
  REQUIRE(r.exit_code == 0);
  HashSets sets;
  sets.add(sums.string());
  auto h0 = sets.lookup(s.h[0]);
  REQUIRE(h0.size() == 1);
  CHECK(h0[0].algorithm == "sha256");
  CHECK(h0[0].entry["Comment"] == "sample0.bin");
  auto h1 = sets.lookup(s.h[1]);
  REQUIRE(h1.size() == 1);
  CHECK(h1[0].algorithm == "md5");
  CHECK(h1[0].entry["Comment"] == "sample1.bin");  // "*" (binary mode) dropped
  CHECK(sets.lookup(s.h[2]).empty());
  CHECK(sets.problems().empty());
}

TEST_CASE("hash lists: a file with no hash, a missing file, a folder") {
  test::TempDir dir;
  auto none = dir.path() / "none.txt";
  write_file(none, "# nothing\nhello\nworld\n");
  HashSets sets;
  try {
    sets.add(none.string());
    FAIL("no exception");
  } catch (const ArtifactError& e) {
    CHECK(e.path() == none.string());
    CHECK(std::string(e.what()).find("no MD5, SHA-1 or SHA-256 hash") != std::string::npos);
    CHECK(std::string(e.what()).find("first at line 2") != std::string::npos);
  }
  CHECK_THROWS_AS(sets.add((dir.path() / "missing.txt").string()), ArtifactError);
  CHECK_THROWS_AS(sets.add(dir.path().string()), ArtifactError);
  CHECK(sets.empty());
}

TEST_CASE("CSV sets as MalwareBazaar exports them") {
  Samples s;
  auto csv = s.dir.path() / "full.csv";
  auto row = [&](const pe::Hashes& h, const std::string& name, const std::string& signature) {
    return "\"2023-02-20 14:00:00\", \"" + h.sha256 + "\", \"" + h.md5 + "\", \"" + h.sha1 +
           "\", \"abuse_ch\", \"" + name + "\", \"exe\", \"application/x-dosexec\", \"" +
           signature +
           "\", \"n/a\", \"n/a\", \"f34d5f2d4577ed6d9ceec516c1f5a744\", \"n/a\", \"n/a\"\r\n";
  };
  // The shape of MalwareBazaar's CSV export (banner, '#' header, quoted fields with a space
  // after each comma, CRLF), written by this test around the samples' hashes.
  std::string text =
      "################################################################\r\n"
      "# MalwareBazaar full data dump (CSV)                           #\r\n"
      "# Last updated: 2026-11-29 12:00:00 UTC                        #\r\n"
      "################################################################\r\n"
      "#\r\n"
      "# \"first_seen_utc\",\"sha256_hash\",\"md5_hash\",\"sha1_hash\",\"reporter\","
      "\"file_name\",\"file_type_guess\",\"mime_type\",\"signature\",\"clamav\","
      "\"vtpercent\",\"imphash\",\"ssdeep\",\"tlsh\"\r\n" +
      row(s.h[0], "sqlserver.exe", "CobaltStrike") +
      row(s.h[1], "a, \"\"quoted\"\" name.exe", "AgentTesla") +
      "\"2023-02-20 14:00:01\", \"not-a-hash\"\r\n" +  // line 9: wrong shape
      row(s.h[2], "third.exe", "Formbook") + "# Number of entries: 3\r\n";
  write_file(csv, text);

  HashSets sets;
  sets.add(csv.string());
  auto h0 = sets.lookup(s.h[0]);
  REQUIRE(h0.size() == 1);
  CHECK(h0[0].format == "csv");
  CHECK(h0[0].verdict == Verdict::known_bad);
  CHECK(h0[0].algorithm == "sha256");
  CHECK(h0[0].entry["signature"] == "CobaltStrike");
  CHECK(h0[0].entry["file_name"] == "sqlserver.exe");
  CHECK(sets.lookup(only_md5(s.h[1])).at(0).algorithm == "md5");
  CHECK(sets.lookup(only_sha1(s.h[2])).at(0).algorithm == "sha1");
  CHECK(sets.lookup(s.h[3]).empty());
  CHECK(has_problem(sets, "full.csv: 1 line not understood (first at line 9"));

  // Every column of every row as Python's csv module reads the data rows.
  auto py = test::run(
      "/usr/bin/python3 -c 'import csv,sys,json\n"
      "rows=[r for r in csv.reader([l for l in open(sys.argv[1], newline=\"\") if not "
      "l.startswith(\"#\")], skipinitialspace=True)]\n"
      "print(json.dumps([r for r in rows if len(r) == 14]))' " +
      test::shell_quote(csv.string()));
  REQUIRE(py.exit_code == 0);
  auto rows = nlohmann::json::parse(py.out);
  REQUIRE(rows.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    auto hit = sets.lookup(s.h[i]);
    REQUIRE(hit.size() == 1);
    std::vector<std::string> ours;
    for (const auto& [k, v] : hit[0].entry.items()) ours.push_back(v.get<std::string>());
    CHECK(ours == rows[i].get<std::vector<std::string>>());
  }
  CHECK(sets.lookup(s.h[1])[0].entry["file_name"] == "a, \"quoted\" name.exe");
}

TEST_CASE("CSV sets: a plain header row, and a CSV without a hash column") {
  Samples s;
  auto csv = s.dir.path() / "iocs.csv";
  write_file(csv,
             "Name,SHA256,Note\nloader.exe," + upper(s.h[0].sha256) + ",\"seen on host, twice\"\n");
  HashSets sets;
  sets.add(csv.string());
  auto hit = sets.lookup(s.h[0]);
  REQUIRE(hit.size() == 1);
  CHECK(hit[0].entry == nlohmann::ordered_json{{"Name", "loader.exe"},
                                               {"SHA256", upper(s.h[0].sha256)},
                                               {"Note", "seen on host, twice"}});

  auto bad = s.dir.path() / "nohash.csv";
  write_file(bad, "# export\nname,size,comment\nx.exe,12,hello\n");
  try {
    sets.add(bad.string());
    FAIL("no exception");
  } catch (const ArtifactError& e) {
    CHECK(e.path() == bad.string());
    CHECK(std::string(e.what()).find(bad.string()) != std::string::npos);
    CHECK(std::string(e.what()).find("line 2 names no hash column") != std::string::npos);
  }
}

namespace {

/// An NSRL RDS v3 "minimal"-shaped database (FILE table with indexes), written with the
/// sqlite3 CLI; rows hold the samples' hashes in upper case, as NIST publishes them.
std::filesystem::path make_nsrl(const Samples& s, const std::filesystem::path& db,
                                bool full_schema = false) {
  std::ostringstream sql;
  if (!full_schema) {
    sql << "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR "
           "NOT NULL, file_name VARCHAR NOT NULL, file_size INTEGER NOT NULL, package_id "
           "INTEGER NOT NULL);\n"
           "CREATE INDEX FILE_sha256 ON FILE(sha256);\nCREATE INDEX FILE_sha1 ON FILE(sha1);\n"
           "CREATE INDEX FILE_md5 ON FILE(md5);\n";
    for (int i = 0; i < 2; ++i)
      sql << "INSERT INTO FILE VALUES('" << upper(s.h[i].sha256) << "','" << upper(s.h[i].sha1)
          << "','" << upper(s.h[i].md5) << "','sample" << i << ".bin',"
          << std::filesystem::file_size(s.dir.path() / ("sample" + std::to_string(i) + ".bin"))
          << "," << 1000 + i << ");\n";
  } else {
    // The full RDS: METADATA and PACKAGE_OBJECT tables, FILE a view that upper-cases.
    sql << "CREATE TABLE PACKAGE_OBJECT (package_object_id INTEGER, package_id INTEGER, "
           "object_id INTEGER);\n"
           "CREATE TABLE METADATA (metadata_id NUMERIC, object_id INTEGER, file_name VARCHAR, "
           "extension VARCHAR DEFAULT '', bytes INTEGER, crc32 VARCHAR, md5 VARCHAR, sha1 "
           "VARCHAR, sha256 VARCHAR);\n"
           "CREATE VIEW FILE AS SELECT UPPER(md.sha256) AS sha256, UPPER(md.sha1) AS sha1, "
           "UPPER(md.md5) AS md5, CASE md.extension WHEN '' THEN md.file_name ELSE "
           "md.file_name||'.'||md.extension END AS file_name, md.bytes AS file_size, "
           "po.package_id FROM METADATA AS md, PACKAGE_OBJECT AS po WHERE md.object_id = "
           "po.object_id;\n";
    sql << "INSERT INTO PACKAGE_OBJECT VALUES(1, 777, 10);\n"
        << "INSERT INTO METADATA VALUES(1, 10, 'sample1', 'bin', 5, '0', '" << s.h[1].md5 << "','"
        << s.h[1].sha1 << "','" << s.h[1].sha256 << "');\n";
  }
  auto sql_path = db;
  sql_path += ".sql";
  write_file(sql_path, sql.str());
  auto r = test::run("(sqlite3 " + test::shell_quote(db.string()) + " < " +
                     test::shell_quote(sql_path.string()) + ")");
  REQUIRE(r.exit_code == 0);
  std::filesystem::remove(sql_path);
  return db;
}

std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// Opens the database and looks up samples 0, 1 (hits, by each hash) and 3 (miss); 0 when
/// every answer is right.
int nsrl_lookups(const std::filesystem::path& db, const Samples& s) {
  try {
    HashSets sets;
    sets.add(db.string());
    for (int i = 0; i < 2; ++i)
      for (auto h : {only_md5(s.h[i]), only_sha1(s.h[i]), only_sha256(s.h[i])}) {
        auto hit = sets.lookup(h);
        if (hit.size() != 1 || hit[0].entry["PackageId"] != 1000 + i) return 1;
      }
    if (!sets.lookup(s.h[3]).empty()) return 2;
    return 0;
  } catch (const std::exception&) {
    return 3;
  }
}

}  // namespace

TEST_CASE("NSRL RDS v3: lookups by each hash, read-only, nothing written beside it") {
  if (!test::tool_or_skip("sqlite3")) return;
  Samples s;
  auto folder = s.dir.path() / "nsrl";
  std::filesystem::create_directory(folder);
  auto db = make_nsrl(s, folder / "RDS_2024.03.1_modern_minimal.db");

  HashSets sets;
  sets.add(db.string());
  for (int i = 0; i < 2; ++i) {
    auto size = std::filesystem::file_size(s.dir.path() / ("sample" + std::to_string(i) + ".bin"));
    std::vector<std::pair<pe::Hashes, std::string>> cases = {{only_md5(s.h[i]), "md5"},
                                                             {only_sha1(s.h[i]), "sha1"},
                                                             {only_sha256(s.h[i]), "sha256"},
                                                             {s.h[i], "sha256"}};
    for (const auto& [h, algorithm] : cases) {
      auto hit = sets.lookup(h);
      REQUIRE(hit.size() == 1);
      CHECK(hit[0].format == "nsrl");
      CHECK(hit[0].verdict == Verdict::known_good);
      CHECK(hit[0].algorithm == algorithm);
      CHECK(hit[0].entry ==
            nlohmann::ordered_json{{"FileName", "sample" + std::to_string(i) + ".bin"},
                                   {"FileSize", size},
                                   {"PackageId", 1000 + i}});
    }
  }
  CHECK(sets.lookup(s.h[2]).empty());
  CHECK(sets.problems().empty());

  // Read-only folder and file. As root, permission bits do not bind: the lookups then run
  // in a child process that has dropped to nobody (uid/gid 65534).
  auto before = tool_hashes(db);
  std::filesystem::permissions(s.dir.path(), std::filesystem::perms::others_exec,
                               std::filesystem::perm_options::add);
  std::filesystem::permissions(db, std::filesystem::perms::owner_read |
                                       std::filesystem::perms::group_read |
                                       std::filesystem::perms::others_read);
  std::filesystem::permissions(
      folder, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec |
                  std::filesystem::perms::others_read | std::filesystem::perms::others_exec);
  int result = -1;
  if (::geteuid() == 0) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(9);
      ::_exit(::access(db.c_str(), W_OK) == 0 ? 8 : nsrl_lookups(db, s));
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    result = WEXITSTATUS(status);
  } else {
    REQUIRE(::access(db.c_str(), W_OK) != 0);
    result = nsrl_lookups(db, s);
  }
  CHECK(result == 0);
  CHECK(listing(folder) == std::vector<std::string>{"RDS_2024.03.1_modern_minimal.db"});
  CHECK(tool_hashes(db).sha256 == before.sha256);
}

TEST_CASE("NSRL RDS v3: the full database's FILE view, and SQLite that is not NSRL") {
  if (!test::tool_or_skip("sqlite3")) return;
  Samples s;
  auto db = make_nsrl(s, s.dir.path() / "RDS_full.db", /*full_schema=*/true);
  HashSets sets;
  sets.add(db.string());
  auto hit = sets.lookup(only_sha1(s.h[1]));
  REQUIRE(hit.size() == 1);
  CHECK(hit[0].algorithm == "sha1");
  CHECK(hit[0].entry ==
        nlohmann::ordered_json{{"FileName", "sample1.bin"}, {"FileSize", 5}, {"PackageId", 777}});
  CHECK(sets.lookup(s.h[1]).at(0).algorithm == "sha256");
  CHECK(sets.lookup(s.h[0]).empty());
  CHECK(has_problem(sets, "RDS_full.db: FILE has no index"));

  auto other = s.dir.path() / "other.db";
  REQUIRE(test::run("sqlite3 " + test::shell_quote(other.string()) +
                    " 'CREATE TABLE files(md5 TEXT); INSERT INTO files VALUES(1);'")
              .exit_code == 0);
  try {
    sets.add(other.string());
    FAIL("no exception");
  } catch (const ArtifactError& e) {
    CHECK(e.path() == other.string());
    CHECK(std::string(e.what()).find("not an NSRL database") != std::string::npos);
  }
  auto empty = make_nsrl(s, s.dir.path() / "empty.db");
  REQUIRE(test::run("sqlite3 " + test::shell_quote(empty.string()) + " 'DELETE FROM FILE;'")
              .exit_code == 0);
  CHECK_THROWS_AS(sets.add(empty.string()), ArtifactError);
  // A truncated database: the header survives, the pages do not.
  auto cut = s.dir.path() / "cut.db";
  std::filesystem::copy_file(db, cut);
  std::filesystem::resize_file(cut, 100);
  CHECK_THROWS_AS(sets.add(cut.string()), ArtifactError);
}

TEST_CASE("hash sets: good:/bad: prefixes and a set given twice") {
  if (!test::tool_or_skip("sqlite3")) return;
  Samples s;
  auto list = s.dir.path() / "allow.txt";
  write_file(list, s.h[0].sha256 + " our own build\n");
  auto db = make_nsrl(s, s.dir.path() / "nsrl.db");

  HashSets sets;
  sets.add("good:" + list.string());
  sets.add("bad:" + db.string());
  sets.add(list.string().insert(0, "good:"));  // the same set again
  auto hit = sets.lookup(s.h[0]);
  REQUIRE(hit.size() == 2);  // once per set, in the order given
  CHECK(hit[0].set == "allow.txt");
  CHECK(hit[0].set_path == list.string());
  CHECK(hit[0].verdict == Verdict::known_good);
  CHECK(hashsets::to_json(hit[0])["Verdict"] == "known-good");
  CHECK(hit[1].format == "nsrl");
  CHECK(hit[1].verdict == Verdict::known_bad);
  CHECK(has_problem(sets, "allow.txt: given twice"));
  // Given again with the other verdict: a contradiction, refused.
  CHECK_THROWS_AS(sets.add("bad:" + list.string()), ArtifactError);
  CHECK(sets.lookup(s.h[0]).size() == 2);

  // Without a prefix: a list is known-bad.
  HashSets plain;
  plain.add(list.string());
  CHECK(plain.lookup(s.h[0]).at(0).verdict == Verdict::known_bad);
}

namespace {
long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}
}  // namespace

TEST_CASE("hash lists: 100,000 lines, lookups of a sample, memory per hash") {
  test::TempDir dir;
  auto list = dir.path() / "big.txt";
  auto probe = dir.path() / "probe.tsv";
  // Python's hashlib writes the list (MD5, SHA-1, SHA-256 in turn, of "item N") and, for
  // every 997th item and for items past the list, the hash the lookup must (not) find.
  auto py = test::run(
      "/usr/bin/python3 -c 'import hashlib,sys\n"
      "algs=[hashlib.md5,hashlib.sha1,hashlib.sha256]\n"
      "with open(sys.argv[1],\"w\") as f, open(sys.argv[2],\"w\") as p:\n"
      "  for i in range(100000):\n"
      "    h=algs[i%3]((\"item %d\"%i).encode()).hexdigest()\n"
      "    f.write(\"%s item %d\\n\"%(h.upper() if i%2 else h,i))\n"
      "    if i%997==0: p.write(\"%s\\t%d\\t1\\n\"%(h,i))\n"
      "  for i in range(100000,100050):\n"
      "    p.write(\"%s\\t%d\\t0\\n\"%(algs[i%3]((\"item %d\"%i).encode()).hexdigest(),i))' " +
      test::shell_quote(list.string()) + " " + test::shell_quote(probe.string()));
  REQUIRE(py.exit_code == 0);

  long before = rss_kib();
  HashSets sets;
  sets.add(list.string());
  long after = rss_kib();
  double bytes_per_hash = (after - before) * 1024.0 / 100000;
  INFO("RSS growth per hash: " << bytes_per_hash << " bytes");
#if defined(__SANITIZE_ADDRESS__)
  (void)bytes_per_hash;  // AddressSanitizer's redzones and quarantine inflate RSS
#else
  CHECK(bytes_per_hash < 64);  // 24-40 bytes of table per hash
#endif
  CHECK(sets.problems().empty());

  std::ifstream p(probe);
  std::string line;
  int hits = 0, misses = 0;
  while (std::getline(p, line)) {
    auto cells = test::split_tabs(line);
    REQUIRE(cells.size() == 3);
    pe::Hashes h;
    (cells[0].size() == 32 ? h.md5 : cells[0].size() == 40 ? h.sha1 : h.sha256) = cells[0];
    auto found = sets.lookup(h);
    if (cells[2] == "1") {
      REQUIRE(found.size() == 1);
      CHECK(found[0].entry["Comment"] == "item " + cells[1]);
      ++hits;
    } else {
      CHECK(found.empty());
      ++misses;
    }
  }
  CHECK(hits == 101);
  CHECK(misses == 50);
}

TEST_CASE("hash sets: hostile input is counted, bounded, and a vanished set still answers") {
  Samples s;
  auto list = s.dir.path() / "hostile.txt";
  // Line 1: 2 MiB without a newline break; line 2: a hash; line 3: 0x00 bytes.
  write_file(list, std::string(2 * 1024 * 1024, 'A') + "\n" + s.h[0].md5 + " ok\n" +
                       std::string(16, '\0') + "\n");
  HashSets sets;
  sets.add(list.string());
  auto hit = sets.lookup(s.h[0]);
  REQUIRE(hit.size() == 1);
  CHECK(hit[0].entry["Comment"] == "ok");
  CHECK(has_problem(sets, "hostile.txt: 2 lines not understood (first at line 1: longer than"));

  auto csv = s.dir.path() / "cut.csv";
  write_file(csv, "md5,name\n" + s.h[1].md5 + ",one\n" + s.h[2].md5 + ",\"never closed\n");
  sets.add(csv.string());
  CHECK(sets.lookup(s.h[1]).size() == 1);
  CHECK(sets.lookup(s.h[2]).empty());
  CHECK(has_problem(sets,
                    "cut.csv: 1 line not understood (first at line 3: quoted field not "
                    "closed"));

  // The set's file removed after loading: the hit stands, the entry says why it is empty.
  std::filesystem::remove(list);
  hit = sets.lookup(s.h[0]);
  REQUIRE(hit.size() == 1);
  CHECK(hit[0].entry.contains("EntryUnavailable"));
  CHECK(hit[0].entry["EntryUnavailable"].get<std::string>().find(list.string()) == 0);
}
