// Internal to the timeline: a sorted run of the external merge, as a temporary binary file.
// Each record is the event's fields length-prefixed (little-endian), so any byte survives.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "sqltriage/timeline.hpp"

namespace sqltriage::pipeline::timeline {

/// An event with its arrival number: the merge orders by (time, seq), so equal times keep
/// the order in which the sources produced them.
struct SequencedEvent {
  TimelineEvent event;
  std::uint64_t seq = 0;
};

/// A temporary file in `dir`, created exclusively (mkstemp) and removed by the destructor.
/// Throws std::runtime_error naming the folder when it cannot be created.
class RunFile {
 public:
  explicit RunFile(const std::filesystem::path& dir);
  ~RunFile();
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Appends events to a run file. finish() flushes and throws std::runtime_error (naming the
/// file) when anything could not be written, e.g. a full disk.
class RunWriter {
 public:
  explicit RunWriter(const RunFile& file);
  void write(const SequencedEvent& e);
  void finish();

 private:
  std::filesystem::path path_;
  std::ofstream out_;
  std::vector<char> buffer_;
};

/// Reads a run file back in order. Throws std::runtime_error (naming the file and offset)
/// when it cannot be read or is cut short.
class RunReader {
 public:
  explicit RunReader(const RunFile& file);
  /// False at the end of the run.
  bool next(SequencedEvent& e);

 private:
  std::filesystem::path path_;
  std::ifstream in_;
  std::vector<char> buffer_;
  std::uint64_t offset_ = 0;
};

}  // namespace sqltriage::pipeline::timeline
