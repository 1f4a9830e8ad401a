// Reports damaged regions of a $J: one "record" ErrorEntry per region up to a cap, then one
// "limit" entry that summarises the rest.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sqltriage/finding.hpp"

namespace sqltriage::usn::detail {

class DamageLog {
 public:
  DamageLog(std::string display, std::function<void(ErrorEntry)> on_error, std::uint64_t cap);

  /// A damaged region starts at `offset` for `problem`. The entry is written when the region
  /// ends (resume() or finish()), so that it can say where reading resumed.
  void begin(std::uint64_t offset, std::string problem);
  bool open() const { return pending_.has_value(); }
  /// The region ends: a record was found again at `offset`.
  void resume(std::uint64_t offset);
  /// End of the stream: closes a region left open, then writes the "limit" entry if any
  /// region went unlisted.
  void finish(std::uint64_t stream_size);

  std::uint64_t regions() const { return regions_; }

 private:
  void emit(std::uint64_t offset, std::string message);

  struct Pending {
    std::uint64_t offset = 0;
    std::string problem;
  };
  std::string display_;
  std::function<void(ErrorEntry)> on_error_;
  std::uint64_t cap_ = 0;
  std::optional<Pending> pending_;
  std::uint64_t regions_ = 0;
  std::uint64_t first_unlisted_ = 0;
  std::uint64_t last_unlisted_ = 0;
};

}  // namespace sqltriage::usn::detail
