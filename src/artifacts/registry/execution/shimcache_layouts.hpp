// The AppCompatCache ("ShimCache") value of a SYSTEM hive, decoded from its bytes: a pure
// parser with no registry access, so every layout is testable from bytes a test writes.
//
// Layouts (the first 4 bytes of the value tell them apart):
//  - 0xdeadbeef  Windows XP 32-bit: 400-byte header, 552-byte entries (path inline).
//  - 0xbadc0ffe  Windows Server 2003 / Vista / Server 2008: 8-byte header, 24-byte (32-bit)
//                or 32-byte (64-bit) entries pointing at their paths.
//  - 0xbadc0fee  Windows 7 / Server 2008 R2: 128-byte header, 32-byte (32-bit) or 48-byte
//                (64-bit) entries pointing at their paths; insertion flags per entry.
//  - 0x00000080  Windows 8.0 / Server 2012 (entries "00ts") and Windows 8.1 / Server 2012 R2
//                (entries "10ts"): 128-byte header, variable-size entries.
//  - 0x00000030, 0x00000034  Windows 10 / 11 / Server 2016-2022: 48- or 52-byte header,
//                variable-size "10ts" entries.
// Entries are in cache order: the first is the most recently inserted or used.
//
// Format knowledge: A. Davis (Mandiant), "Leveraging the Application Compatibility Cache in
// Forensic Investigations" (2012); libyal winreg-kb "Application compatibility cache key";
// the documentation of the public parsers ShimCacheParser and AppCompatCacheParser (the
// Windows 8.1 package-name field).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sqltriage/filetime.hpp"

namespace sqltriage::registry::shimcache {

/// At most this many entries are decoded from one value (Windows keeps 96 to 1024).
inline constexpr std::size_t kMaxEntries = 65536;

struct Entry {
  /// The cached path, UTF-8 (WTF-8 for unpaired surrogates), with a leading "\??\" removed.
  std::string path;
  /// The file's last modification time as cached ($STANDARD_INFORMATION on NTFS): a UTC
  /// FILETIME, 0 when not set.
  Filetime last_modified = 0;
  /// Insertion flags (Vista, 7, 8.0, 8.1); std::nullopt for layouts without them.
  std::optional<std::uint32_t> insert_flags;
  /// Insertion flag 0x2 ("executed"); std::nullopt when the layout has no insertion flags
  /// (XP, Server 2003, Windows 10 and later).
  std::optional<bool> executed;
  /// File size in bytes (XP, Server 2003 only).
  std::optional<std::uint64_t> file_size;
  /// Byte offset of the entry inside the value's data.
  std::uint64_t entry_offset = 0;
};

/// Where decoding stopped because the bytes are damaged.
struct Damage {
  std::uint64_t offset = 0;  ///< byte offset inside the value's data
  std::string message;       ///< what was wrong, naming the entry
};

struct Parsed {
  /// "Windows XP 32-bit", "Windows Server 2003/Vista/Server 2008 32-bit" (or 64-bit),
  /// "Windows 7/2008 R2 32-bit" / "Windows 7/2008 R2 x64", "Windows 8.0/Server 2012",
  /// "Windows 8.1/Server 2012 R2", "Windows 10 (1507/1511)", "Windows 10 1607+/11/Server
  /// 2016-2022"; "" when the signature is unknown.
  std::string layout;
  /// Entries read before any damage, in cache order (index = Position).
  std::vector<Entry> entries;
  /// Set when decoding stopped early (truncated header, an entry or path running past the
  /// end, an unknown signature, too many entries); the entries before it are kept.
  std::optional<Damage> damage;
};

/// Decodes one AppCompatCache value. Every length and offset is checked against `data`;
/// never throws on content and never reads outside `data`.
Parsed parse(std::span<const std::uint8_t> data);

}  // namespace sqltriage::registry::shimcache
