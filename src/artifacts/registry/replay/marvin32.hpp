// Marvin32, the 64-bit keyed hash Windows uses for the Hash-1 and Hash-2 fields of a
// new-format transaction log entry ("HvLE").
//
// Format knowledge: "Windows registry file format specification" (M. Suhanov), section
// "Log entries", and the published Marvin32 algorithm (Microsoft, the Marvin hash of .NET):
// the state (lo, hi) starts as the seed's low and high 32 bits; each little-endian dword of
// the input is added to lo and mixed; the 0-3 remaining bytes plus a 0x80 terminator make a
// last dword, followed by one more mix of 0; the hash is hi:lo. The seed registry log
// entries use is 0x82EF4D887A4E55C5 (lo = 0x7A4E55C5), which is what Windows' own logs
// verify against.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sqltriage::registry::replay {

inline constexpr std::uint64_t kLogEntrySeed = 0x82EF4D887A4E55C5ULL;

/// Incremental Marvin32: feed the data in pieces of any size, then finish() once.
class Marvin32 {
 public:
  explicit Marvin32(std::uint64_t seed = kLogEntrySeed);
  void update(const std::uint8_t* data, std::size_t n);
  std::uint64_t finish();

 private:
  void mix(std::uint32_t v);
  std::uint32_t lo_;
  std::uint32_t hi_;
  std::uint8_t pending_[4] = {};
  std::size_t pending_n_ = 0;
};

/// Marvin32 of one buffer.
std::uint64_t marvin32(const std::uint8_t* data, std::size_t n, std::uint64_t seed = kLogEntrySeed);

}  // namespace sqltriage::registry::replay
