// Writers for the findings document. Output is streamed: findings are written as they
// arrive and never accumulated, so memory does not grow with the input.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "sqltriage/finding.hpp"

namespace sqltriage {

/// One evidence argument of the run.
struct EvidenceInfo {
  std::string path;  ///< as given on the command line
  std::string kind;  ///< Evidence::kind(): "directory", "image", "folder", "file" or "unreadable"
  /// Evidence::layout() for an image ("MBR partition 2 at offset 65536"); omitted when empty.
  std::string layout;
};

/// The document's header, known before the first finding.
struct DocumentHeader {
  std::string command;  ///< subcommand name, e.g. "evtx"
  std::vector<EvidenceInfo> evidence;
  Filetime started = 0;  ///< UTC FILETIME when the run started
};

/// Receives a run's output in order: begin, then findings and errors interleaved, then end.
/// Implementations are not thread-safe; callers serialise.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void begin(const DocumentHeader& header) = 0;
  virtual void finding(const Finding& f) = 0;
  /// The same finding with `object_text` = to_json_text(to_json(f)) already rendered (by a
  /// worker thread, so that rendering runs in parallel). Writers that emit that text
  /// override this; the default calls finding(f).
  virtual void finding(const Finding& f, const std::string& object_text) {
    (void)object_text;
    finding(f);
  }
  virtual void error(const ErrorEntry& e) = 0;
  /// A named section of the document beside "findings" (investigate's "verdict"). Called
  /// after begin and before the first finding, it is written right after the header;
  /// later, it is written at end(). JSON Lines writes it as one line with "record_type":
  /// `name`. The default ignores it.
  virtual void section(const std::string& name, const nlohmann::ordered_json& value) {
    (void)name;
    (void)value;
  }
  virtual void end(const RunStats& stats) = 0;
};

/// The JSON document ("schema": "sqltriage.findings/1"): findings are streamed into the
/// "findings" array; errors are held until end() and written after it (they are few:
/// readers cap per-artifact errors). Writes to `out`, which must outlive the writer.
std::unique_ptr<FindingSink> make_json_writer(std::ostream& out);

/// JSON Lines: one object per line, flushed per line. The first line is the header
/// ("record_type": "header"), then one line per finding ("record_type": "finding") or error
/// ("record_type": "error"), and a last "stats" line.
std::unique_ptr<FindingSink> make_jsonl_writer(std::ostream& out);

/// JSON object forms, exactly as the writers emit them: a finding, an error, the header
/// ({"schema","tool","command","evidence","started"}) and the stats
/// ({"files","records","findings","errors","elapsed_s"}).
nlohmann::ordered_json to_json(const Finding& f);
nlohmann::ordered_json to_json(const ErrorEntry& e);
nlohmann::ordered_json to_json(const DocumentHeader& h);
nlohmann::ordered_json to_json(const RunStats& s);

}  // namespace sqltriage
