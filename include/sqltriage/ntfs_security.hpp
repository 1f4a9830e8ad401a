// Who owns a file on NTFS: the owner and group SIDs of its security descriptor.
//
// NTFS 3.x keeps one copy of each distinct security descriptor in the $Secure:$SDS stream
// (MFT entry 9); a file's $STANDARD_INFORMATION names its descriptor by security_id. Older
// volumes, and files written by ntfs-3g, carry the descriptor inline in a
// $SECURITY_DESCRIPTOR attribute instead. Both hold a self-relative SECURITY_DESCRIPTOR.
//
// Format knowledge: Microsoft [MS-DTYP] 2.4.6 (SECURITY_DESCRIPTOR, self-relative form),
// 2.4.2 (SID); libfsntfs's "New Technologies File System (NTFS)" document ($Secure, $SDS
// entry layout and its mirrored 256 KiB blocks). Descriptors are parsed with libfwnt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::ntfs {

/// Owner and group of a security descriptor.
struct DescriptorSummary {
  std::string owner_sid;  ///< "S-1-5-21-...-1001"; empty when the descriptor names no owner
  std::string group_sid;  ///< "S-1-5-18"; empty when the descriptor names no group
};

/// Parses a self-relative SECURITY_DESCRIPTOR (an $SDS entry after its 20-byte header, or an
/// inline $SECURITY_DESCRIPTOR attribute's content). std::nullopt when it is malformed:
/// shorter than its 20-byte header, a revision other than 1, or an owner, group, DACL or
/// SACL offset outside `size` (or an ACL or SID that does not fit); `why` (when given)
/// then receives the reason, naming the byte offset inside the descriptor. Never throws on
/// content.
std::optional<DescriptorSummary> parse_security_descriptor(const std::uint8_t* data,
                                                           std::size_t size,
                                                           std::string* why = nullptr);

/// The hash NTFS stores in each $SDS entry header (and in $SDH keys) for a descriptor:
/// over its little-endian 32-bit words, hash = word + rotate_left(hash, 3); trailing bytes
/// that do not fill a word are not hashed.
std::uint32_t security_descriptor_hash(const std::uint8_t* data, std::size_t size);

/// The $Secure:$SDS stream, indexed by security_id.
///
/// Layout: entries of {hash u32, security_id u32, offset u64 (the entry's own position in
/// the stream), size u32 (header included), self-relative descriptor}, each starting on a
/// 16-byte boundary, in 256 KiB blocks that never split an entry. Each block is followed by
/// a 256 KiB mirror copy of it, which is skipped (so it yields neither index entries nor
/// errors). The stream's size tells how much of its last block is used: the mirror copy of
/// the last block ends where the stream ends.
///
/// Building the index reads the stream once, one 256 KiB block at a time, and keeps
/// id -> (offset, size) only: memory is 16 bytes per distinct descriptor whatever the
/// stream's size. Damage becomes an ErrorEntry {display_path with the byte offset, code
/// "record", message naming the offset} and is skipped; the scan resynchronises at the next
/// 16-byte boundary:
/// - an entry header whose offset field equals its position (so it is meant as an entry)
///   but whose size is under 20 bytes, runs past its block or the stream's end, whose
///   security_id is 0, or whose stored hash does not match its descriptor;
/// - bytes that are not an entry header before a later valid entry of the same block, at
///   the start of a block, or inside the used part of the last block (one error per run);
/// - a block holding no entry at all (e.g. all zeros);
/// - a security_id seen twice (the first entry is kept).
/// Bytes after the last entry of a block that is not the last one are left-over space,
/// not damage. At most 1,000 errors are listed, then one entry with code "limit". A read
/// failure ends the scan with an entry of code "truncated"; what was indexed stays usable.
///
/// Thread-safe: lookup() may be called from several threads at once.
class SecurityDescriptorStream {
 public:
  /// Indexes `sds` (the bytes of $Secure:$SDS, or of a collected "$Secure_$SDS" file).
  /// `display_path` names the stream in errors, e.g. "C:\$Secure:$SDS". Never throws on
  /// content.
  SecurityDescriptorStream(std::shared_ptr<const ByteSource> sds, std::string display_path);
  ~SecurityDescriptorStream();
  SecurityDescriptorStream(SecurityDescriptorStream&&) noexcept;
  SecurityDescriptorStream& operator=(SecurityDescriptorStream&&) noexcept;

  /// The owner and group of the descriptor with this security_id (from a file's
  /// $STANDARD_INFORMATION). std::nullopt when the id is not in the stream, or when its
  /// descriptor is malformed or cannot be read; the latter adds one message to errors()
  /// (once per id). Keeps the last few parsed descriptors, since most files of a volume
  /// share a handful of them.
  std::optional<DescriptorSummary> lookup(std::uint32_t security_id) const;

  /// Damage found so far (while indexing, and by lookup()). Not to be read while another
  /// thread is inside lookup().
  const std::vector<ErrorEntry>& errors() const;

  /// Number of indexed descriptors.
  std::size_t size() const;

  const std::string& display_path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqltriage::ntfs
