#include "artifacts/registry/replay/base_block.hpp"

#include <algorithm>

#include "core/little_endian.hpp"

namespace sqltriage::registry::replay {

std::uint32_t base_block_checksum(const std::uint8_t* block) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < kChecksumOffset; i += 4) sum ^= le32(block + i);
  if (sum == 0) return 1;
  if (sum == 0xFFFFFFFFU) return 0xFFFFFFFEU;
  return sum;
}

BaseBlock parse_base_block(const std::uint8_t* data, std::size_t n) {
  BaseBlock b;
  b.bytes.assign(kBaseBlockSize, 0);
  std::copy_n(data, std::min(n, kBaseBlockSize), b.bytes.begin());
  const std::uint8_t* p = b.bytes.data();
  b.signature_ok = p[0] == 'r' && p[1] == 'e' && p[2] == 'g' && p[3] == 'f';
  b.primary_sequence = le32(p + 4);
  b.secondary_sequence = le32(p + 8);
  b.last_written = le64(p + 12);
  b.file_type = le32(p + 28);
  b.root_cell = le32(p + 36);
  b.hive_bins_data_size = le32(p + 40);
  b.clustering_factor = le32(p + 44);
  b.flags = le32(p + 144);
  b.stored_checksum = le32(p + kChecksumOffset);
  b.computed_checksum = base_block_checksum(p);
  return b;
}

void rewrite_base_block(std::vector<std::uint8_t>& block, std::uint32_t sequence,
                        std::uint32_t hive_bins_data_size, std::uint32_t root_cell,
                        std::uint32_t flags) {
  block.resize(kBaseBlockSize, 0);
  std::uint8_t* p = block.data();
  put_le32(p + 4, sequence);
  put_le32(p + 8, sequence);
  put_le32(p + 28, kFileTypePrimary);
  put_le32(p + 36, root_cell);
  put_le32(p + 40, hive_bins_data_size);
  put_le32(p + 144, (le32(p + 144) & ~1U) | (flags & 1U));
  put_le32(p + kChecksumOffset, base_block_checksum(p));
}

}  // namespace sqltriage::registry::replay
