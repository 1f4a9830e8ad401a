// Helpers shared by the execution-evidence reader tests (ShimCache, BAM, Amcache, Prefetch):
// running a reader over a hive file, little-endian byte builders, .reg hex values, and
// RegRipper with its entries printed in the order the plugin read them.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "artifacts/registry/extract.hpp"
#include "sqltriage/accounts.hpp"
#include "sqltriage/byte_source.hpp"
#include "support.hpp"

namespace sqltriage::test::execution {

using Bytes = std::vector<std::uint8_t>;

struct Collected {
  std::vector<Finding> findings;
  std::vector<ErrorEntry> errors;
};

/// Opens the hive at `path` as `kind` and runs `reader` on it.
template <typename Reader>
Collected read_hive(const std::filesystem::path& path, registry::HiveKind kind, Reader reader,
                    const AccountNames& names = AccountNames()) {
  Collected c;
  registry::Hive hive = registry::Hive::open(open_host_file(path), path.string());
  registry::HiveContext ctx{hive, kind, "", "", names};
  registry::Sink sink{[&](Finding f) { c.findings.push_back(std::move(f)); }, c.errors};
  reader(ctx, sink);
  return c;
}

inline void put16(Bytes& b, std::uint16_t v) {
  for (int i = 0; i < 2; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put64(Bytes& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void set32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
/// ASCII `s` as UTF-16LE, without a terminator.
inline Bytes utf16(const std::string& s) {
  Bytes b;
  for (char c : s) put16(b, static_cast<unsigned char>(c));
  return b;
}

/// "hex:aa,bb,..." for a .reg file (REG_BINARY).
inline std::string reg_hex(const Bytes& b) {
  std::string out = "hex:";
  char buf[4];
  for (std::size_t i = 0; i < b.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%02x", b[i]);
    out += (i ? "," : "");
    out += buf;
  }
  return out;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// "2012-04-04 01:58:40", as RegRipper prints times, from our ISO text.
inline std::string seconds_text(const std::string& iso) {
  if (iso.size() < 19) return iso;
  std::string s = iso.substr(0, 19);
  s[10] = ' ';
  return s;
}

/// Runs RegRipper's `plugin` on `hive`. RegRipper's AppCompatCache plugins keep entries in a
/// Perl hash keyed by their index and print them in hash order (random per run); a copy of
/// rip.pl runs a copy of the plugin whose only change is that it prints them sorted by that
/// index, i.e. in the order the plugin parsed them. Its parsing is untouched.
inline CommandResult regripper_in_order(const TempDir& dir, const std::filesystem::path& hive,
                                        const std::string& plugin) {
  const auto where = run("readlink -f \"$(command -v regripper)\"");
  REQUIRE(where.exit_code == 0);
  std::filesystem::path rip = where.out.substr(0, where.out.find_last_not_of("\n") + 1);
  const std::filesystem::path home = dir.path() / "regripper";
  std::filesystem::create_directories(home / "plugins");
  std::filesystem::copy_file(rip, home / "rip.pl",
                             std::filesystem::copy_options::overwrite_existing);
  std::string code = read_text(rip.parent_path() / "plugins" / (plugin + ".pl"));
  const std::string from = "foreach my $f (keys %files)";
  const auto at = code.find(from);
  REQUIRE(at != std::string::npos);
  code.replace(at, from.size(), "foreach my $f (sort {$a <=> $b} keys %files)");
  std::ofstream(home / "plugins" / (plugin + ".pl"), std::ios::binary) << code;
  return run("perl " + shell_quote((home / "rip.pl").string()) + " -r " +
             shell_quote(hive.string()) + " -p " + plugin);
}

}  // namespace sqltriage::test::execution
