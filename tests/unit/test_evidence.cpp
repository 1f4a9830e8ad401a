// Evidence layer: kinds, case-insensitive Windows path resolution, loose files.
#include <fstream>

#include "sqltriage/error.hpp"
#include "sqltriage/evidence.hpp"
#include "support.hpp"

using sqltriage::open_evidence;
namespace fs = std::filesystem;

namespace {
void touch(const fs::path& p, const std::string& content = "x") {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}
}  // namespace

TEST_CASE("a folder with Windows at its top is a directory evidence with case-insensitive paths") {
  sqltriage::test::TempDir tmp;
  touch(tmp.path() / "WINDOWS" / "system32" / "WinEvt" / "logs" / "security.EVTX", "sec");
  auto ev = open_evidence(tmp.path());
  REQUIRE(ev->kind() == "directory");
  auto f = ev->resolve("C:\\Windows\\System32\\winevt\\Logs\\Security.evtx");
  REQUIRE(f);
  // The display path keeps the case the evidence stores, as Windows would show it.
  CHECK(f->display_path == "C:\\WINDOWS\\system32\\WinEvt\\logs\\security.EVTX");
  CHECK(f->host_path == tmp.path() / "WINDOWS" / "system32" / "WinEvt" / "logs" / "security.EVTX");
  // Forward slashes and no drive letter resolve to the same file.
  auto g = ev->resolve("/windows/SYSTEM32/winevt/Logs/SECURITY.evtx");
  REQUIRE(g);
  CHECK(g->host_path == f->host_path);
  CHECK_FALSE(ev->resolve("C:\\Windows\\System32\\winevt\\Logs\\System.evtx"));
  // ".." cannot climb out of the evidence root.
  CHECK_FALSE(ev->resolve("C:\\Windows\\..\\..\\etc\\passwd"));
  auto listing = ev->list("c:\\windows\\system32\\winevt\\logs");
  REQUIRE(listing.size() == 1);
  CHECK(listing[0].display_path == "C:\\WINDOWS\\system32\\WinEvt\\logs\\security.EVTX");
  CHECK(ev->loose_files().empty());
}

TEST_CASE("a KAPE-style drive folder is found under the evidence root") {
  sqltriage::test::TempDir tmp;
  touch(tmp.path() / "C" / "Windows" / "System32" / "config" / "SYSTEM");
  auto ev = open_evidence(tmp.path());
  REQUIRE(ev->kind() == "directory");
  auto f = ev->resolve("C:\\Windows\\System32\\config\\SYSTEM");
  REQUIRE(f);
  CHECK(f->host_path == tmp.path() / "C" / "Windows" / "System32" / "config" / "SYSTEM");
}

TEST_CASE("symbolic links are not followed out of a directory evidence") {
  sqltriage::test::TempDir tmp;
  sqltriage::test::TempDir outside;
  touch(outside.path() / "secret.evtx");
  fs::create_directories(tmp.path() / "Windows");
  fs::create_directory_symlink(outside.path(), tmp.path() / "Windows" / "Logs");
  auto ev = open_evidence(tmp.path());
  CHECK_FALSE(ev->resolve("C:\\Windows\\Logs\\secret.evtx"));
  CHECK(ev->list("C:\\Windows\\Logs").empty());
}

TEST_CASE("a folder without Windows is loose entries, sorted, links listed but not followed") {
  sqltriage::test::TempDir tmp;
  sqltriage::test::TempDir outside;
  touch(tmp.path() / "b.evtx");
  touch(tmp.path() / "a" / "c.evtx");
  touch(outside.path() / "x.evtx");
  fs::create_directory_symlink(outside.path(), tmp.path() / "link");
  auto ev = open_evidence(tmp.path());
  REQUIRE(ev->kind() == "folder");
  CHECK_FALSE(ev->resolve("C:\\Windows"));
  std::vector<std::string> names;
  for (const auto& f : ev->loose_files())
    names.push_back(f.host_path.lexically_relative(tmp.path()).string());
  // The link is listed (so callers can report it) but what it points to is not.
  CHECK(names == std::vector<std::string>{"a", "a/c.evtx", "b.evtx", "link"});
}

TEST_CASE("a single file is a file evidence, a missing path throws EvidenceError") {
  sqltriage::test::TempDir tmp;
  touch(tmp.path() / "Security.evtx");
  auto ev = open_evidence(tmp.path() / "Security.evtx");
  CHECK(ev->kind() == "file");
  REQUIRE(ev->loose_files().size() == 1);
  CHECK(ev->loose_files()[0].host_path == tmp.path() / "Security.evtx");
  CHECK_THROWS_AS(open_evidence(tmp.path() / "nope"), sqltriage::EvidenceError);
}
