// The findings model shared by every subcommand.
//
// A run produces findings (evidence worth seeing, with a severity raised by checks) and
// errors (what could not be read, with where). The JSON shape is documented in
// docs/findings.md; field names inside `data` are the artifact's own (EventData names,
// registry value names, W3C field names).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/filetime.hpp"

namespace sqltriage {

/// Ordered so that comparisons mean "at least as severe as".
enum class Severity { info = 0, low = 1, medium = 2, high = 3, critical = 4 };

/// "info", "low", "medium", "high" or "critical".
std::string_view to_string(Severity s);
/// Inverse of to_string (case-insensitive); std::nullopt for any other text.
std::optional<Severity> parse_severity(std::string_view text);

/// Where a finding or an error comes from.
struct ArtifactRef {
  /// The artifact as the analyst knows it: a Windows path (C:\...) when the file was found
  /// inside evidence, otherwise the path given on the command line.
  std::string path;
  /// Record number inside the artifact (EVTX: EventRecordID), when there is one.
  std::optional<std::uint64_t> record;
  /// Byte offset inside the artifact, when known.
  std::optional<std::uint64_t> offset;
};

/// One check that fired on a finding: why its severity was raised.
struct CheckHit {
  std::string id;  ///< stable check identifier, e.g. "web_server_parent"
  Severity severity = Severity::info;
  std::vector<std::string> attack;  ///< MITRE ATT&CK technique IDs, e.g. "T1505.003"
  std::string reason;               ///< one readable sentence naming the evidence
};

struct Finding {
  std::string type;  ///< e.g. "evtx.process_creation"; see docs/findings.md
  Severity severity = Severity::info;
  std::optional<Filetime> time;  ///< the event's own time (UTC FILETIME)
  std::string summary;           ///< one readable line
  ArtifactRef artifact;
  nlohmann::ordered_json data = nlohmann::ordered_json::object();
  std::vector<std::string> attack;  ///< union of the checks' techniques
  std::vector<CheckHit> checks;

  /// Records a check hit: raises severity to at least hit.severity and merges its techniques.
  void add_check(CheckHit hit);
};

/// Something that could not be read. Record-level damage is an error, not an abort.
struct ErrorEntry {
  ArtifactRef artifact;
  /// Stable machine-readable class: "missing" (artifact absent from the evidence),
  /// "open_failed" (exists but cannot be opened or is not of the expected format),
  /// "record" (one record unreadable), "truncated", "limit" (error cap reached).
  std::string code;
  std::string message;  ///< human-readable, including the library's own message
};

/// An error entry in one expression.
inline ErrorEntry make_error(std::string path, std::string code, std::string message,
                             std::optional<std::uint64_t> offset = std::nullopt) {
  ErrorEntry e;
  e.artifact.path = std::move(path);
  e.artifact.offset = offset;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

/// Totals reported at the end of a run.
struct RunStats {
  std::uint64_t files = 0;     ///< artifacts opened successfully
  std::uint64_t records = 0;   ///< records examined
  std::uint64_t findings = 0;  ///< findings emitted
  std::uint64_t errors = 0;    ///< error entries emitted
  double elapsed_s = 0.0;      ///< wall-clock seconds
};

}  // namespace sqltriage
