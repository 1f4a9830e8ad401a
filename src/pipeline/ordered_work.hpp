// Runs work units on a pool of threads and hands their results to one consumer in unit
// order. At most `window` units are in flight or waiting, so memory stays bounded however
// many units a run has.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace sqltriage::pipeline {

template <typename Unit, typename Result>
class OrderedWork {
 public:
  using Worker = std::function<Result(const Unit&)>;
  using Consumer = std::function<void(Result&&)>;

  OrderedWork(unsigned threads, std::size_t window, Worker work, Consumer consume)
      : window_(window == 0 ? 1 : window), work_(std::move(work)), consume_(std::move(consume)) {
    if (threads == 0) threads = 1;
    for (unsigned i = 0; i < threads; ++i) pool_.emplace_back([this] { run(); });
  }

  ~OrderedWork() { finish(); }
  OrderedWork(const OrderedWork&) = delete;
  OrderedWork& operator=(const OrderedWork&) = delete;

  /// Queues a unit; blocks while `window` units are pending.
  void submit(Unit u) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return submitted_ - consumed_ < window_; });
    queue_.emplace_back(submitted_++, std::move(u));
    ready_.notify_one();
  }

  /// Waits for every unit to be consumed and stops the threads. Idempotent.
  void finish() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    ready_.notify_all();
    for (auto& t : pool_)
      if (t.joinable()) t.join();
    pool_.clear();
  }

 private:
  void run() {
    for (;;) {
      std::pair<std::size_t, Unit> item;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;
        item = std::move(queue_.front());
        queue_.pop_front();
      }
      Result r = work_(item.second);
      std::unique_lock lock(mutex_);
      done_.emplace(item.first, std::move(r));
      // Whoever completes the next unit in order hands over every consecutive result.
      // Consumption happens under emit_mutex_ only, so results reach the consumer in order.
      if (emitting_) continue;
      emitting_ = true;
      while (!done_.empty() && done_.begin()->first == consumed_) {
        Result next = std::move(done_.begin()->second);
        done_.erase(done_.begin());
        lock.unlock();
        consume_(std::move(next));
        lock.lock();
        ++consumed_;
        space_.notify_all();
      }
      emitting_ = false;
    }
  }

  std::size_t window_;
  Worker work_;
  Consumer consume_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<std::pair<std::size_t, Unit>> queue_;
  std::map<std::size_t, Result> done_;
  std::size_t submitted_ = 0;
  std::size_t consumed_ = 0;
  bool emitting_ = false;
  bool closing_ = false;
  std::vector<std::thread> pool_;
};

}  // namespace sqltriage::pipeline
