#include "evidence/image/volume_locator.hpp"

#include <cstdio>

#include "evidence/image/ntfs_boot_sector.hpp"
#include "evidence/image/partition_table.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::evidence::image {

namespace {

ErrorEntry image_error(const std::string& image_name, std::uint64_t offset, std::string code,
                       std::string message) {
  ErrorEntry e;
  e.artifact.path = image_name;
  e.artifact.offset = offset;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

std::string partition_layout(const PartitionTable& table, const Partition& p) {
  return std::string(to_string(table.scheme.value_or(Scheme::mbr))) + " partition " +
         std::to_string(p.number) + " at offset " + std::to_string(p.offset) + " (NTFS, " +
         format_size(p.length) + ")";
}

// The volume's bytes: `length` bytes of the image from `offset`, cut at the image's end.
std::shared_ptr<const ByteSource> volume_bytes(const std::shared_ptr<const ByteSource>& image,
                                               std::uint64_t offset, std::uint64_t length) {
  const std::uint64_t available = image->size() > offset ? image->size() - offset : 0;
  auto spliced = std::make_shared<SplicedSource>();
  spliced->append(image, offset, std::min(length, available));
  return spliced;
}

// Opens the volume at `offset` and notes when the image ends before the volume does.
LocatedVolume open_at(const std::shared_ptr<const ByteSource>& image, const std::string& image_name,
                      std::uint64_t offset, std::uint64_t length, std::string layout) {
  LocatedVolume out;
  out.layout = std::move(layout);
  if (auto boot = read_ntfs_boot_sector(*image, offset)) {
    const std::uint64_t available = image->size() - offset;
    if (available < boot->volume_bytes())
      out.errors.push_back(image_error(
          image_name, image->size(), "truncated",
          "the NTFS volume at byte offset " + std::to_string(offset) + " declares " +
              std::to_string(boot->volume_bytes()) + " bytes but the image holds only " +
              std::to_string(available) + " bytes from there (it ends at byte offset " +
              std::to_string(image->size()) +
              "): the image is truncated; files stored past its end cannot be read"));
  }
  try {
    out.volume =
        ntfs::Volume::open(volume_bytes(image, offset, length), image_name + ", " + out.layout);
  } catch (const ArtifactError& e) {
    // Offsets libfsntfs reports are the volume's; name them as the image's.
    throw ArtifactError(
        image_name, out.layout + ": " + e.detail(),
        e.offset() ? std::optional<std::uint64_t>(offset + *e.offset()) : std::nullopt);
  }
  return out;
}

// An ArtifactError of open_at as the text of an EvidenceError (which has no offset field).
std::string failure_text(const ArtifactError& e) {
  return e.detail() +
         (e.offset() ? " (at byte offset " + std::to_string(*e.offset()) + " of the image)" : "");
}

std::string problems_text(const PartitionTable& table) {
  std::string s;
  for (const auto& p : table.problems) s += "; " + p.message;
  return s;
}

std::string partitions_text(const PartitionTable& table) {
  std::string s;
  for (const auto& p : table.partitions)
    s += (s.empty() ? "" : ", ") + std::to_string(p.number) + " at offset " +
         std::to_string(p.offset);
  return s.empty() ? "none" : s;
}

std::vector<const Partition*> ntfs_partitions(const ByteSource& image,
                                              const PartitionTable& table) {
  std::vector<const Partition*> out;
  for (const auto& p : table.partitions)
    if (volume_signature(image, p.offset) == VolumeSignature::ntfs) out.push_back(&p);
  return out;
}

// The partition table, reading MBR LBAs in 4096-byte sectors when only that finds NTFS.
PartitionTable read_table(const ByteSource& image) {
  PartitionTable table = read_partition_table(image);
  if (table.scheme == Scheme::mbr && ntfs_partitions(image, table).empty()) {
    PartitionTable wide = read_mbr(image, 4096);
    if (!ntfs_partitions(image, wide).empty()) return wide;
  }
  return table;
}

std::optional<LocatedVolume> at_offset(const std::shared_ptr<const ByteSource>& image,
                                       const std::string& image_name, std::uint64_t offset,
                                       bool looks_like_disk) {
  const VolumeSignature sig = volume_signature(*image, offset);
  if (sig == VolumeSignature::ntfs)
    return open_at(image, image_name, offset, image->size() - offset,
                   "--offset " + std::to_string(offset));
  if (sig == VolumeSignature::bitlocker)
    throw EvidenceError(image_name, "the volume at byte offset " + std::to_string(offset) +
                                        " is BitLocker-encrypted (-FVE-FS-): not supported");
  if (!looks_like_disk) return std::nullopt;  // a loose artifact: --offset concerns images
  throw EvidenceError(image_name,
                      "no NTFS boot sector at byte offset " + std::to_string(offset) +
                          (offset >= image->size()
                               ? " (the image holds " + std::to_string(image->size()) + " bytes)"
                               : ""));
}

LocatedVolume chosen_partition(const std::shared_ptr<const ByteSource>& image,
                               const std::string& image_name, const PartitionTable& table,
                               unsigned number) {
  const Partition* p = nullptr;
  for (const auto& q : table.partitions)
    if (q.number == number) p = &q;
  const std::string scheme = to_string(*table.scheme);
  if (p == nullptr)
    throw EvidenceError(image_name, "no usable partition " + std::to_string(number) + " in the " +
                                        scheme + " partition table (partitions: " +
                                        partitions_text(table) + ")" + problems_text(table));
  const VolumeSignature sig = volume_signature(*image, p->offset);
  if (sig != VolumeSignature::ntfs)
    throw EvidenceError(image_name, scheme + " partition " + std::to_string(number) +
                                        " at byte offset " + std::to_string(p->offset) +
                                        (sig == VolumeSignature::bitlocker
                                             ? " is BitLocker-encrypted (-FVE-FS-): not supported"
                                             : " holds no NTFS file system"));
  LocatedVolume out;
  try {
    out = open_at(image, image_name, p->offset, p->length, partition_layout(table, *p));
  } catch (const ArtifactError& e) {
    throw EvidenceError(image_name, failure_text(e));
  }
  for (const auto& pr : table.problems)
    out.errors.push_back(
        image_error(image_name, pr.offset, pr.truncated ? "truncated" : "open_failed", pr.message));
  return out;
}

LocatedVolume automatic_partition(const std::shared_ptr<const ByteSource>& image,
                                  const std::string& image_name, const PartitionTable& table) {
  std::vector<ErrorEntry> errors;
  for (const auto& pr : table.problems)
    errors.push_back(
        image_error(image_name, pr.offset, pr.truncated ? "truncated" : "open_failed", pr.message));
  for (const auto& p : table.partitions)
    if (volume_signature(*image, p.offset) == VolumeSignature::bitlocker)
      errors.push_back(image_error(image_name, p.offset, "open_failed",
                                   std::string(to_string(*table.scheme)) + " partition " +
                                       std::to_string(p.number) + " at byte offset " +
                                       std::to_string(p.offset) +
                                       " is BitLocker-encrypted (-FVE-FS-): not read"));
  std::vector<LocatedVolume> opened;
  for (const Partition* p : ntfs_partitions(*image, table)) {
    try {
      opened.push_back(
          open_at(image, image_name, p->offset, p->length, partition_layout(table, *p)));
    } catch (const ArtifactError& e) {
      errors.push_back(
          image_error(image_name, e.offset().value_or(p->offset), "open_failed", failure_text(e)));
    }
  }
  if (opened.empty()) {
    std::string why;
    for (const auto& e : errors) why += "; " + e.message;
    throw EvidenceError(image_name, std::string(to_string(*table.scheme)) +
                                        " disk image without a readable NTFS partition "
                                        "(partitions: " +
                                        partitions_text(table) + ")" + why);
  }
  std::size_t pick = 0;
  if (opened.size() > 1) {
    for (std::size_t i = 0; i < opened.size(); ++i) {
      try {
        if (opened[i].volume->find("\\Windows")) {
          pick = i;
          break;
        }
      } catch (const ArtifactError&) {
        // An unreadable root is no Windows volume.
      }
    }
  }
  LocatedVolume out = std::move(opened[pick]);
  errors.insert(errors.end(), out.errors.begin(), out.errors.end());
  out.errors = std::move(errors);
  return out;
}

}  // namespace

std::string format_size(std::uint64_t bytes) {
  constexpr std::uint64_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;
  char buf[64];
  if (bytes >= kGiB && bytes % kGiB != 0)
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / kGiB);
  else if (bytes >= kGiB)
    std::snprintf(buf, sizeof buf, "%llu GiB", static_cast<unsigned long long>(bytes / kGiB));
  else if (bytes >= kMiB)
    std::snprintf(buf, sizeof buf, "%llu MiB", static_cast<unsigned long long>(bytes / kMiB));
  else if (bytes >= kKiB)
    std::snprintf(buf, sizeof buf, "%llu KiB", static_cast<unsigned long long>(bytes / kKiB));
  else
    std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
  return buf;
}

