#include "artifacts/evtx/chunk_check.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

#include "core/little_endian.hpp"

namespace sqltriage::evtx {

namespace {

constexpr std::size_t kChunkHeaderSize = 512;

std::string hex32(std::uint32_t v) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "0x%08x", v);
  return buf.data();
}

}  // namespace

ChunkReport check_chunks(const ByteSource& src, const FileLayout& layout, std::uint64_t first,
                         std::uint64_t last, bool whole_file) {
  ChunkReport report;
  std::vector<ChunkProblem>& out = report.problems;
  if (whole_file && layout.header_chunks > layout.file_chunks) {
    out.push_back({"truncated", kFileHeaderSize + layout.file_chunks * kChunkSize,
                   "the file header declares " + std::to_string(layout.header_chunks) +
                       " chunks but the file holds " + std::to_string(layout.file_chunks) +
                       ": it was cut short, the records of the missing chunks are lost"});
  }
  std::vector<std::uint8_t> chunk(kChunkSize);
  const std::uint64_t end = std::min(last, layout.file_chunks);
  for (std::uint64_t i = first; i < end; ++i) {
    const std::uint64_t at = kFileHeaderSize + i * kChunkSize;
    const std::size_t n = src.read_at(at, chunk.data(), kChunkSize);
    const std::string name = "chunk " + std::to_string(i);
    const bool signed_chunk = n >= 8 && std::memcmp(chunk.data(), "ElfChnk\0", 8) == 0;
    // A log's header is rewritten only now and then, so chunks past its declared count are
    // normal in a live log: libevtx reads those that carry a signature, and space without
    // one is unused (preallocated or left over), not damage.
    const bool declared = i < layout.header_chunks;
    if (!declared && !signed_chunk) continue;
    if (n < kChunkSize) {
      out.push_back(
          {"truncated", at,
           name + " is cut short (" + std::to_string(n) +
               " of 65536 bytes): the file ends inside it; records past the cut are lost"});
      continue;
    }
    if (!signed_chunk) {
      const bool zeroed = std::all_of(chunk.begin(), chunk.begin() + kChunkHeaderSize,
                                      [](std::uint8_t b) { return b == 0; });
      out.push_back({"corrupt_chunk", at,
                     name + (zeroed ? " has a zeroed header" : " has no ElfChnk signature") +
                         ": libevtx does not read its records (--recover may find some)"});
      continue;
    }
    const std::uint64_t first_number = le64(chunk.data() + 8);
    const std::uint64_t last_number = le64(chunk.data() + 16);
    // A record takes at least 24 bytes of a chunk's 65024 record bytes. A chunk whose free
    // space starts right after its 512-byte header holds none, whatever its numbers say (a
    // fresh log's empty chunk).
    const std::uint32_t free_space = le32(chunk.data() + 0x30);
    if (free_space > kChunkHeaderSize && last_number >= first_number &&
        last_number - first_number < 65024 / 24)
      report.declared_records += last_number - first_number + 1;
    const std::uint32_t stored_header = le32(chunk.data() + 124);
    uLong header_crc = ::crc32(0L, chunk.data(), 120);
    header_crc = ::crc32(header_crc, chunk.data() + 128, kChunkHeaderSize - 128);
    if (stored_header != static_cast<std::uint32_t>(header_crc)) {
      out.push_back({"corrupt_chunk", at,
                     name + " header checksum mismatch (stored " + hex32(stored_header) +
                         ", computed " + hex32(static_cast<std::uint32_t>(header_crc)) +
                         "): the chunk header was altered or damaged after it was written"});
    }
    const std::uint32_t free_offset = le32(chunk.data() + 48);
    if (free_offset < kChunkHeaderSize || free_offset > kChunkSize) {
      out.push_back(
          {"corrupt_chunk", at,
           name + " free space offset " + std::to_string(free_offset) + " lies outside the chunk"});
      continue;
    }
    const std::uint32_t stored_records = le32(chunk.data() + 52);
    const auto records_crc = static_cast<std::uint32_t>(
        ::crc32(0L, chunk.data() + kChunkHeaderSize, free_offset - kChunkHeaderSize));
    if (stored_records != records_crc) {
      out.push_back({"corrupt_chunk", at,
                     name + " event records checksum mismatch (stored " + hex32(stored_records) +
                         ", computed " + hex32(records_crc) +
                         "): records were altered or damaged after they were written"});
    }
  }
  return report;
}

}  // namespace sqltriage::evtx
