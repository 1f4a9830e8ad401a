// UTF-16 names as NTFS stores them ($FILE_NAME, index entries, USN records, stream names)
// to UTF-8 without loss. NTFS names are arbitrary sequences of 16-bit units: a unit that is
// half of a surrogate pair without its other half is kept as its WTF-8 3-byte form
// (ED A0..BF xx), which the JSON writers then carry losslessly (see json_text.hpp).
// Format knowledge: Unicode 15 ch. 3 (UTF-16, UTF-8); the WTF-8 encoding (S. Sapin).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sqltriage {

/// `units` 16-bit code units to UTF-8; valid surrogate pairs become 4-byte sequences,
/// unpaired surrogates their 3-byte WTF-8 forms. Never throws on content.
std::string utf16_to_wtf8(std::u16string_view units);

/// The same for `count` little-endian units at `bytes` (2 * count bytes), as on disk.
std::string utf16le_to_wtf8(const std::uint8_t* bytes, std::size_t count);

}  // namespace sqltriage
