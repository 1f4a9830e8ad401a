#include "artifacts/evtx/chunk_window.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace sqltriage::evtx {

namespace {

std::uint64_t get_le(const std::vector<std::uint8_t>& b, std::size_t at, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(b[at + i]) << (8 * i);
  return v;
}

void put_le(std::vector<std::uint8_t>& b, std::size_t at, std::size_t width, std::uint64_t v) {
  for (std::size_t i = 0; i < width; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

std::optional<FileLayout> read_layout(const ByteSource& src) {
  FileLayout layout;
  layout.header.resize(kFileHeaderSize);
  if (src.read_at(0, layout.header.data(), kFileHeaderSize) != kFileHeaderSize) return std::nullopt;
  if (std::memcmp(layout.header.data(), "ElfFile\0", 8) != 0) return std::nullopt;
  layout.header_chunks = get_le(layout.header, 42, 2);
  const std::uint64_t body = src.size() - kFileHeaderSize;
  layout.file_chunks = (body + kChunkSize - 1) / kChunkSize;
  return layout;
}

std::shared_ptr<const ByteSource> chunk_window(std::shared_ptr<const ByteSource> src,
                                               const FileLayout& layout, std::uint64_t first,
                                               std::uint64_t last) {
  std::vector<std::uint8_t> header = layout.header;
  const std::uint64_t declared_end = std::min(last, layout.header_chunks);
  const std::uint64_t declared = declared_end > first ? declared_end - first : 0;
  put_le(header, 8, 8, 0);                                 // first chunk number
  put_le(header, 16, 8, declared > 0 ? declared - 1 : 0);  // last chunk number
  put_le(header, 42, 2, declared);                         // number of chunks
  const auto crc = ::crc32(0L, header.data(), 120);
  put_le(header, 124, 4, crc);

  const std::uint64_t begin = kFileHeaderSize + first * kChunkSize;
  const std::uint64_t end = std::min(src->size(), kFileHeaderSize + last * kChunkSize);
  auto window = std::make_shared<SplicedSource>();
  window->append(std::move(header));
  if (end > begin) window->append(std::move(src), begin, end - begin);
  return window;
}

}  // namespace sqltriage::evtx
