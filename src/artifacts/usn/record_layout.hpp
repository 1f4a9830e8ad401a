// One USN record in memory: is its header sound, and its fields.
// Layouts: USN_RECORD_V2, USN_RECORD_V3, USN_RECORD_V4 (winioctl.h), little-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sqltriage/usn.hpp"

namespace sqltriage::usn::detail {

/// Bytes to have at hand to judge a header: the largest fixed header (V3, 76) rounded up.
inline constexpr std::size_t kProbeBytes = 80;

/// Bytes before the name (V2: 60, V3: 76) or before the extents (V4: 64); 0 for an unknown
/// major version.
std::size_t header_size(std::uint16_t major_version);

/// What can be wrong with a record header, with the numbers that show it.
struct Problem {
  enum class Kind {
    none,
    header_crosses_end,     // a: bytes left
    zero_length,            //
    unknown_version,        // a: major version
    length_not_aligned,     // a: length
    shorter_than_header,    // a: length, b: major version, c: header size
    too_long,               // a: length
    crosses_end,            // a: length, b: bytes left
    extent_size_too_small,  // a: extent size
    extents_outside,        // a: count, b: extent size, c: length
    name_overlaps_header,   // a: name offset, b: header size
    name_outside,           // a: name offset, b: name length, c: length
    odd_name_length,        // a: name length
  };
  Kind kind = Kind::none;
  std::uint64_t a = 0, b = 0, c = 0;
  explicit operator bool() const { return kind != Kind::none; }
};

/// What is wrong with the record that starts at `head` (Kind::none when it is sound).
/// `head_len` = min(kProbeBytes, left) bytes are at hand; `left` is the number of bytes
/// from the record to the end of the stream. Looks at the header only; never allocates.
Problem check(const std::uint8_t* head, std::size_t head_len, std::uint64_t left);

/// The problem as a phrase, e.g. "record length 4294967295 is not a multiple of 8".
std::string describe(const Problem& p);

/// Stricter than a sound check(): the header is exactly what Windows writes (V2/V3: a
/// non-empty name right after the header and the length rounded up to 8 from it; V4: at
/// least one 16-byte extent and nothing else). Used to find the next record after damage,
/// so that garbage is not taken for records.
bool plausible(const std::uint8_t* head, std::size_t head_len, std::uint64_t left);

/// Fills `out` from a sound record of RecordLength bytes at `rec` (check() found nothing)
/// found at `offset` in the stream. Reuses out's string and vector capacity.
void decode(const std::uint8_t* rec, std::uint64_t offset, Record& out);

}  // namespace sqltriage::usn::detail
