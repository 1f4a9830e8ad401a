// Presenting a run of an EVTX file's chunks as an EVTX file of its own, so that several
// threads read one big log in parallel and libevtx's per-file index (which grows with the
// number of records) stays the size of a window.
//
// Format knowledge (libevtx's "Windows XML Event Log (EVTX)" format document): a 4096-byte
// file header ("ElfFile\0"; first chunk number u64 at 8, last chunk number u64 at 16,
// header block size u16 at 40, number of chunks u16 at 42, CRC32 of bytes 0-119 at 124)
// followed by 65536-byte chunks that are self-contained (their own string and template
// tables, offsets relative to the chunk).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::evtx {

inline constexpr std::uint64_t kFileHeaderSize = 4096;
inline constexpr std::uint64_t kChunkSize = 65536;

struct FileLayout {
  std::vector<std::uint8_t> header;  ///< the file header's 4096 bytes
  std::uint64_t header_chunks = 0;   ///< number of chunks the header declares
  std::uint64_t file_chunks = 0;     ///< chunks the file's size holds (a partial one counts)
};

/// Reads the file header. std::nullopt when the source is shorter than a header or lacks
/// the signature (the Reader then reports what it is).
std::optional<FileLayout> read_layout(const ByteSource& src);

/// Chunks [first, last) of `src` behind a copy of its header that declares the chunks of the
/// window that the original header declared; chunks past the original declaration stay
/// undeclared, as they are in the whole file. Reads nothing but the header until libevtx asks.
std::shared_ptr<const ByteSource> chunk_window(std::shared_ptr<const ByteSource> src,
                                               const FileLayout& layout, std::uint64_t first,
                                               std::uint64_t last);

}  // namespace sqltriage::evtx
