#include "artifacts/usn/record_layout.hpp"

#include <cstdio>

#include "sqltriage/utf16.hpp"

namespace sqltriage::usn::detail {

namespace {

// Offsets of the fields, per version (winioctl.h).
constexpr std::size_t kV2NameLength = 56;  // FileNameLength (WORD), then FileNameOffset
constexpr std::size_t kV3NameLength = 72;  // the same in USN_RECORD_V3
constexpr std::size_t kV4Remaining = 56;   // RemainingExtents (DWORD)
constexpr std::size_t kV4Count = 60;       // NumberOfExtents (WORD), then ExtentSize (WORD)
constexpr std::size_t kExtentBytes = 16;   // USN_RECORD_EXTENT: Offset, Length (LONGLONG)

std::uint16_t u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint32_t u32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
         (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
std::uint64_t u64(const std::uint8_t* p) {
  return static_cast<std::uint64_t>(u32(p)) | (static_cast<std::uint64_t>(u32(p + 4)) << 32);
}

std::string hex128(std::uint64_t high, std::uint64_t low) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(high),
                static_cast<unsigned long long>(low));
  return buf;
}

}  // namespace

std::size_t header_size(std::uint16_t major_version) {
  switch (major_version) {
    case 2:
      return 60;
    case 3:
      return 76;
    case 4:
      return 64;
    default:
      return 0;
  }
}

Problem check(const std::uint8_t* head, std::size_t head_len, std::uint64_t left) {
  using K = Problem::Kind;
  if (head_len < 8) return {K::header_crosses_end, left};
  const std::uint32_t length = u32(head);
  const std::uint16_t major = u16(head + 4);
  if (length == 0) return {K::zero_length};
  const std::size_t header = header_size(major);
  if (header == 0) return {K::unknown_version, major};
  if (length % 8 != 0) return {K::length_not_aligned, length};
  if (length < header) return {K::shorter_than_header, length, major, header};
  if (length > kMaxRecordLength) return {K::too_long, length};
  if (length > left) return {K::crosses_end, length, left};
  // From here head_len >= header: head_len = min(kProbeBytes, left) and left >= length.
  if (major == 4) {
    const std::uint16_t count = u16(head + kV4Count);
    const std::uint16_t extent_size = u16(head + kV4Count + 2);
    if (count > 0 && extent_size < kExtentBytes) return {K::extent_size_too_small, extent_size};
    if (header + std::uint64_t{count} * extent_size > length)
      return {K::extents_outside, count, extent_size, length};
    return {};
  }
  const std::size_t at = major == 2 ? kV2NameLength : kV3NameLength;
  const std::uint16_t name_length = u16(head + at);
  const std::uint16_t name_offset = u16(head + at + 2);
  if (name_offset < header) return {K::name_overlaps_header, name_offset, header};
  if (std::uint64_t{name_offset} + name_length > length)
    return {K::name_outside, name_offset, name_length, length};
  if (name_length % 2 != 0) return {K::odd_name_length, name_length};
  return {};
}

std::string describe(const Problem& p) {
  using K = Problem::Kind;
  const auto n = [](std::uint64_t v) { return std::to_string(v); };
  switch (p.kind) {
    case K::none:
      return "no problem";
    case K::header_crosses_end:
      return "a record header crosses the end of the stream (" + n(p.a) + " bytes left)";
    case K::zero_length:
      return "record length 0";
    case K::unknown_version:
      return "unknown major version " + n(p.a);
    case K::length_not_aligned:
      return "record length " + n(p.a) + " is not a multiple of 8";
    case K::shorter_than_header:
      return "record length " + n(p.a) + " is shorter than the version " + n(p.b) + " header (" +
             n(p.c) + " bytes)";
    case K::too_long:
      return "record length " + n(p.a) + " exceeds the largest accepted (" + n(kMaxRecordLength) +
             " bytes)";
    case K::crosses_end:
      return "record length " + n(p.a) + " crosses the end of the stream (" + n(p.b) +
             " bytes left)";
    case K::extent_size_too_small:
      return "extent size " + n(p.a) + " is below " + n(kExtentBytes);
    case K::extents_outside:
      return n(p.a) + " extents of " + n(p.b) + " bytes do not fit in the record (" + n(p.c) +
             " bytes)";
    case K::name_overlaps_header:
      return "file name offset " + n(p.a) + " overlaps the header (" + n(p.b) + " bytes)";
    case K::name_outside:
      return "file name (offset " + n(p.a) + ", " + n(p.b) + " bytes) lies outside the record (" +
             n(p.c) + " bytes)";
    case K::odd_name_length:
      return "odd file name length " + n(p.a);
  }
  return "unknown problem";
}

