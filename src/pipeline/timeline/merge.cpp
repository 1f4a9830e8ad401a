// The timeline's external merge sort (see merge.hpp).
#include "pipeline/timeline/merge.hpp"

#include <algorithm>
#include <queue>

namespace sqltriage::pipeline::timeline {

namespace {

bool before(const SequencedEvent& a, const SequencedEvent& b) {
  return a.event.time != b.event.time ? a.event.time < b.event.time : a.seq < b.seq;
}

}  // namespace

ExternalSorter::ExternalSorter(std::filesystem::path temp_dir, std::size_t run_events)
    : dir_(std::move(temp_dir)), limit_(std::max<std::size_t>(1, run_events)) {
  buffer_.reserve(std::min<std::size_t>(limit_, 1 << 16));
}

void ExternalSorter::add(TimelineEvent e) {
  buffer_.push_back(SequencedEvent{std::move(e), seq_++});
  if (buffer_.size() >= limit_) spill();
}

void ExternalSorter::spill() {
  if (buffer_.empty()) return;
  std::sort(buffer_.begin(), buffer_.end(), before);
  auto file = std::make_unique<RunFile>(dir_);
  RunWriter w(*file);
  for (const auto& e : buffer_) w.write(e);
  w.finish();
  runs_.push_back(std::move(file));
  ++runs_written_;
  buffer_.clear();
}

void ExternalSorter::merge(const std::vector<std::unique_ptr<RunFile>>& inputs,
                           const std::function<void(const SequencedEvent&)>& emit) {
  std::vector<std::unique_ptr<RunReader>> readers;
  std::vector<SequencedEvent> heads(inputs.size());
  auto later = [&heads](std::size_t a, std::size_t b) { return before(heads[b], heads[a]); };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> heap(later);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    readers.push_back(std::make_unique<RunReader>(*inputs[i]));
    if (readers.back()->next(heads[i])) heap.push(i);
  }
  while (!heap.empty()) {
    const std::size_t i = heap.top();
    heap.pop();
    emit(heads[i]);
    if (readers[i]->next(heads[i])) heap.push(i);
  }
}

void ExternalSorter::drain(const std::function<void(const TimelineEvent&)>& emit) {
  if (runs_.empty()) {
    // Everything fits: no file at all.
    std::sort(buffer_.begin(), buffer_.end(), before);
    for (const auto& e : buffer_) emit(e.event);
    buffer_.clear();
    return;
  }
  spill();
  std::vector<SequencedEvent>().swap(buffer_);
  // Passes: merge the oldest kMergeFanIn runs into one until few enough are left.
  while (runs_.size() > kMergeFanIn) {
    std::vector<std::unique_ptr<RunFile>> group;
    for (std::size_t i = 0; i < kMergeFanIn; ++i) group.push_back(std::move(runs_[i]));
    runs_.erase(runs_.begin(), runs_.begin() + static_cast<std::ptrdiff_t>(kMergeFanIn));
    auto merged = std::make_unique<RunFile>(dir_);
    RunWriter w(*merged);
    merge(group, [&w](const SequencedEvent& e) { w.write(e); });
    w.finish();
    runs_.push_back(std::move(merged));
  }
  merge(runs_, [&emit](const SequencedEvent& e) { emit(e.event); });
}

}  // namespace sqltriage::pipeline::timeline
