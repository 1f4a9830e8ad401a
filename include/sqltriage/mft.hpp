// The facts of every NTFS MFT entry (file record), read from an NTFS volume or from a
// collected $MFT file alone, the full paths built from $FILE_NAME parent references, and
// TSK 3.x bodyfile lines.
//
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document (MFT entry,
// $STANDARD_INFORMATION, $FILE_NAME, $DATA, $ATTRIBUTE_LIST, fixups), [MS-FSCC] (file
// attribute flags), The Sleuth Kit's bodyfile format (TSK 3.x) and its `fls -m` output.
//
// Units: every time is a FILETIME (UTC, 100 ns since 1601-01-01), 0 = absent; every size is
// in bytes. Entry numbers are MFT entry indices; a "file reference" is the 64-bit value NTFS
// stores: entry index in the low 48 bits, sequence number in the high 16 bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/filetime.hpp"

namespace sqltriage::ntfs {
class Volume;
}

namespace sqltriage::mft {

/// The four NTFS times, UTC FILETIMEs (100 ns since 1601-01-01); 0 = absent.
struct Times {
  Filetime creation = 0;
  Filetime modification = 0;
  Filetime entry_modification = 0;  ///< the MFT record change time ("ctime" of bodyfiles)
  Filetime access = 0;
};

/// One $FILE_NAME attribute (type 0x30).
struct FileName {
  /// UTF-8; WTF-8 for unpaired UTF-16 surrogates, so no name is lost or merged.
  std::string name;
  std::uint8_t name_space = 0;  ///< 0 POSIX, 1 Win32, 2 DOS, 3 Win32 & DOS
  /// The parent folder's file reference: MFT entry (low 48 bits) + sequence (high 16).
  std::uint64_t parent_reference = 0;
  Times times;
  std::uint32_t attributes = 0;    ///< FILE_ATTRIBUTE_* flags as stored in $FILE_NAME
  std::uint16_t attribute_id = 0;  ///< the attribute's identifier in its record
  std::uint32_t value_size = 0;    ///< bytes of the attribute's value (66 + 2 x name units)
  /// Stored in an extension record (reached through $ATTRIBUTE_LIST), not the base record.
  bool in_extension_record = false;
};

/// A named $DATA attribute (alternate data stream).
struct Stream {
  std::string name;                  ///< UTF-8 / WTF-8, e.g. "Zone.Identifier"
  std::uint64_t size = 0;            ///< logical size, bytes
  std::uint64_t allocated_size = 0;  ///< bytes allocated on the volume (0 when resident)
  bool resident = false;             ///< data stored inside the MFT record
  std::uint16_t attribute_id = 0;    ///< the attribute's identifier in its record
};

/// The facts of one MFT entry (including the attributes of its extension records, when
/// its $ATTRIBUTE_LIST can be followed).
struct Entry {
  std::uint64_t entry = 0;  ///< MFT entry index
  std::uint16_t sequence = 0;
  bool in_use = false;  ///< false: deleted (record kept, in-use flag clear)
  bool is_directory = false;
  /// Non-zero for an extension record: the file reference of its base record.
  std::uint64_t base_reference = 0;
  std::optional<Times> standard_information;  ///< $STANDARD_INFORMATION times, if present
  std::uint32_t file_attributes = 0;          ///< FILE_ATTRIBUTE_* from $STANDARD_INFORMATION
  std::optional<std::uint32_t> security_id;   ///< $STANDARD_INFORMATION (NTFS 3.x)
  std::optional<std::uint32_t> owner_id;      ///< $STANDARD_INFORMATION (NTFS 3.x)
  std::optional<std::uint64_t> usn;           ///< $STANDARD_INFORMATION (NTFS 3.x)
  std::vector<FileName> file_names;           ///< every $FILE_NAME, in record order
  std::uint64_t size = 0;                     ///< unnamed $DATA logical size, bytes
  std::uint64_t allocated_size = 0;           ///< unnamed $DATA allocated size (0 if resident)
  /// Identifier of the unnamed $DATA attribute, when the entry has one.
  std::optional<std::uint16_t> data_attribute_id;
  bool data_resident = false;   ///< the unnamed $DATA is stored inside the record
  std::vector<Stream> streams;  ///< named $DATA streams ("Zone.Identifier", ...)
  /// $INDEX_ROOT attributes (type 0x90): "$I30" of a folder, "$SDH"/"$SII" of $Secure, ...;
  /// size is the resident value's size in bytes.
  std::vector<Stream> index_roots;
  /// $SECURITY_DESCRIPTOR (0x50) attribute bytes (self-relative security descriptor), when
  /// the record has a resident one (NTFS 1.x, ntfs-3g and some metadata files; Windows'
  /// NTFS 3.x keeps descriptors in $Secure:$SDS, found through security_id).
  std::vector<std::uint8_t> inline_security_descriptor;
  /// Per-entry damage that did not stop reading the rest of the entry.
  std::vector<std::string> problems;
};

/// Where entries come from: an NTFS volume (image evidence) or a standalone collected $MFT.
/// Records are read from the $MFT's bytes (on a volume: its own $DATA stream, whose runs
/// libfsntfs maps) and decoded here, because libfsntfs 20200921 does not give attribute
/// identifiers, allocated sizes or residency, does not check fixups (a torn record reads as
/// sound) and drops a partial last record silently. read() and read_stream() may be called
/// from several threads; memory stays bounded (a few 128 KiB chunks of the $MFT are cached).
class EntrySource {
 public:
  virtual ~EntrySource() = default;

  /// Entries of the volume's $MFT. Non-resident streams are read through the volume and
  /// non-resident $ATTRIBUTE_LISTs through libfsntfs. Throws ArtifactError (naming the
  /// volume) when the MFT entry size or the $MFT's $DATA cannot be read.
  static std::unique_ptr<EntrySource> from_volume(std::shared_ptr<ntfs::Volume> volume);

  /// Entries of a collected $MFT file; its record size comes from its first record.
  /// `display` names it in errors. Throws ArtifactError(display, offset) when `mft` is not
  /// an $MFT (no FILE signature at 0, or a record size that is not a power of two from 512
  /// to 65536). Non-resident streams and attribute lists are not available from it.
  static std::unique_ptr<EntrySource> from_mft_file(std::shared_ptr<const ByteSource> mft,
                                                    std::string display);

  /// The $MFT's name in errors.
  virtual const std::string& display() const = 0;
  /// Number of MFT entries (records), used or not; a partial last record counts.
  virtual std::uint64_t size() const = 0;

  /// Reads entry `index` into `out` (cleared first; its vectors keep their capacity, so
  /// reuse one Entry for a walk). false for a record that was never used (no FILE
  /// signature, all zeros, or a formatted record without any attribute). Throws
  /// ArtifactError(display, message, byte offset of the record in the $MFT) for a damaged
  /// record: "BAAD", a fixup mismatch (torn write), header offsets or sizes outside the
  /// record, an attribute whose length or value leaves the record, a partial last record;
  /// also (without offset) for index >= size(). Damage that leaves the rest readable (an
  /// $ATTRIBUTE_LIST naming a missing or foreign record, a value too short for its type)
  /// is listed in out.problems instead. Attributes of extension records named by the
  /// base record's $ATTRIBUTE_LIST are merged into `out`.
  virtual bool read(std::uint64_t index, Entry& out) const = 0;

  /// The bytes of a named $DATA stream (e.g. "Zone.Identifier"; "" = the unnamed one) of
  /// entry `index`, at most `max_bytes`; the exact name first, else an ASCII
  /// case-insensitive match. std::nullopt when not available (no such stream, an
  /// unreadable record, or a non-resident stream of a standalone $MFT: its clusters are
  /// not in the evidence). Never throws ArtifactError.
  virtual std::optional<std::string> read_stream(std::uint64_t index, std::string_view name,
                                                 std::size_t max_bytes) const = 0;

  /// The volume, when entries come from one (nullptr for a standalone $MFT).
  virtual std::shared_ptr<ntfs::Volume> volume() const = 0;
};

/// Full paths from parent references, with a bounded cache (memory independent of the
/// $MFT's size: a flat cache of at most `max_cached` folder paths, cleared when full; 0
/// disables it). One thread at a time.
class PathResolver {
 public:
  explicit PathResolver(const EntrySource& source, std::size_t max_cached = 65536);
  ~PathResolver();
  PathResolver(const PathResolver&) = delete;
  PathResolver& operator=(const PathResolver&) = delete;

  /// "\inetpub\wwwroot\uploads\sqlserver.exe" for `e` with its primary_name(). Parents are
  /// followed as The Sleuth Kit does: a parent matches when its sequence equals the
  /// reference's (0 matches any) or, for a parent no longer in use, is one higher (NTFS
  /// increments it on deletion), so a deleted file in a deleted folder keeps its path.
  /// Parents that are unused, reused (sequence mismatch), nameless or unreadable give
  /// "\$OrphanFiles\<name>" like sleuthkit; a parent cycle or a chain deeper than 1024
  /// gives "\$Cycle\<name>": never loops. The root folder (entry 5) is "\". An entry with
  /// no $FILE_NAME gives "\$OrphanFiles\OrphanFile-<entry>" (fls's name). Reads through the
  /// source; damaged parents count as unreadable (never throws ArtifactError).
  std::string path(const Entry& e);
  /// The same for a given $FILE_NAME of `e` (one of e.file_names: each hard link has its
  /// own path).
  std::string path(const Entry& e, const FileName& name);

  /// The path of the entry a file reference (entry + sequence) points to, e.g. a USN
  /// record's ParentFileReferenceNumber. A sequence of 0 matches any sequence. An entry
  /// that is unused, reused or unreadable gives "\$OrphanFiles\OrphanFile-<entry>".
  std::string path_of_reference(std::uint64_t file_reference);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The name to show for an entry: its Win32 or POSIX $FILE_NAME, else the DOS one, else
/// nullptr when it has none.
const FileName* primary_name(const Entry& e);

/// Options of the bodyfile writers.
struct BodyfileOptions {
  /// Prefix of every name, as `fls -m C:/` takes it ("C:" or "C:/" give "C:/Windows/...").
  std::string mount_point = "C:";
  /// The $FILE_NAME `path` was built from (one of e.file_names): it gives the name type in
  /// the mode field ('d' for a folder name). nullptr: primary_name(e).
  const FileName* file_name = nullptr;
};

/// The TSK 3.x bodyfile lines of entry `e` under one of its paths (`path` from
/// PathResolver, '\' separated; written with '/' like fls), each ending in '\n':
///   MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime
/// with integer Unix seconds (UTC). As `fls -r -m C:/` (The Sleuth Kit 4.11) writes them:
/// one "<name> ($FILE_NAME)" line with $FILE_NAME times, then one line per unnamed $DATA,
/// named $DATA ("<name>:<stream>") and $INDEX_ROOT, with $STANDARD_INFORMATION times; inode
/// "<entry>-<type>-<attribute id>"; " (deleted)" after the name of an entry not in use.
/// The rules and the differences from fls we keep are listed in
/// src/artifacts/ntfs/bodyfile.cpp (UID of 48-byte $STANDARD_INFORMATION, '|' and '\'
/// escaped as "\|" and "\\", line order). Never throws except std::bad_alloc.
std::string bodyfile_line(const Entry& e, const std::string& path,
                          const BodyfileOptions& options = {});

/// Every bodyfile line fls writes for entry `e`: bodyfile_line() once per non-DOS
/// $FILE_NAME (each hard link has its own path; a DOS name only when there is no other),
/// a deleted entry without a name as "$OrphanFiles/OrphanFile-<entry>"; nothing for the
/// root folder, extension records and allocated entries without a name (fls lists none of
/// them). Reads parent entries through `resolver`; throws nothing but std::bad_alloc.
std::string bodyfile_lines(const Entry& e, PathResolver& resolver,
                           const BodyfileOptions& options = {});

/// The line fls writes once per volume for its virtual "$OrphanFiles" folder, whose inode
/// is the number of MFT entries: "0|C:/$OrphanFiles|<n>|V/V---------|0|0|0|0|0|0|0\n".
std::string bodyfile_orphan_folder_line(std::uint64_t number_of_entries,
                                        const BodyfileOptions& options = {});

}  // namespace sqltriage::mft
