// One MFT entry (file record) as stored: header checks, the update sequence (fixup) and a
// bounds-checked walk of its attribute headers. No decoding of attribute values here.
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document, sections
// "MFT entry header", "The fix-up values" and "MFT attribute header".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/little_endian.hpp"

namespace sqltriage::ntfs::record {

/// Damage that makes a record unreadable; `offset` is relative to the record's start.
struct Damage {
  std::string message;
  std::size_t offset = 0;
};

enum class Kind {
  kUnused,  ///< never used: all zeros or no "FILE" signature
  kFile,    ///< "FILE" record, header sane, fixups applied
};

/// The header fields sqltriage uses (MFT entry header, NTFS 3.x layout).
struct Header {
  std::uint16_t sequence = 0;
  std::uint16_t flags = 0;  ///< 0x01 in use, 0x02 directory
  std::uint64_t base_reference = 0;
  std::uint32_t used_size = 0;
  std::uint16_t first_attribute = 0;
  std::optional<std::uint32_t> stored_index;  ///< the entry's own number (NTFS 3.1 only)
};

/// Checks the header and applies the update sequence of `rec` in place (every 512-byte
/// block's last two bytes are checked against the update sequence number, then replaced
/// by the saved values). Returns kUnused for a record that was never used, fills `header`
/// for a FILE record. Throws nothing; returns the damage through `damage` (then the result
/// is meaningless): a "BAAD" record, a torn write (fixup mismatch), a header whose offsets
/// or sizes leave the record.
Kind prepare(std::span<std::uint8_t> rec, Header& header, std::optional<Damage>& damage);

/// One attribute header inside a prepared record.
struct Attribute {
  std::uint32_t type = 0;
  std::uint16_t id = 0;
  std::uint16_t data_flags = 0;  ///< 0x0001 compressed, 0x4000 encrypted, 0x8000 sparse
  bool resident = true;
  std::u16string_view name;  ///< UTF-16 units copied out of the record (see name_units)
  std::size_t offset = 0;    ///< of the attribute header in the record
  // Resident:
  std::span<const std::uint8_t> value;
  // Non-resident:
  std::uint64_t lowest_vcn = 0;
  std::uint64_t allocated_size = 0;
  std::uint64_t data_size = 0;
};

/// Walks the attributes of a prepared record in record order. Each next() bounds-checks the
/// header against the used size; on damage it returns false and sets damage().
class AttributeWalker {
 public:
  AttributeWalker(std::span<const std::uint8_t> rec, const Header& header);
  /// The next attribute; false at the end marker (0xFFFFFFFF) or on damage.
  bool next(Attribute& out);
  const std::optional<Damage>& damage() const { return damage_; }

 private:
  std::uint32_t type_at(std::size_t pos) const;
  std::span<const std::uint8_t> rec_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::u16string name_units_;  // storage for the current attribute's name
  std::optional<Damage> damage_;
};

}  // namespace sqltriage::ntfs::record
