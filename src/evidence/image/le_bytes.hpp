// Little-endian integers from on-disk bytes (partition tables and boot sectors).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sqltriage::evidence::image {

/// The `width`-byte little-endian unsigned integer at `p` (width <= 8).
inline std::uint64_t le(const std::uint8_t* p, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = width; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

}  // namespace sqltriage::evidence::image
