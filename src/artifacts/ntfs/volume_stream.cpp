#include "artifacts/ntfs/volume_stream.hpp"

#include <algorithm>
#include <cerrno>
#include <limits>
#include <system_error>

#include "artifacts/ntfs/volume.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::ntfs {

namespace {

// libfsntfs reads at most this much per call (its sizes are ssize_t).
constexpr std::size_t kMaxReadPerCall = std::size_t{1} << 30;

struct Extent {
  std::uint64_t size = 0;
  std::uint32_t flags = 0;
};

}  // namespace

VolumeStream::VolumeStream(std::shared_ptr<const Volume> volume, FileEntryHandle entry,
                           DataStreamHandle ads, std::string display)
    : volume_(std::move(volume)),
      entry_(std::move(entry)),
      ads_(std::move(ads)),
      display_(std::move(display)) {
  FsntfsError err;
  size64_t size = 0;
  int count = 0;
  const bool ok =
      ads_ ? libfsntfs_data_stream_get_size(ads_.get(), &size, err.out()) == 1 &&
                 libfsntfs_data_stream_get_number_of_extents(ads_.get(), &count, err.out()) == 1
           : libfsntfs_file_entry_get_size(entry_.get(), &size, err.out()) == 1 &&
                 libfsntfs_file_entry_get_number_of_extents(entry_.get(), &count, err.out()) == 1;
  if (!ok)
    throw ArtifactError(display_,
                        "cannot read the stream's size or data runs: " + fsntfs_cause(err));
  size_ = size;
  std::vector<Extent> extents;
  bool compressed = false;
  for (int i = 0; i < count; ++i) {
    off64_t where = 0;
    size64_t length = 0;
    std::uint32_t flags = 0;
    const int r = ads_ ? libfsntfs_data_stream_get_extent_by_index(ads_.get(), i, &where, &length,
                                                                   &flags, err.out())
                       : libfsntfs_file_entry_get_extent_by_index(entry_.get(), i, &where, &length,
                                                                  &flags, err.out());
    if (r != 1)
      throw ArtifactError(display_,
                          "cannot read data run " + std::to_string(i) + ": " + fsntfs_cause(err));
    compressed = compressed || (flags & LIBFSNTFS_EXTENT_FLAG_IS_COMPRESSED) != 0;
    extents.push_back({length, flags});
  }
  // Resident data has no extents; compressed units mix stored and sparse clusters in a way
  // the extent list does not map to stream offsets: report the whole stream as data.
  if (extents.empty() || compressed) {
    if (size_ > 0) ranges_.push_back({0, size_});
    return;
  }
  std::uint64_t at = 0;
  for (const auto& e : extents) {
    if (at >= size_) break;
    const std::uint64_t len = std::min<std::uint64_t>(e.size, size_ - at);
    if ((e.flags & LIBFSNTFS_EXTENT_FLAG_IS_SPARSE) == 0 && len > 0) {
      if (!ranges_.empty() && ranges_.back().offset + ranges_.back().length == at)
        ranges_.back().length += len;
      else
        ranges_.push_back({at, len});
    }
    at += e.size;
  }
  // Bytes past the last run (runs shorter than the declared size) read as libfsntfs gives them.
  if (at < size_) ranges_.push_back({at, size_ - at});
}

VolumeStream::~VolumeStream() {
  auto held = volume_->lock();
  ads_.reset();
  entry_.reset();
}

std::size_t VolumeStream::read_at(std::uint64_t offset, void* buf, std::size_t n) const {
  if (offset >= size_ || n == 0) return 0;
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
  auto* out = static_cast<std::uint8_t*>(buf);
  std::size_t done = 0;
  auto held = volume_->lock();
  FsntfsError err;
  while (done < n) {
    const std::size_t want = std::min(n - done, kMaxReadPerCall);
    const auto at = static_cast<off64_t>(offset + done);
    const ssize_t r = ads_ ? libfsntfs_data_stream_read_buffer_at_offset(ads_.get(), out + done,
                                                                         want, at, err.out())
                           : libfsntfs_file_entry_read_buffer_at_offset(entry_.get(), out + done,
                                                                        want, at, err.out());
    if (r < 0)
      throw std::system_error(EIO, std::generic_category(),
                              display_ + ": cannot read at stream offset " +
                                  std::to_string(offset + done) + ": " + fsntfs_cause(err));
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  return done;
}

}  // namespace sqltriage::ntfs
