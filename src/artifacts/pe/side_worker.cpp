// The hashing pass's second thread (side_worker.hpp).
#include "artifacts/pe/side_worker.hpp"

namespace sqltriage::pe::detail {

SideWorker::SideWorker(std::function<void(std::uint64_t, const Chunk&)> work)
    : work_(std::move(work)), thread_([this] { run(); }) {}

SideWorker::~SideWorker() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    abandoned_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SideWorker::push(std::uint64_t offset, Chunk chunk) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < kDepth || error_; });
  if (error_) return;  // finish() reports it
  queue_.emplace_back(offset, std::move(chunk));
  changed_.notify_all();
}

void SideWorker::finish() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (error_) std::rethrow_exception(error_);
}

void SideWorker::run() {
  for (;;) {
    std::pair<std::uint64_t, Chunk> item;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (abandoned_ || queue_.empty()) return;
      item = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();
    try {
      work_(item.first, item.second);
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      queue_.clear();
      changed_.notify_all();
      return;
    }
  }
}

}  // namespace sqltriage::pe::detail
