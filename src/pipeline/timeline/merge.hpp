// Internal to the timeline: the external merge sort. Events are held up to a bound, sorted
// by (time, arrival) and written as a run file; at the end the runs are merged with a heap
// (in passes of at most kMergeFanIn runs) into the output lines.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "pipeline/timeline/run_file.hpp"

namespace sqltriage::pipeline::timeline {

/// Runs merged at once; more runs are merged in passes into longer runs first.
inline constexpr std::size_t kMergeFanIn = 64;

class ExternalSorter {
 public:
  /// `run_events` events are held before a run is written to a new file in `temp_dir`.
  ExternalSorter(std::filesystem::path temp_dir, std::size_t run_events);
  /// Adds an event; may write a run (throws std::runtime_error when it cannot).
  void add(TimelineEvent e);
  /// Calls `emit` with every event added, oldest first (equal times in the order added).
  /// Run files are removed when the sorter is destroyed, also when this throws.
  void drain(const std::function<void(const TimelineEvent&)>& emit);
  std::uint64_t added() const { return seq_; }
  std::size_t runs_written() const { return runs_written_; }

 private:
  void spill();
  /// Merges `inputs` in (time, seq) order into `emit`.
  static void merge(const std::vector<std::unique_ptr<RunFile>>& inputs,
                    const std::function<void(const SequencedEvent&)>& emit);

  std::filesystem::path dir_;
  std::size_t limit_;
  std::vector<SequencedEvent> buffer_;
  std::vector<std::unique_ptr<RunFile>> runs_;
  std::uint64_t seq_ = 0;
  std::size_t runs_written_ = 0;
};

}  // namespace sqltriage::pipeline::timeline
