// The NSRL RDS v3 SQLite database, queried in place. Opened read-only as an immutable URI
// ("file:PATH?mode=ro&immutable=1"): SQLite takes no locks and never writes a -journal or
// -wal file next to the evidence. Hashes are looked up in the FILE table or view (NIST
// "RDSv3" schema: sha256, sha1, md5 in upper-case hex, file_name, file_size, package_id).
// In the "minimal" databases FILE is a table; in the full ones a view over METADATA and
// PACKAGE_OBJECT that upper-cases the hashes, which no index serves.
#include <sqlite3.h>

#include <array>
#include <cctype>
#include <memory>
#include <mutex>
#include <set>

#include "artifacts/hashsets/set_source.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::hashsets::detail {

namespace {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

/// "file:" URI of an absolute path, percent-encoding every byte outside [A-Za-z0-9-._~/].
std::string file_uri(const std::filesystem::path& path) {
  std::string abs = std::filesystem::absolute(path).lexically_normal().string();
  std::string out = "file:";
  const char* hex = "0123456789ABCDEF";
  for (unsigned char c : abs) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0x0F]);
    }
  }
  return out + "?mode=ro&immutable=1";
}

std::string column_text(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? std::string(reinterpret_cast<const char*>(t),
                         static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
           : std::string();
}

nlohmann::ordered_json column_json(sqlite3_stmt* s, int i) {
  switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(s, i);
    case SQLITE_NULL:
      return nullptr;
    default:
      return column_text(s, i);
  }
}

class NsrlSet final : public SetSource {
 public:
  NsrlSet(const std::filesystem::path& path, const std::string& display) : display_(display) {
    sqlite3* raw = nullptr;
    int rc =
        sqlite3_open_v2(file_uri(path).c_str(), &raw,
                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK)
      fail("cannot open as SQLite: " + std::string(raw ? sqlite3_errmsg(raw) : "out of memory"));
    check_schema();
    find_indexes();
    prepare();
    Stmt any = prepare_sql("SELECT 1 FROM FILE LIMIT 1");
    int step = sqlite3_step(any.get());
    if (step == SQLITE_DONE) fail("the NSRL FILE table holds no hash at all");
    if (step != SQLITE_ROW) fail("cannot read the FILE table: " + error());
  }

  std::string_view format() const override { return "nsrl"; }

  std::optional<SetMatch> find(const pe::Hashes& hashes) const override {
    auto wanted = wanted_digests(hashes);
    if (wanted.empty()) return std::nullopt;
    std::lock_guard lock(mutex_);
    if (!scan_) {
      for (const auto& [algorithm, digest] : wanted) {
        sqlite3_stmt* s = by_column_[static_cast<int>(algorithm)].get();
        if (!s) continue;
        std::string hex = to_hex(digest.data(), digest_size(algorithm), true);
        if (auto m = run(s, {hex}, algorithm)) return m;
      }
      return std::nullopt;
    }
    // No usable index: one pass over FILE for all three hashes.
    std::array<std::string, 3> hex;  // md5, sha1, sha256
    for (const auto& [algorithm, digest] : wanted)
      hex[static_cast<int>(algorithm)] = to_hex(digest.data(), digest_size(algorithm), true);
    return run(scan_.get(), {hex[2], hex[1], hex[0]}, std::nullopt);
  }

  std::vector<std::string> notes() const override {
    if (!scan_) return {};
    return {
        "FILE has no index on sha256, sha1 or md5 (the full RDS defines FILE as a view): "
        "every lookup reads the whole table"};
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw ArtifactError(display_, what); }
  std::string error() const { return sqlite3_errmsg(db_.get()); }

