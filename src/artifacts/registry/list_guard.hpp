// A guard between a hive and libregf 20201007, for two kinds of damage it cannot survive:
//  - an index root ("ri") subkey list whose element is itself or another "ri" list (Windows
//    writes only one level): libregf recurses without end and overflows the stack. Every
//    allocated "ri" cell is checked; those whose elements point to an "ri" cell, to
//    themselves or outside the hive bins are presented with an element count of 0, so the key
//    reads as having no subkeys;
//  - a hive bin whose offset field disagrees with its position: libregf refuses the whole
//    hive. The field is redundant and is presented corrected.
// Each change is reported; the file itself is never written.
// Format knowledge: "Windows registry file format specification" (M. Suhanov), "Hive bin",
// "Cell" and "Index root".
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::registry {

struct GuardedHive {
  /// `hive` itself when nothing was changed, else a view with the bad lists emptied.
  std::shared_ptr<const ByteSource> bytes;
  /// One per emptied list: the file offset of its cell and why.
  struct Repair {
    std::uint64_t offset = 0;
    std::string message;
  };
  std::vector<Repair> repairs;
};

/// Scans the hive bins of `hive` (a sequential read of the file). Never throws on content;
/// an I/O error of the source propagates.
GuardedHive guard_subkey_lists(std::shared_ptr<const ByteSource> hive);

}  // namespace sqltriage::registry
