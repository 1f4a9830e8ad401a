// Comparing NTFS names the way NTFS does: case-insensitively, through the volume's own
// $UpCase table (one upper-case UTF-16 unit for each of the 65536 units), which is how
// Windows resolves paths. Without a usable table, only ASCII letters are folded.
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document ($UpCase).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sqltriage::ntfs {

/// UTF-8 text (WTF-8 accepted: a 3-byte encoded lone surrogate gives that unit back) to
/// UTF-16 units, as NTFS stores names. A byte that starts no valid sequence gives U+FFFD.
std::u16string wtf8_to_utf16(std::string_view text);

class NameFolder {
 public:
  /// ASCII folding only.
  NameFolder() = default;
  /// `upcase_le` is the $UpCase stream: 65536 little-endian units (131072 bytes). A table
  /// of another size is ignored (ASCII folding only).
  explicit NameFolder(const std::vector<std::uint8_t>& upcase_le);

  /// True when the table of the volume was loaded.
  bool uses_volume_table() const { return !upcase_.empty(); }

  /// Whether `a` and `b` are the same name case-insensitively (unit by unit, as NTFS
  /// compares; no normalisation).
  bool equal(std::u16string_view a, std::u16string_view b) const;

 private:
  char16_t fold(char16_t c) const;
  std::vector<char16_t> upcase_;
};

}  // namespace sqltriage::ntfs
