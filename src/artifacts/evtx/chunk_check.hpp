// Our own integrity check of an EVTX file's chunks, beside libevtx: libevtx skips a chunk
// it cannot use (a zeroed header, a bad checksum, a file cut short) and only says that the
// file "is corrupted"; this says which chunk, where, and what is wrong with it.
//
// Format knowledge (libevtx's "Windows XML Event Log (EVTX)" format document): a chunk is
// 65536 bytes: "ElfChnk\0"; free space offset u32 at 48; CRC32 of the event records (bytes
// 512 up to the free space offset) at 52; CRC32 of header bytes 0-119 and 128-511 at 124.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "artifacts/evtx/chunk_window.hpp"
#include "sqltriage/byte_source.hpp"

namespace sqltriage::evtx {

struct ChunkProblem {
  std::string code;      ///< "truncated" or "corrupt_chunk" (docs/findings.md)
  std::uint64_t offset;  ///< file offset of the chunk (or of the missing data)
  std::string message;
};

struct ChunkReport {
  std::vector<ChunkProblem> problems;
  /// Records the signed chunks' headers declare (last minus first event record number, plus
  /// one, for chunks whose numbers are plausible): what a reader should return from them.
  std::uint64_t declared_records = 0;
};

/// Checks chunks [first, last): those the header declares must be whole, signed and match
/// their checksums; past the declared count (normal in a live log, whose header lags) only
/// chunks that carry a signature are checked. With `whole_file`, also that the file holds
/// every chunk the header declares. Never throws for damage; I/O errors of the
/// source propagate.
ChunkReport check_chunks(const ByteSource& src, const FileLayout& layout, std::uint64_t first,
                         std::uint64_t last, bool whole_file);

}  // namespace sqltriage::evtx
