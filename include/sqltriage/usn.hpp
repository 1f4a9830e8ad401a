// Reading the NTFS USN change journal: the records of the $Extend\$UsnJrnl:$J stream.
//
// Format knowledge: Microsoft's winioctl.h structure documentation (USN_RECORD_V2,
// USN_RECORD_V3, USN_RECORD_V4, USN_RECORD_EXTENT, FILE_ID_128), the USN_REASON_* and
// USN_SOURCE_* constants (winioctl.h), the FILE_ATTRIBUTE_* constants (winnt.h) and, for the
// two bits NTFS itself sets in $STANDARD_INFORMATION and $FILE_NAME, the NTFS on-disk layout
// (ntfs-3g's layout.h names them).
//
// Layout of $J: records are laid end to end at 8-byte aligned offsets; a record's USN is its
// byte offset in the stream. Windows does not let a record cross a 4 KiB page: the rest of the
// page is zero-filled. The journal is trimmed from the front by turning its oldest part into a
// sparse run, so a $J is mostly holes (reported by ByteSource::data_ranges()) or, when a
// collector copied it without keeping it sparse, mostly zero bytes; both are skipped.
//
// Units: times are UTC FILETIMEs (100 ns since 1601-01-01); offsets and lengths are bytes.
// File references are the 64-bit values NTFS stores: MFT entry index in the low 48 bits,
// sequence number in the high 16 bits.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::usn {

/// One USN_RECORD_EXTENT of a version 4 record: a range of the file's data that changed.
struct Extent {
  std::int64_t offset = 0;  ///< Offset, bytes into the file's data
  std::int64_t length = 0;  ///< Length, bytes
};

/// One change journal record (USN_RECORD_V2, _V3 or _V4), as stored in $J.
struct Record {
  std::uint64_t offset = 0;         ///< byte offset of the record in the $J stream
  std::uint32_t record_length = 0;  ///< RecordLength, bytes (a multiple of 8)
  std::uint16_t major_version = 0;  ///< MajorVersion: 2, 3 or 4
  std::uint16_t minor_version = 0;  ///< MinorVersion
  /// FileReferenceNumber: MFT entry in the low 48 bits, sequence number in the high 16. For
  /// V3/V4 records (FILE_ID_128) the low 64 bits of the 128-bit id.
  std::uint64_t file_reference = 0;
  /// ParentFileReferenceNumber, same form as file_reference.
  std::uint64_t parent_file_reference = 0;
  /// V3/V4 only, and only when the high 64 bits of the 128-bit id are not zero (ReFS ids):
  /// the whole id as 32 lower-case hex digits, most significant first (fsutil's "File ID"
  /// form). Empty otherwise: the id is then file_reference.
  std::string file_id128;
  std::string parent_file_id128;  ///< the same for ParentFileReferenceNumber
  std::int64_t usn = 0;           ///< Usn: the record's own USN (its offset in $J when written)
  Filetime timestamp = 0;         ///< TimeStamp, UTC FILETIME (V2, V3); V4 has none: 0
  std::uint32_t reason = 0;       ///< Reason: USN_REASON_* flags (see reason_names)
  std::uint32_t source_info = 0;  ///< SourceInfo: USN_SOURCE_* flags (see source_info_names)
  std::uint32_t security_id = 0;  ///< SecurityId ($Secure id) (V2, V3); V4: 0
  /// FileAttributes: FILE_ATTRIBUTE_* flags (see file_attribute_names) (V2, V3); V4: 0.
  std::uint32_t file_attributes = 0;
  /// FileName, UTF-8; an unpaired UTF-16 surrogate is kept as its 3-byte WTF-8 form, so no
  /// name is lost or merged. V4 records have no name: empty.
  std::string file_name;
  /// V4 only: the changed ranges listed in this record (NumberOfExtents of them), and
  /// RemainingExtents, the number of extents that follow in further V4 records.
  std::vector<Extent> extents;
  std::uint32_t remaining_extents = 0;
};

