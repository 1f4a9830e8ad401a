#include "artifacts/registry/replay/marvin32.hpp"

#include <bit>

#include "core/little_endian.hpp"

namespace sqltriage::registry::replay {

Marvin32::Marvin32(std::uint64_t seed)
    : lo_(static_cast<std::uint32_t>(seed)), hi_(static_cast<std::uint32_t>(seed >> 32)) {}

void Marvin32::mix(std::uint32_t v) {
  lo_ += v;
  hi_ ^= lo_;
  lo_ = std::rotl(lo_, 20) + hi_;
  hi_ = std::rotl(hi_, 9) ^ lo_;
  lo_ = std::rotl(lo_, 27) + hi_;
  hi_ = std::rotl(hi_, 19);
}

void Marvin32::update(const std::uint8_t* data, std::size_t n) {
  std::size_t i = 0;
  while (pending_n_ > 0 && pending_n_ < 4 && i < n) pending_[pending_n_++] = data[i++];
  if (pending_n_ == 4) {
    mix(le32(pending_));
    pending_n_ = 0;
  }
  for (; i + 4 <= n; i += 4) mix(le32(data + i));
  while (i < n) pending_[pending_n_++] = data[i++];
}

std::uint64_t Marvin32::finish() {
  std::uint32_t last = 0x80U << (8 * pending_n_);
  for (std::size_t i = 0; i < pending_n_; ++i)
    last |= static_cast<std::uint32_t>(pending_[i]) << (8 * i);
  pending_n_ = 0;
  mix(last);
  mix(0);
  return (static_cast<std::uint64_t>(hi_) << 32) | lo_;
}

std::uint64_t marvin32(const std::uint8_t* data, std::size_t n, std::uint64_t seed) {
  Marvin32 m(seed);
  m.update(data, n);
  return m.finish();
}

}  // namespace sqltriage::registry::replay
