// How the Apache and nginx readers follow include directives, and the bounds every reader
// keeps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/finding.hpp"
#include "sqltriage/web_roots.hpp"

namespace sqltriage::webroots {

/// A configuration file larger than this is refused (error code "limit").
constexpr std::uint64_t kMaxConfigBytes = 16ull << 20;
/// Include levels below the file a search starts from; deeper includes are refused.
constexpr int kMaxIncludeDepth = 8;
/// Roots one search returns at most (and one file yields at most); then one "limit" error.
constexpr std::size_t kMaxRoots = 1000;
/// Access logs one search returns at most (and one file yields at most); then one "limit"
/// error.
constexpr std::size_t kMaxLogs = 1000;
/// Files one search reads at most (configurations and everything they include).
constexpr std::size_t kMaxConfigFiles = 1000;

/// Hands one included file to the reader: its display path and raw bytes.
using ParseFile = std::function<void(const std::string& display, std::string_view bytes)>;

/// Reads the files an include directive names, in name order, calling `parse` for each.
/// `pattern` is a normalized Windows path, possibly with '*'/'?' in any component;
/// `optional` (Apache IncludeOptional, any pattern with a wildcard) means no match is fine;
/// `source` is the directive's "<file>:<line>". Problems go to `errors`.
using Includer =
    std::function<void(const std::string& pattern, bool optional, const std::string& source,
                       const ParseFile& parse, std::vector<ErrorEntry>& errors)>;

/// Error entries one reader gives at most; then one "limit" error.
constexpr std::size_t kMaxErrors = 100;

/// A reader's results, bounded: at most kMaxRoots roots, kMaxLogs logs and kMaxErrors errors,
/// then one "limit" error each naming the file where the bound was reached.
class Results {
 public:
  explicit Results(ParsedConfig& out) : out_(out) {}
  /// Adds a root; false once the bound is reached (the caller may stop reading).
  bool root(WebRoot root, const std::string& display) {
    if (out_.roots.size() < kMaxRoots) {
      out_.roots.push_back(std::move(root));
      return true;
    }
    if (!roots_full_) {
      roots_full_ = true;
      error(make_error(
          display, "limit",
          "more than " + std::to_string(kMaxRoots) + " web roots; the rest are not read"));
    }
    return false;
  }
  /// Adds a log location; false once the bound is reached.
  bool log(LogLocation log, const std::string& display) {
    if (out_.logs.size() < kMaxLogs) {
      out_.logs.push_back(std::move(log));
      return true;
    }
    if (!logs_full_) {
      logs_full_ = true;
      error(make_error(
          display, "limit",
          "more than " + std::to_string(kMaxLogs) + " access logs; the rest are not reported"));
    }
    return false;
  }
  void error(ErrorEntry e) {
    if (errors_ < kMaxErrors) {
      out_.errors.push_back(std::move(e));
    } else if (errors_ == kMaxErrors) {
      out_.errors.push_back(make_error(
          e.artifact.path, "limit",
          "more than " + std::to_string(kMaxErrors) + " errors; the rest are not reported"));
    }
    ++errors_;
  }
  bool full() const { return roots_full_; }
  ParsedConfig& parsed() { return out_; }

 private:
  ParsedConfig& out_;
  bool roots_full_ = false;
  bool logs_full_ = false;
  std::size_t errors_ = 0;
};

/// "line N: what", the text of an error about one line of a configuration file.
inline std::string at_line(std::size_t line, const std::string& what) {
  return "line " + std::to_string(line) + ": " + what;
}

/// Whether an include directive at `depth` may be followed; when not, adds one "limit" error
/// naming the file, the line and the include that is not read.
inline bool include_within_depth(Results& out, int depth, const std::string& display,
                                 std::size_t line, const std::string& pattern) {
  if (depth < kMaxIncludeDepth) return true;
  out.error(
      make_error(display, "limit",
                 at_line(line, "includes nested deeper than " + std::to_string(kMaxIncludeDepth) +
                                   " levels: " + pattern + " is not read")));
  return false;
}

}  // namespace sqltriage::webroots