/// Names of the USN_REASON_* flags set in `reason`, lowest bit first, with their Microsoft
/// constant names ("USN_REASON_FILE_CREATE", ..., "USN_REASON_CLOSE"); a bit without a name is
/// written as hex ("0x08000000"). Empty for 0.
std::vector<std::string> reason_names(std::uint32_t reason);

/// Names of the USN_SOURCE_* flags set in `source_info` ("USN_SOURCE_DATA_MANAGEMENT", ...),
/// lowest bit first; unknown bits as hex. Empty for 0.
std::vector<std::string> source_info_names(std::uint32_t source_info);

/// Names of the FILE_ATTRIBUTE_* flags set in a Win32 attribute mask (USN records), without
/// the prefix: "READONLY", "HIDDEN", "SYSTEM", "DIRECTORY", "ARCHIVE", ..., lowest bit first;
/// bits without a FILE_ATTRIBUTE_ constant as hex ("0x10000000"). 0x00040000 is
/// "RECALL_ON_OPEN" (winnt.h also calls it FILE_ATTRIBUTE_EA); 0x20000000 is
/// "STRICTLY_SEQUENTIAL".
std::vector<std::string> file_attribute_names(std::uint32_t attributes);

/// The same for the attribute flags NTFS stores in $STANDARD_INFORMATION and $FILE_NAME,
/// where bit 0x10000000 means "has a $I30 directory index" ("I30_INDEX_PRESENT": how
/// directories are marked there) and 0x20000000 "has a view index" ("VIEW_INDEX_PRESENT"),
/// the names ntfs-3g's layout.h gives them.
std::vector<std::string> ntfs_file_attribute_names(std::uint32_t attributes);

/// What a scan went through.
struct ScanStats {
  std::uint64_t records = 0;     ///< records passed to on_record
  std::uint64_t bytes_read = 0;  ///< bytes read from the source (holes are not read)
  /// Bytes that held no record: holes of data_ranges() and runs of zero bytes (padding,
  /// the zero-filled part of a non-sparse copy).
  std::uint64_t bytes_skipped = 0;
  std::uint64_t damaged = 0;  ///< damaged regions found (each reported, up to the cap)
};

/// Damaged records reported one by one per scan; the rest are summarised in one "limit"
/// ErrorEntry at the end of the scan.
inline constexpr std::uint64_t kMaxRecordErrors = 50;

/// The largest RecordLength accepted, bytes. A V2/V3 record holds at most a 255-character
/// name (under 600 bytes) and Windows never lets a record cross a 4 KiB page.
inline constexpr std::uint32_t kMaxRecordLength = 65536;

/// Streams every record of a $J stream, in stream order, to `on_record`.
///
/// Holes reported by j.data_ranges() are skipped without being read; runs of zero bytes in
/// the data ranges are skipped quickly (whole zero 4 KiB blocks, then 8-byte steps). A
/// damaged record (length 0, not a multiple of 8, shorter than its version's header, longer
/// than kMaxRecordLength or than the rest of the stream; a name outside the record or of odd
/// length; extents outside the record; an unknown major version) becomes one ErrorEntry
/// {artifact {display_path, offset of the damage}, code "record", message naming the offset,
/// the problem and where reading resumed}, and the scan resumes at the next 8-byte boundary
/// that holds a plausible record header (each boundary is examined once: the time is linear
/// in the size of the data ranges, whatever their content). After kMaxRecordErrors such
/// entries, the rest are counted and reported in one "limit" entry when the scan ends.
///
/// Memory is constant (a fixed 1 MiB window and the record being passed), whatever the size
/// of $J; only the list of data ranges grows, with the number of runs the source reports.
/// Throws ArtifactError(display_path, message, offset) when the source cannot be read (an
/// I/O error). Exceptions thrown by the callbacks propagate.
ScanStats scan(const ByteSource& j, const std::string& display_path,
               const std::function<void(const Record&)>& on_record,
               const std::function<void(ErrorEntry)>& on_error);

}  // namespace sqltriage::usn