std::optional<LocatedVolume> locate_volume(const std::shared_ptr<const ByteSource>& image,
                                           const std::string& image_name,
                                           const EvidenceOptions& options, bool is_device) {
  const VolumeSignature at_zero = volume_signature(*image, 0);
  try {
    if (options.offset) {
      const bool looks_like_disk =
          is_device || at_zero != VolumeSignature::none || read_partition_table(*image).scheme;
      return at_offset(image, image_name, *options.offset, looks_like_disk);
    }
    if (at_zero == VolumeSignature::ntfs) {
      if (options.partition)
        throw EvidenceError(image_name,
                            "is an NTFS volume without a partition table: --partition does not "
                            "apply");
      return open_at(image, image_name, 0, image->size(), "NTFS volume at offset 0");
    }
    if (at_zero == VolumeSignature::bitlocker)
      throw EvidenceError(image_name,
                          "is a BitLocker-encrypted volume (-FVE-FS- at byte offset 3): not "
                          "supported; decrypt it first");
    const PartitionTable table = read_table(*image);
    if (!table.scheme) {
      if (is_device)
        throw EvidenceError(image_name,
                            "the device holds no NTFS volume and no MBR or GPT partition table");
      return std::nullopt;
    }
    if (options.partition) return chosen_partition(image, image_name, table, *options.partition);
    return automatic_partition(image, image_name, table);
  } catch (const ArtifactError& e) {
    throw EvidenceError(image_name, failure_text(e));
  }
}

}  // namespace sqltriage::evidence::image
