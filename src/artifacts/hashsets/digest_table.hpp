// The in-memory index of a list or CSV set: binary digests, sorted, each with the byte
// offset of the line or record it came from (the entry is read back from the file on a
// hit, so memory holds only digest + offset: 24 bytes an MD5, 32 a SHA-1, 40 a SHA-256).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "artifacts/hashsets/digest.hpp"

namespace sqltriage::hashsets::detail {

class DigestTable {
 public:
  /// Records a digest found at byte offset `where` of the set's file.
  void add(Algorithm a, const DigestBytes& digest, std::uint64_t where);
  /// Sorts; call once after the last add(), before find().
  void finish();
  /// The offset of the first (lowest-offset) entry with this digest. Thread-safe after finish().
  std::optional<std::uint64_t> find(Algorithm a, const DigestBytes& digest) const;
  std::size_t size() const;
  /// Bytes held by the table's vectors.
  std::size_t memory_bytes() const;

 private:
  template <std::size_t N>
  struct Row {
    std::array<std::uint8_t, N> digest;
    std::uint64_t where;
  };
  std::vector<Row<16>> md5_;
  std::vector<Row<20>> sha1_;
  std::vector<Row<32>> sha256_;
};

}  // namespace sqltriage::hashsets::detail
