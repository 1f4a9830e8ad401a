// What an executable is: the facts of a PE file's headers, sections, imports, resources and
// certificate table, and its hashes, read from any ByteSource (a host file or a file inside a
// disk image) without loading it whole.
//
// Format knowledge: Microsoft "PE Format" (learn.microsoft.com, the PE/COFF specification),
// "Windows Authenticode Portable Executable Signature Format" (2008) for the image hash,
// the VS_VERSIONINFO / StringFileInfo / String resource documentation, and the CodeView
// RSDS record layout of the debug directory. imphash as defined by pefile/Mandiant.
// All offsets are file offsets in bytes; RVAs are relative virtual addresses; TimeDateStamp
// is Unix seconds (UTC) as stored in the COFF header.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::pe {

struct DataDirectory {
  std::uint32_t rva = 0;
  std::uint32_t size = 0;
};

/// Data directory indexes (PE Format, "Optional Header Data Directories").
enum DirectoryIndex : std::size_t {
  kExportDirectory = 0,
  kImportDirectory = 1,
  kResourceDirectory = 2,
  kSecurityDirectory = 4,  ///< the certificate table: a FILE OFFSET, not an RVA
  kDebugDirectory = 6,
  kClrDirectory = 14,
};

struct Section {
  std::string name;  ///< up to 8 bytes, NULs stripped, non-printable bytes escaped as \xNN
  std::uint32_t virtual_address = 0;
  std::uint32_t virtual_size = 0;
  std::uint32_t raw_offset = 0;  ///< PointerToRawData
  std::uint32_t raw_size = 0;    ///< SizeOfRawData
  std::uint32_t characteristics = 0;
  /// Shannon entropy of the section's raw bytes (PointerToRawData, SizeOfRawData bytes, cut
  /// at the end of the file; 0 when it has none) in bits per byte (0..8); set by hash_file()
  /// (the hashing pass), std::nullopt before it or when the raw data lies outside the file.
  std::optional<double> entropy;
};

struct ImportedDll {
  std::string name;  ///< as stored, e.g. "KERNEL32.dll"
  /// Function names; imports by ordinal as "ord123". In import table order.
  std::vector<std::string> functions;
};

/// One WIN_CERTIFICATE entry of the certificate table.
struct CertificateEntry {
  std::uint64_t offset = 0;  ///< file offset of the WIN_CERTIFICATE header
  std::uint32_t length = 0;  ///< dwLength: header (8 bytes) + bCertificate
  std::uint16_t revision = 0;
  std::uint16_t type = 0;  ///< 2 = WIN_CERT_TYPE_PKCS_SIGNED_DATA
};

/// The byte ranges the Authenticode image hash leaves out (Authenticode PE specification):
/// the CheckSum field, the certificate table's data directory entry, and the certificate
/// table itself.
struct AuthenticodeLayout {
  std::uint64_t checksum_offset = 0;        ///< 4 bytes
  std::uint64_t security_entry_offset = 0;  ///< 8 bytes; 0 when the directory is absent
  std::uint64_t cert_table_offset = 0;      ///< 0 when there is no certificate table
  std::uint64_t cert_table_size = 0;
};

/// VS_VERSIONINFO of the first RT_VERSION resource.
struct VersionInfo {
  /// StringFileInfo strings of the first string table, in file order: ("OriginalFilename",
  /// "sqlservr.exe"), ("CompanyName", ...), any key the file has.
  std::vector<std::pair<std::string, std::string>> strings;
  std::string language;         ///< string table key, e.g. "040904b0"
  std::string file_version;     ///< VS_FIXEDFILEINFO dwFileVersionMS/LS as "15.0.4153.1"
  std::string product_version;  ///< dwProductVersionMS/LS
  /// The value of `key` (exact, case-sensitive as Windows stores it), if present.
  std::optional<std::string> get(std::string_view key) const;
};

struct RichEntry {
  std::uint16_t product_id = 0;
  std::uint16_t build = 0;
  std::uint32_t count = 0;
};

/// Everything read_pe() learns without reading the section contents whole.
struct Info {
  std::uint64_t file_size = 0;
  std::uint32_t pe_offset = 0;  ///< e_lfanew
  std::uint16_t machine = 0;    ///< IMAGE_FILE_MACHINE_*, e.g. 0x8664
  std::uint16_t characteristics = 0;
  std::uint32_t time_date_stamp = 0;  ///< Unix seconds, UTC
  bool pe32_plus = false;             ///< PE32+ (64-bit optional header)
  std::uint8_t linker_major = 0;
  std::uint8_t linker_minor = 0;
  std::uint16_t subsystem = 0;
  std::uint16_t dll_characteristics = 0;
  std::uint32_t checksum = 0;  ///< as stored in the optional header
  std::uint64_t image_base = 0;
  std::uint32_t entry_point = 0;  ///< AddressOfEntryPoint (RVA)
  std::uint32_t size_of_headers = 0;
  std::vector<DataDirectory> directories;  ///< NumberOfRvaAndSizes entries (at most 16)
  std::vector<Section> sections;
  std::vector<ImportedDll> imports;
  /// imphash: MD5 (lower-case hex) of the import list as pefile's get_imphash() defines it
  /// (src/artifacts/pe/imports.cpp states the rule); empty when the file imports nothing.
  std::string imphash;
  bool is_dll = false;
  /// Directory 14 (CLR runtime header) has a non-zero RVA and size and maps into the file.
  bool is_dotnet = false;
  std::optional<std::string> pdb_path;  ///< from the first CodeView RSDS/NB10 debug record
  bool rich_header = false;
  std::vector<RichEntry> rich_entries;
  /// Bytes after the end of the furthest section raw data (max PointerToRawData +
  /// SizeOfRawData over sections with raw data, at least the end of the optional header,
  /// cut at the file size): the overlay, excluding nothing: a certificate table at the end
  /// of the file lies inside it.
  std::uint64_t overlay_offset = 0;
  std::uint64_t overlay_size = 0;
  std::optional<VersionInfo> version_info;
  std::vector<CertificateEntry> certificates;
  AuthenticodeLayout authenticode;
  /// Damage that left part of the result missing, each naming the structure and ending
  /// with the file offset of the damaged field or structure ("section table cut short by
  /// the end of the file: entry 3 of 12 is incomplete; 3 sections read (offset 0x200)").
  /// At most 200 are listed, then one "and N more problems" entry. The fields above that
  /// could not be read keep their defaults.
  std::vector<std::string> problems;
};

