// Read-only random access to the bytes of an artifact, wherever they live: a host file
// today, a file inside a disk image later. Every reader takes its bytes through this, so the
// evidence is never written and never copied out.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sqltriage {

/// A run of bytes: [offset, offset + length).
struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Size in bytes.
  virtual std::uint64_t size() const = 0;
  /// Reads up to `n` bytes at `offset` into `buf`; returns the count read (0 at or past the
  /// end). Thread-safe: no shared file position. Throws std::system_error on an I/O error.
  virtual std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const = 0;
  /// The ranges that may hold data, in order; holes between them read as zeros (sparse
  /// runs of an NTFS stream, holes of a sparse host file). Readers of mostly-empty
  /// artifacts ($UsnJrnl:$J) skip the holes without reading them. Default: everything.
  virtual std::vector<ByteRange> data_ranges() const { return {ByteRange{0, size()}}; }
};

/// Reads up to `n` bytes at `offset` into `buf`, calling read_at() until `n` bytes are read or
/// it returns 0 (the end); returns the count read. Throws what read_at() throws.
std::size_t read_fully(const ByteSource& source, std::uint64_t offset, void* buf, std::size_t n);

/// A host file or block device opened read-only (O_RDONLY; nothing is ever written).
/// data_ranges() reports the file's holes (SEEK_DATA/SEEK_HOLE). Throws
/// std::system_error when it cannot be opened, naming the path.
std::shared_ptr<const ByteSource> open_host_file(const std::filesystem::path& path);

/// Bytes made of pieces laid end to end: owned buffers and ranges of other sources.
/// Used to present part of an artifact as a whole one (a window of EVTX chunks behind a
/// patched file header) without copying the artifact.
class SplicedSource final : public ByteSource {
 public:
  void append(std::vector<std::uint8_t> bytes);
  void append(std::shared_ptr<const ByteSource> source, std::uint64_t offset, std::uint64_t length);
  std::uint64_t size() const override { return size_; }
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override;

 private:
  struct Piece {
    std::uint64_t start = 0;  // offset of the piece in this source
    std::uint64_t length = 0;
    std::vector<std::uint8_t> bytes;           // when owned
    std::shared_ptr<const ByteSource> source;  // when a range of another source
    std::uint64_t source_offset = 0;
  };
  std::vector<Piece> pieces_;
  std::uint64_t size_ = 0;
};

}  // namespace sqltriage
