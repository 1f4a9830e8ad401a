// A file's name read from its MFT record's $FILE_NAME attributes, for names libfsntfs will
// not convert (UTF-16 with unpaired surrogates, which NTFS allows).
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document, "The file
// name attribute" (parent reference at 0, name length in units at 0x40, name space at 0x41,
// name at 0x42).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace sqltriage::ntfs {

/// The name of the MFT record `record` (raw bytes, fixups not yet applied) in folder
/// `parent_entry`: its Win32 or POSIX name there, else any non-DOS name, else the DOS name.
/// std::nullopt when the record is damaged or holds no $FILE_NAME.
std::optional<std::u16string> file_name_in_record(std::span<std::uint8_t> record,
                                                  std::uint64_t parent_entry);

}  // namespace sqltriage::ntfs
