// Decoding of the attribute values sqltriage reports ($STANDARD_INFORMATION, $FILE_NAME,
// $DATA, $INDEX_ROOT, $SECURITY_DESCRIPTOR, $ATTRIBUTE_LIST) into an mft::Entry.
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document, sections
// "The standard information attribute", "The file name attribute", "The attribute list".
#pragma once

#include <cstdint>
#include <vector>

#include "artifacts/ntfs/entry_record.hpp"
#include "sqltriage/mft.hpp"

namespace sqltriage::ntfs {

namespace attribute_type {
inline constexpr std::uint32_t kStandardInformation = 0x10;
inline constexpr std::uint32_t kAttributeList = 0x20;
inline constexpr std::uint32_t kFileName = 0x30;
inline constexpr std::uint32_t kSecurityDescriptor = 0x50;
inline constexpr std::uint32_t kData = 0x80;
inline constexpr std::uint32_t kIndexRoot = 0x90;
}  // namespace attribute_type

/// What an entry's $ATTRIBUTE_LIST says about where its attributes live.
struct AttributeListRefs {
  bool present = false;
  bool non_resident = false;              ///< the list's bytes are in clusters, not in the record
  std::vector<std::uint64_t> references;  ///< file references of the records it names, in order
};

/// Adds what attribute `a` says to `e`. `in_extension`: `a` comes from an extension record.
/// Value damage that does not make the record unreadable (a value too short for its type)
/// becomes an entry of e.problems. $ATTRIBUTE_LIST is left to the caller.
void add_attribute(const record::Attribute& a, bool in_extension, mft::Entry& e);

/// The entries of a resident $ATTRIBUTE_LIST value: the file references it names, in order.
/// Damage (an entry length that leaves the value) ends the decoding with a problem in `e`.
void decode_attribute_list(std::span<const std::uint8_t> value, mft::Entry& e,
                           AttributeListRefs& list);

}  // namespace sqltriage::ntfs
