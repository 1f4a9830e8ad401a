// Shared by the persistence reader tests: a .reg text builder that writes every parent key's
// section itself, running a reader over a hive file, and hivex (python3-hivex) as the
// independent reader of key LastWrite times.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "artifacts/registry/extract.hpp"
#include "sqltriage/byte_source.hpp"
#include "support.hpp"

namespace sqltriage::test {

/// A .reg text for write_hive(): values are added by key path; every parent key gets its
/// own section.
class RegText {
 public:
  /// `data` is the .reg right-hand side: "dword:00000002", "hex:01,02", reg_string(...).
  RegText& value(const std::string& key, const std::string& name, const std::string& data) {
    add_key(key);
    std::string escaped;
    for (char c : name) {
      if (c == '\\' || c == '"') escaped.push_back('\\');
      escaped.push_back(c);
    }
    lines_[key].push_back((name.empty() ? std::string("@") : "\"" + escaped + "\"") + "=" + data);
    return *this;
  }
  RegText& sz(const std::string& key, const std::string& name, const std::string& text) {
    return value(key, name, reg_string(text, 1));
  }
  RegText& expand_sz(const std::string& key, const std::string& name, const std::string& text) {
    return value(key, name, reg_string(text, 2));
  }
  RegText& dword(const std::string& key, const std::string& name, std::uint32_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "dword:%08x", v);
    return value(key, name, buf);
  }
  RegText& binary(const std::string& key, const std::string& name,
                  const std::vector<std::uint8_t>& bytes) {
    std::ostringstream out;
    out << "hex:";
    char buf[4];
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%02x", bytes[i]);
      out << (i ? "," : "") << buf;
    }
    return value(key, name, out.str());
  }
  RegText& add_key(const std::string& key) {
    std::string path;
    std::size_t start = 0;
    while (true) {
      const std::size_t slash = key.find('\\', start);
      path = key.substr(0, slash);
      if (!lines_.count(path)) {
        lines_[path];
        order_.push_back(path);
      }
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    return *this;
  }
  std::string str() const {
    std::string out;
    for (const auto& key : order_) {
      out += "[\\" + key + "]\n";
      for (const auto& line : lines_.at(key)) out += line + "\n";
      out += "\n";
    }
    return out;
  }

 private:
  std::map<std::string, std::vector<std::string>> lines_;
  std::vector<std::string> order_;
};

/// What a reader emitted.
struct ReaderOutput {
  std::vector<Finding> findings;
  std::vector<ErrorEntry> errors;
};

/// Opens the hive file at `path` and runs `reader` over it.
template <typename Reader>
ReaderOutput run_hive_reader(const std::filesystem::path& path, registry::HiveKind kind,
                             Reader reader, const std::string& sid = "",
                             const std::string& user = "") {
  ReaderOutput out;
  const AccountNames accounts;
  const registry::Hive hive = registry::Hive::open(open_host_file(path), path.string());
  const registry::HiveContext ctx{hive, kind, sid, user, accounts};
  registry::Sink sink{[&](Finding f) { out.findings.push_back(std::move(f)); }, out.errors};
  reader(ctx, sink);
  return out;
}

/// The LastWrite FILETIME of each key path (below the root) as hivex reads it.
inline std::map<std::string, std::uint64_t> hivex_timestamps(const std::filesystem::path& hive,
                                                             const std::set<std::string>& paths) {
  const std::string script =
      "import hivex, sys\n"
      "h = hivex.Hivex(sys.argv[1])\n"
      "for p in sys.argv[2:]:\n"
      "    n = h.root()\n"
      "    for part in p.split('\\\\'):\n"
      "        n = h.node_get_child(n, part)\n"
      "    print(p + '\\t' + str(h.node_timestamp(n)))\n";
  std::string cmd = "/usr/bin/python3 -c " + shell_quote(script) + " " + shell_quote(hive.string());
  for (const auto& p : paths) cmd += " " + shell_quote(p);
  const CommandResult r = run(cmd);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::map<std::string, std::uint64_t> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto cells = split_tabs(line);
    if (cells.size() == 2) out[cells[0]] = std::stoull(cells[1]);
  }
  return out;
}

/// `s` as UTF-16LE bytes (ASCII only).
inline std::vector<std::uint8_t> utf16le(const std::string& s) {
  std::vector<std::uint8_t> out;
  for (char c : s) {
    out.push_back(static_cast<std::uint8_t>(c));
    out.push_back(0);
  }
  return out;
}

}  // namespace sqltriage::test
