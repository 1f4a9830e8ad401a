// A second thread for the hashing pass: it runs its own share of the hashes over the same
// chunks the reading thread hashes, so that two cores share the work of one pass. Chunks
// are shared read-only; at most kDepth wait in its queue, so memory stays bounded.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sqltriage::pe::detail {

using Chunk = std::shared_ptr<const std::vector<std::uint8_t>>;

class SideWorker {
 public:
  /// `work(offset, chunk)` runs on the worker thread for every chunk, in order.
  explicit SideWorker(std::function<void(std::uint64_t, const Chunk&)> work);
  /// Stops the thread (without waiting for queued chunks when finish() was not called).
  ~SideWorker();
  SideWorker(const SideWorker&) = delete;
  SideWorker& operator=(const SideWorker&) = delete;

  /// Queues a chunk; blocks while kDepth chunks are waiting.
  void push(std::uint64_t offset, Chunk chunk);
  /// Waits until every queued chunk is done; rethrows what `work` threw.
  void finish();

  static constexpr std::size_t kDepth = 4;

 private:
  void run();

  std::function<void(std::uint64_t, const Chunk&)> work_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<std::uint64_t, Chunk>> queue_;
  bool closing_ = false;
  bool abandoned_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace sqltriage::pe::detail
