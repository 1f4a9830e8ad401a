// Internal to the webshell scan: one file read, hashed, described and scanned with YARA, as a
// `webshell.file` finding (docs/webshell.md). Checks are run by the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/webshell/walk.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/yara_rules.hpp"

namespace sqltriage::pipeline::webshell {

/// The web root a file was found under, as findings show it.
struct RootView {
  nlohmann::ordered_json json;  ///< the "WebRoot" object
  std::string url_path;         ///< "/" or "/app"; empty when unknown
};

struct FileScanLimits {
  std::uint64_t max_size = 0;  ///< bytes; larger files are not read
  int timeout_s = 0;           ///< per YARA scan
};

struct FileResult {
  Finding finding;                 ///< valid when `read`; hashed only when `keep`
  bool read = false;               ///< the bytes were read and scanned
  bool keep = false;               ///< to report: a check fired, or every file is reported
  std::vector<ErrorEntry> errors;  ///< unreadable, over max_size, YARA stopped early
};

/// Escapes matched bytes for display: printable ASCII as is, '\' as "\\", every other byte
/// as "\xNN".
std::string escape_bytes(std::string_view bytes);

/// Reads and scans `c` (from the host, or through `image` when it lies inside one: its bytes,
/// and its MFT record for the "MFT" and "Owner" facts; nullptr on the host), then
/// runs `judge` (the checks) on the finding; a finding with a check hit, or every finding with
/// `keep_every_file`, is kept and gets its "Hashes".
FileResult scan_file(const Candidate& c, const RootView& root, const yara::RuleSet& rules,
                     const FileScanLimits& limits, const VolumeContext* image,
                     const std::function<void(Finding&)>& judge, bool keep_every_file);

}  // namespace sqltriage::pipeline::webshell
