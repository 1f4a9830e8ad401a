// mft::EntrySource over the $MFT of an NTFS volume: records read through the $MFT's own
// $DATA (libfsntfs maps its runs), non-resident streams and attribute lists through
// libfsntfs.
#include <algorithm>

#include "artifacts/ntfs/entry_reader.hpp"
#include "artifacts/ntfs/libfsntfs_handles.hpp"
#include "artifacts/ntfs/volume.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/mft.hpp"

namespace sqltriage::mft {

namespace {

constexpr std::uint64_t kMftEntry = 0;
constexpr std::uint32_t kAttributeListType = 0x20;

using AttributeListEntryHandle = std::unique_ptr<
    libfsntfs_attribute_list_entry_t,
    ntfs::FsntfsFree<libfsntfs_attribute_list_entry_t, libfsntfs_attribute_list_entry_free>>;

// The file references a non-resident $ATTRIBUTE_LIST names, read by libfsntfs (which reads
// the list's clusters); std::nullopt with the reason on failure.
std::optional<std::vector<std::uint64_t>> list_references(const ntfs::Volume& volume,
                                                          std::uint64_t index, std::string& why) {
  auto lock = volume.lock();
  ntfs::FsntfsError err;
  libfsntfs_file_entry_t* raw = nullptr;
  if (libfsntfs_volume_get_file_entry_by_index(volume.handle(), index, &raw, err.out()) != 1) {
    why = "libfsntfs: " + err.root_cause();
    return std::nullopt;
  }
  ntfs::FileEntryHandle fe(raw);
  int count = 0;
  if (libfsntfs_file_entry_get_number_of_attributes(fe.get(), &count, err.out()) != 1) {
    why = "libfsntfs: " + err.root_cause();
    return std::nullopt;
  }
  for (int i = 0; i < count; ++i) {
    libfsntfs_attribute_t* raw_attr = nullptr;
    if (libfsntfs_file_entry_get_attribute_by_index(fe.get(), i, &raw_attr, err.out()) != 1)
      continue;
    ntfs::AttributeHandle attr(raw_attr);
    std::uint32_t type = 0;
    if (libfsntfs_attribute_get_type(attr.get(), &type, err.out()) != 1 ||
        type != kAttributeListType)
      continue;
    int entries = 0;
    if (libfsntfs_attribute_list_attribute_get_number_of_entries(attr.get(), &entries, err.out()) !=
        1) {
      why = "libfsntfs: " + err.root_cause();
      return std::nullopt;
    }
    std::vector<std::uint64_t> refs;
    for (int j = 0; j < entries; ++j) {
      libfsntfs_attribute_list_entry_t* raw_entry = nullptr;
      if (libfsntfs_attribute_list_attribute_get_entry_by_index(attr.get(), j, &raw_entry,
                                                                err.out()) != 1) {
        why = "libfsntfs: " + err.root_cause();
        return std::nullopt;
      }
      AttributeListEntryHandle entry(raw_entry);
      std::uint64_t ref = 0;
      if (libfsntfs_attribute_list_entry_get_file_reference(entry.get(), &ref, err.out()) == 1)
        refs.push_back(ref);
    }
    return refs;
  }
  why = "libfsntfs gives no $ATTRIBUTE_LIST attribute";
  return std::nullopt;
}

std::uint32_t mft_record_size(const ntfs::Volume& volume) {
  auto lock = volume.lock();
  ntfs::FsntfsError err;
  size32_t size = 0;
  if (libfsntfs_volume_get_mft_entry_size(volume.handle(), &size, err.out()) != 1)
    throw ArtifactError(volume.display(), "cannot read the MFT entry size: " + err.root_cause());
  if (size < 512 || size > 65536 || (size & (size - 1)) != 0)
    throw ArtifactError(volume.display(), "MFT entry size " + std::to_string(size) +
                                              " is not a power of two from 512 to 65536");
  return size;
}

class VolumeSource final : public EntrySource {
 public:
  VolumeSource(std::shared_ptr<ntfs::Volume> volume, std::shared_ptr<const ByteSource> mft,
               std::uint32_t record_size, std::string display)
      : volume_(std::move(volume)),
        reader_(std::move(mft), record_size, std::move(display),
                [v = volume_.get()](std::uint64_t index, std::string& why) {
                  return list_references(*v, index, why);
                }) {}

  const std::string& display() const override { return reader_.store().display(); }
  std::uint64_t size() const override { return reader_.store().count(); }
  bool read(std::uint64_t index, Entry& out) const override { return reader_.read(index, out); }

  std::optional<std::string> read_stream(std::uint64_t index, std::string_view name,
                                         std::size_t max_bytes) const override {
    try {
      auto found = reader_.find_stream(index, name, max_bytes);
      if (!found.found) return std::nullopt;
      if (found.resident) return std::move(found.bytes);
      auto stream = volume_->open_stream(
          index, found.name,
          volume_->display() + ": MFT entry " + std::to_string(index) + ":" + found.name);
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(stream->size(), max_bytes));
      std::string bytes(want, '\0');
      std::size_t got = 0;
      while (got < want) {
        const std::size_t n = stream->read_at(got, bytes.data() + got, want - got);
        if (n == 0) break;
        got += n;
      }
      bytes.resize(got);
      return bytes;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

  std::shared_ptr<ntfs::Volume> volume() const override { return volume_; }

 private:
  std::shared_ptr<ntfs::Volume> volume_;
  ntfs::EntryReader reader_;
};

}  // namespace

std::unique_ptr<EntrySource> EntrySource::from_volume(std::shared_ptr<ntfs::Volume> volume) {
  const std::uint32_t record_size = mft_record_size(*volume);
  std::string display = volume->display() + ": \\$MFT";
  auto mft = volume->open_stream(kMftEntry, "", display);
  return std::make_unique<VolumeSource>(std::move(volume), std::move(mft), record_size,
                                        std::move(display));
}

}  // namespace sqltriage::mft
