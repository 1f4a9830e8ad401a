// A $DATA stream of a file inside an NTFS volume as a ByteSource: reads go through
// libfsntfs (which handles resident, compressed and sparse data) under the volume's lock.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "artifacts/ntfs/libfsntfs_handles.hpp"
#include "sqltriage/byte_source.hpp"

namespace sqltriage::ntfs {

class Volume;

class VolumeStream final : public ByteSource {
 public:
  /// Reads the unnamed $DATA of `entry` when `ads` is null, else the named stream `ads` of
  /// it. The caller holds volume->lock(). Throws ArtifactError naming `display` when libfsntfs
  /// cannot give the size or the extents.
  VolumeStream(std::shared_ptr<const Volume> volume, FileEntryHandle entry, DataStreamHandle ads,
               std::string display);
  ~VolumeStream() override;
  VolumeStream(const VolumeStream&) = delete;
  VolumeStream& operator=(const VolumeStream&) = delete;

  std::uint64_t size() const override { return size_; }
  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override;
  /// The stream's allocated extents in stream offsets, sparse extents left out; the whole
  /// stream for resident or compressed data.
  std::vector<ByteRange> data_ranges() const override { return ranges_; }

 private:
  std::shared_ptr<const Volume> volume_;
  FileEntryHandle entry_;
  DataStreamHandle ads_;
  std::string display_;
  std::uint64_t size_ = 0;
  std::vector<ByteRange> ranges_;
};

}  // namespace sqltriage::ntfs