/// The file offset a problem names (its trailing "(offset 0x...)"), for an errors entry.
std::optional<std::uint64_t> problem_offset(std::string_view problem);

/// True when the source starts with "MZ" and e_lfanew points at "PE\0\0" inside the file.
bool looks_like_pe(const ByteSource& source);

/// Parses the headers and the directories of a PE file. Reads only the structures it needs
/// (headers, section table, import, resource, debug, CLR directories, certificate table
/// headers), each bounded in size. Throws ArtifactError(display_path, message, offset) when
/// the file is not a PE or its headers are cut short; damage further in becomes
/// Info::problems. Thread-safe (no shared state).
Info read_pe(const ByteSource& source, const std::string& display_path);

struct Hashes {
  std::string md5, sha1, sha256;  ///< lower-case hex of the whole file
  std::string ssdeep;             ///< libfuzzy, "blocksize:hash:hash"
  /// TLSH in the current format: "T1" + the 70 upper-case hex digits libtlsh 3.4.4 prints
  /// (the current format changes nothing else). Empty when libtlsh 3.4.4 gives no digest:
  /// fewer than 256 bytes (TLSH 4.x accepts 50) or not enough variety. Of a file over
  /// 4 GiB, the TLSH of its first 4 GiB - 1 bytes, as TLSH 4.6+ defines it.
  std::string tlsh;
  /// Authenticode image hashes (lower-case hex), for PE files only.
  std::optional<std::string> authenticode_sha1, authenticode_sha256;
  double entropy = 0.0;  ///< of the whole file, bits per byte
};

/// Reads the source once, front to back, in 1 MiB chunks (memory does not grow with the
/// file size: at most four chunks wait for the second thread, which computes TLSH and MD5
/// beside the caller's thread) and computes every hash; for a PE (`info` not null) also the
/// Authenticode image hashes and each section's entropy, written into info->sections. Throws
/// ArtifactError when a read fails (naming the offset).
Hashes hash_file(const ByteSource& source, Info* info, const std::string& display_path);

/// The Authenticode image hash with another digest (e.g. "sha384", "sha512", "md5"), for
/// signatures that use one hash_file() does not compute. Raw digest bytes. Throws
/// ArtifactError on a read error, std::invalid_argument for an unknown algorithm name.
std::vector<std::uint8_t> authenticode_digest(const ByteSource& source, const Info& info,
                                              std::string_view algorithm,
                                              const std::string& display_path);

/// Readable names: machine ("AMD64", "I386", "ARM64", or "0x1234"), subsystem
/// ("WINDOWS_GUI", "WINDOWS_CUI", "EFI_APPLICATION", ...), COFF characteristics flags
/// ("EXECUTABLE_IMAGE", "DLL", ...), section characteristics ("CNT_CODE", "MEM_EXECUTE", ...).
std::string machine_name(std::uint16_t machine);
std::string subsystem_name(std::uint16_t subsystem);
std::vector<std::string> characteristics_names(std::uint16_t characteristics);
std::vector<std::string> section_characteristics_names(std::uint32_t characteristics);

/// JSON shapes (docs/pe.md): the "PE" object of a pe.file finding (Machine, Subsystem,
/// Characteristics, TimeDateStamp as UTC ISO-8601 plus TimeDateStampRaw, LinkerVersion,
/// Format, IsDll, IsDotNet, ImageBase, AddressOfEntryPoint, CheckSum (these three as "0x"
/// hex strings), PdbPath, RichHeader, RichEntries (only when present), Sections, Imports
/// (DLL, Count, Functions), OverlayOffset, OverlaySize, CertificateTable, Problems).
nlohmann::ordered_json to_json(const Info& info);
/// The "VersionInfo" object: every string in file order, then Language, FileVersionFixed,
/// ProductVersionFixed.
nlohmann::ordered_json to_json(const VersionInfo& version_info);
/// The "Hashes" object: MD5, SHA1, SHA256, SSDEEP, TLSH (null when empty), Entropy, then
/// (PE only) Imphash (null when the file imports nothing), AuthenticodeSHA1,
/// AuthenticodeSHA256.
nlohmann::ordered_json to_json(const Hashes& hashes, const Info* info);

}  // namespace sqltriage::pe