  Stmt prepare_sql(const std::string& sql) const {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      sqlite3_finalize(s);
      fail("cannot query (" + sql + "): " + error());
    }
    return Stmt(s);
  }

  void check_schema() {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(db_.get(),
                                "SELECT type FROM sqlite_master WHERE name = 'FILE' "
                                "COLLATE NOCASE AND type IN ('table', 'view')",
                                -1, &raw, nullptr);
    Stmt s(raw);
    if (rc != SQLITE_OK) fail("not a readable SQLite database: " + error());
    rc = sqlite3_step(s.get());
    if (rc == SQLITE_DONE)
      fail("SQLite database without the NSRL RDS v3 FILE table: not an NSRL database");
    if (rc != SQLITE_ROW) fail("not a readable SQLite database: " + error());
    is_view_ = column_text(s.get(), 0) == "view";
    std::set<std::string> columns;
    Stmt info = prepare_sql("PRAGMA table_info('FILE')");
    while ((rc = sqlite3_step(info.get())) == SQLITE_ROW) {
      std::string name = column_text(info.get(), 1);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      columns.insert(name);
    }
    if (rc != SQLITE_DONE) fail("cannot read the FILE table's columns: " + error());
    std::string missing;
    for (const char* c : {"sha256", "sha1", "md5", "file_name", "file_size", "package_id"})
      if (!columns.count(c)) missing += std::string(missing.empty() ? "" : ", ") + c;
    if (!missing.empty())
      fail("SQLite database whose FILE table lacks the NSRL RDS v3 column(s) " + missing +
           ": not an NSRL database");
  }

  void find_indexes() {
    if (is_view_) return;
    Stmt list = prepare_sql("PRAGMA index_list('FILE')");
    int rc = 0;
    std::vector<std::string> names;
    while ((rc = sqlite3_step(list.get())) == SQLITE_ROW)
      names.push_back(column_text(list.get(), 1));
    if (rc != SQLITE_DONE) fail("cannot list the FILE table's indexes: " + error());
    for (const auto& name : names) {
      Stmt info = prepare_sql("PRAGMA index_info('" + quote(name) + "')");
      while ((rc = sqlite3_step(info.get())) == SQLITE_ROW) {
        if (sqlite3_column_int(info.get(), 0) != 0) continue;  // only the leading column
        std::string col = column_text(info.get(), 2);
        for (char& c : col) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (col == "md5") indexed_[0] = true;
        if (col == "sha1") indexed_[1] = true;
        if (col == "sha256") indexed_[2] = true;
      }
    }
  }

  static std::string quote(const std::string& s) {
    std::string out;
    for (char c : s) {
      out.push_back(c);
      if (c == '\'') out.push_back('\'');
    }
    return out;
  }

  void prepare() {
    const char* names[3] = {"md5", "sha1", "sha256"};
    bool any = false;
    for (int i = 0; i < 3; ++i) {
      if (!indexed_[i]) continue;
      by_column_[i] =
          prepare_sql(std::string("SELECT file_name, file_size, package_id FROM FILE WHERE ") +
                      names[i] + " = ?1 LIMIT 1");
      any = true;
    }
    if (!any)
      scan_ = prepare_sql(
          "SELECT file_name, file_size, package_id, sha256, sha1, md5 FROM FILE "
          "WHERE sha256 = ?1 OR sha1 = ?2 OR md5 = ?3 LIMIT 1");
  }

  std::optional<SetMatch> run(sqlite3_stmt* s, std::initializer_list<std::string> values,
                              std::optional<Algorithm> algorithm) const {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    int i = 1;
    for (const auto& v : values) {
      if (v.empty())
        sqlite3_bind_null(s, i);
      else
        sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
      ++i;
    }
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return std::nullopt;
    if (rc != SQLITE_ROW) fail("lookup failed: " + error());
    SetMatch m{algorithm.value_or(Algorithm::md5)};
    m.entry["FileName"] = column_json(s, 0);
    m.entry["FileSize"] = column_json(s, 1);
    m.entry["PackageId"] = column_json(s, 2);
    if (!algorithm) {  // the scan: which hash matched, strongest first
      auto v = values.begin();
      if (!v[0].empty() && column_text(s, 3) == v[0])
        m.algorithm = Algorithm::sha256;
      else if (!v[1].empty() && column_text(s, 4) == v[1])
        m.algorithm = Algorithm::sha1;
    }
    sqlite3_reset(s);
    return m;
  }

  std::string display_;
  Db db_;
  bool is_view_ = false;
  std::array<bool, 3> indexed_{};  // md5, sha1, sha256
  std::array<Stmt, 3> by_column_;
  Stmt scan_;
  mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<SetSource> open_nsrl(const std::filesystem::path& path,
                                     const std::string& display) {
  return std::make_unique<NsrlSet>(path, display);
}

}  // namespace sqltriage::hashsets::detail
