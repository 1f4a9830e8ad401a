// YARA rules compiled once and shared by every scanning thread, through libyara (yara 4.2).
//
// Sources: the rules bundled with sqltriage (rules/*.yar in the repository, compiled into the
// binary) and rule files the analyst adds. Compiled rules are cached between runs in a file
// keyed by the SHA-256 of the libyara version, every source's name and every source's bytes,
// so an edited rule file is recompiled and an unchanged set loads without compiling.
//
// Format knowledge: the YARA documentation ("Writing YARA rules", "The C API") for yara
// 4.2.3, the version Debian 12 ships.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sqltriage::yara {

/// A rule file: its name in messages and its text.
struct RuleSource {
  /// "rules/webshell_php.yar" for a bundled file (its path in the repository), otherwise the
  /// host path as given.
  std::string name;
  std::string text;
};

/// The rules bundled with sqltriage, in file-name order. Each file becomes its own YARA
/// namespace, named after the file's stem ("webshell_php").
const std::vector<RuleSource>& builtin_rules();

/// Thrown when the rules cannot be compiled (syntax or semantic error, a file that cannot be
/// read, no rule file in a --rules folder). what() lists every error as
/// "<file>:<line>: <libyara's message>", one per line (a file or folder that cannot be used:
/// "<path>: <reason>"). Sources after the first failing one are still checked, each alone.
class RuleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RuleSetOptions {
  /// Compile the bundled rules (false for --rules-only).
  bool builtin = true;
  /// --rules: files, and folders whose *.yar and *.yara files (recursively, sorted by path)
  /// are added. Each file is its own namespace, named after its stem; a later file with the
  /// stem of an earlier one (a bundled file included) gets "<stem>_2", "<stem>_3", ...
  std::vector<std::filesystem::path> extra;
  /// Folder of the compiled-rules cache; std::nullopt disables the cache. A cache that cannot
  /// be read or written is ignored (the rules are compiled) and reported in cache_note(); a
  /// damaged cache file is rewritten. The file is "<key>.yarc": the 16 bytes
  /// "sqltriage yarc1\n", the SHA-256 of the rest, then libyara's compiled-rules format.
  /// Sources that use `include` are never cached (the included files are not in the key).
  std::optional<std::filesystem::path> cache_dir;
};

/// The default cache folder: $XDG_CACHE_HOME/sqltriage/yara, else $HOME/.cache/sqltriage/yara;
/// std::nullopt when neither is set to an absolute path (the XDG Base Directory
/// specification says to ignore a relative one).
std::optional<std::filesystem::path> default_cache_dir();

/// One occurrence of a rule's string.
struct StringMatch {
  std::string identifier;    ///< "$cmd"
  std::uint64_t offset = 0;  ///< byte offset in the scanned data
  std::uint32_t length = 0;  ///< bytes matched
  /// The first bytes matched (at most kMaxMatchData), raw: may be any bytes.
  std::string data;
};

/// A rule that matched.
struct RuleMatch {
  std::string rule;
  std::string ns;  ///< the namespace (rule file stem)
  std::vector<std::string> tags;
  /// The rule's meta as written: strings, integers and booleans by identifier, in order.
  nlohmann::ordered_json meta = nlohmann::ordered_json::object();
  /// Occurrences in offset order per string; at most kMaxMatchesPerString per identifier.
  std::vector<StringMatch> strings;
  /// True when occurrences were left out because of kMaxMatchesPerString.
  bool strings_truncated = false;
};

inline constexpr std::size_t kMaxMatchData = 64;
inline constexpr std::size_t kMaxMatchesPerString = 100;

/// The outcome of scanning one buffer.
struct ScanResult {
  std::vector<RuleMatch> matches;  ///< in the order libyara reports them
  /// Set when the scan stopped early ("timeout after N s", "libyara error <code>"; matches
  /// found before that are kept), or when a string had more occurrences than libyara records
  /// (1,000,000): "too many matches of $s of rule ns:rule ...", the scan then goes on without
  /// that string, as the yara CLI does.
  std::optional<std::string> error;
};

/// Compiled rules. Immutable once loaded; scan() may be called from many threads at once
/// (libyara allows at most 32 concurrent scans of one rule set: callers cap their threads).
class RuleSet {
 public:
  /// Compiles the sources the options name, or loads them from the cache when the cache holds
  /// this exact set. Throws RuleError when they do not compile; std::invalid_argument when no
  /// source is left (--rules-only without --rules).
  static std::shared_ptr<const RuleSet> load(const RuleSetOptions& options);
  /// Compiles the given sources (no cache). Throws RuleError.
  static std::shared_ptr<const RuleSet> compile(const std::vector<RuleSource>& sources);

  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  /// Scans `size` bytes at `data`; `timeout_s` seconds at most (0 = no limit).
  ScanResult scan(const std::uint8_t* data, std::size_t size, int timeout_s) const;

  /// Number of rules (private and global rules included).
  std::size_t rule_count() const;
  /// The source names, in compile order.
  const std::vector<std::string>& source_names() const;
  /// Hex SHA-256 keying the cache (libyara version, names and bytes of the sources).
  const std::string& key() const;
  /// True when the rules came from the cache.
  bool from_cache() const;
  /// Why the cache was not used or not written (empty when it was, or when disabled).
  const std::string& cache_note() const;
  /// libyara's compiler warnings, "<source name>:<line>: <message>" (they do not fail a
  /// load; none when the rules came from the cache), after what gathering the sources skipped
  /// ("<path>: a symbolic link in a rules folder, not followed", "<path>: named twice, read
  /// once").
  const std::vector<std::string>& warnings() const;

  struct Impl;

 private:
  /// Only RuleSet's own functions can make the key, so only they construct a RuleSet.
  struct Key {
    explicit Key() = default;
  };

 public:
  RuleSet(Key, std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqltriage::yara