bool plausible(const std::uint8_t* head, std::size_t head_len, std::uint64_t left) {
  if (check(head, head_len, left)) return false;
  const std::uint32_t length = u32(head);
  const std::uint16_t major = u16(head + 4);
  const std::size_t header = header_size(major);
  if (major == 4) {
    const std::uint16_t count = u16(head + kV4Count);
    return count > 0 && u16(head + kV4Count + 2) == kExtentBytes &&
           length == header + std::uint64_t{count} * kExtentBytes;
  }
  const std::size_t at = major == 2 ? kV2NameLength : kV3NameLength;
  const std::uint16_t name_length = u16(head + at);
  const std::uint16_t name_offset = u16(head + at + 2);
  return name_length > 0 && name_offset == header && length == ((header + name_length + 7) & ~7u);
}

void decode(const std::uint8_t* rec, std::uint64_t offset, Record& out) {
  out.offset = offset;
  out.record_length = u32(rec);
  out.major_version = u16(rec + 4);
  out.minor_version = u16(rec + 6);
  out.file_id128.clear();
  out.parent_file_id128.clear();
  out.extents.clear();
  out.remaining_extents = 0;
  out.file_name.clear();
  out.timestamp = 0;
  out.security_id = 0;
  out.file_attributes = 0;
  std::size_t fields = 0;  // offset of Usn
  if (out.major_version == 2) {
    out.file_reference = u64(rec + 8);
    out.parent_file_reference = u64(rec + 16);
    fields = 24;
  } else {
    out.file_reference = u64(rec + 8);
    out.parent_file_reference = u64(rec + 24);
    if (const std::uint64_t high = u64(rec + 16); high != 0)
      out.file_id128 = hex128(high, out.file_reference);
    if (const std::uint64_t high = u64(rec + 32); high != 0)
      out.parent_file_id128 = hex128(high, out.parent_file_reference);
    fields = 40;
  }
  out.usn = static_cast<std::int64_t>(u64(rec + fields));
  if (out.major_version == 4) {
    out.reason = u32(rec + fields + 8);
    out.source_info = u32(rec + fields + 12);
    out.remaining_extents = u32(rec + kV4Remaining);
    const std::uint16_t count = u16(rec + kV4Count);
    const std::uint16_t extent_size = u16(rec + kV4Count + 2);
    out.extents.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint8_t* e = rec + header_size(4) + i * extent_size;
      out.extents.push_back(
          Extent{static_cast<std::int64_t>(u64(e)), static_cast<std::int64_t>(u64(e + 8))});
    }
    return;
  }
  out.timestamp = u64(rec + fields + 8);
  out.reason = u32(rec + fields + 16);
  out.source_info = u32(rec + fields + 20);
  out.security_id = u32(rec + fields + 24);
  out.file_attributes = u32(rec + fields + 28);
  const std::uint16_t name_length = u16(rec + fields + 32);
  const std::uint16_t name_offset = u16(rec + fields + 34);
  out.file_name = utf16le_to_wtf8(rec + name_offset, name_length / 2);
}

}  // namespace sqltriage::usn::detail
