// Names of the flag words of USN records: USN_REASON_* and USN_SOURCE_* (winioctl.h),
// FILE_ATTRIBUTE_* (winnt.h), and the two NTFS-only attribute bits of $STANDARD_INFORMATION
// and $FILE_NAME.
#include <array>
#include <cstdio>
#include <string_view>

#include "sqltriage/usn.hpp"

namespace sqltriage::usn {

namespace {

struct Flag {
  std::uint32_t bit;
  std::string_view name;
};

constexpr std::array kReasons = {
    Flag{0x00000001, "USN_REASON_DATA_OVERWRITE"},
    Flag{0x00000002, "USN_REASON_DATA_EXTEND"},
    Flag{0x00000004, "USN_REASON_DATA_TRUNCATION"},
    Flag{0x00000010, "USN_REASON_NAMED_DATA_OVERWRITE"},
    Flag{0x00000020, "USN_REASON_NAMED_DATA_EXTEND"},
    Flag{0x00000040, "USN_REASON_NAMED_DATA_TRUNCATION"},
    Flag{0x00000100, "USN_REASON_FILE_CREATE"},
    Flag{0x00000200, "USN_REASON_FILE_DELETE"},
    Flag{0x00000400, "USN_REASON_EA_CHANGE"},
    Flag{0x00000800, "USN_REASON_SECURITY_CHANGE"},
    Flag{0x00001000, "USN_REASON_RENAME_OLD_NAME"},
    Flag{0x00002000, "USN_REASON_RENAME_NEW_NAME"},
    Flag{0x00004000, "USN_REASON_INDEXABLE_CHANGE"},
    Flag{0x00008000, "USN_REASON_BASIC_INFO_CHANGE"},
    Flag{0x00010000, "USN_REASON_HARD_LINK_CHANGE"},
    Flag{0x00020000, "USN_REASON_COMPRESSION_CHANGE"},
    Flag{0x00040000, "USN_REASON_ENCRYPTION_CHANGE"},
    Flag{0x00080000, "USN_REASON_OBJECT_ID_CHANGE"},
    Flag{0x00100000, "USN_REASON_REPARSE_POINT_CHANGE"},
    Flag{0x00200000, "USN_REASON_STREAM_CHANGE"},
    Flag{0x00400000, "USN_REASON_TRANSACTED_CHANGE"},
    Flag{0x00800000, "USN_REASON_INTEGRITY_CHANGE"},
    Flag{0x01000000, "USN_REASON_DESIRED_STORAGE_CLASS_CHANGE"},
    Flag{0x80000000, "USN_REASON_CLOSE"},
};

constexpr std::array kSources = {
    Flag{0x00000001, "USN_SOURCE_DATA_MANAGEMENT"},
    Flag{0x00000002, "USN_SOURCE_AUXILIARY_DATA"},
    Flag{0x00000004, "USN_SOURCE_REPLICATION_MANAGEMENT"},
    Flag{0x00000008, "USN_SOURCE_CLIENT_REPLICATION_MANAGEMENT"},
};

// FILE_ATTRIBUTE_* without the prefix. Bits 0x00000008 (the old DOS volume label) and
// 0x10000000 have no FILE_ATTRIBUTE_ constant.
constexpr std::array kAttributes = {
    Flag{0x00000001, "READONLY"},
    Flag{0x00000002, "HIDDEN"},
    Flag{0x00000004, "SYSTEM"},
    Flag{0x00000010, "DIRECTORY"},
    Flag{0x00000020, "ARCHIVE"},
    Flag{0x00000040, "DEVICE"},
    Flag{0x00000080, "NORMAL"},
    Flag{0x00000100, "TEMPORARY"},
    Flag{0x00000200, "SPARSE_FILE"},
    Flag{0x00000400, "REPARSE_POINT"},
    Flag{0x00000800, "COMPRESSED"},
    Flag{0x00001000, "OFFLINE"},
    Flag{0x00002000, "NOT_CONTENT_INDEXED"},
    Flag{0x00004000, "ENCRYPTED"},
    Flag{0x00008000, "INTEGRITY_STREAM"},
    Flag{0x00010000, "VIRTUAL"},
    Flag{0x00020000, "NO_SCRUB_DATA"},
    Flag{0x00040000, "RECALL_ON_OPEN"},
    Flag{0x00080000, "PINNED"},
    Flag{0x00100000, "UNPINNED"},
    Flag{0x00400000, "RECALL_ON_DATA_ACCESS"},
    Flag{0x20000000, "STRICTLY_SEQUENTIAL"},
};

// On disk, NTFS marks entries that hold indexes with these bits instead.
constexpr std::uint32_t kI30IndexPresent = 0x10000000;
constexpr std::uint32_t kViewIndexPresent = 0x20000000;

std::string hex_bit(std::uint32_t bit) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", bit);
  return buf;
}

template <std::size_t N>
std::string_view name_of(const std::array<Flag, N>& table, std::uint32_t bit) {
  for (const auto& f : table)
    if (f.bit == bit) return f.name;
  return {};
}

template <typename Namer>
std::vector<std::string> names(std::uint32_t value, Namer namer) {
  std::vector<std::string> out;
  for (int i = 0; i < 32; ++i) {
    const std::uint32_t bit = std::uint32_t{1} << i;
    if ((value & bit) == 0) continue;
    const std::string_view name = namer(bit);
    out.push_back(name.empty() ? hex_bit(bit) : std::string(name));
  }
  return out;
}

}  // namespace

std::vector<std::string> reason_names(std::uint32_t reason) {
  return names(reason, [](std::uint32_t bit) { return name_of(kReasons, bit); });
}

std::vector<std::string> source_info_names(std::uint32_t source_info) {
  return names(source_info, [](std::uint32_t bit) { return name_of(kSources, bit); });
}

std::vector<std::string> file_attribute_names(std::uint32_t attributes) {
  return names(attributes, [](std::uint32_t bit) { return name_of(kAttributes, bit); });
}

std::vector<std::string> ntfs_file_attribute_names(std::uint32_t attributes) {
  return names(attributes, [](std::uint32_t bit) -> std::string_view {
    if (bit == kI30IndexPresent) return "I30_INDEX_PRESENT";
    if (bit == kViewIndexPresent) return "VIEW_INDEX_PRESENT";
    return name_of(kAttributes, bit);
  });
}

}  // namespace sqltriage::usn
