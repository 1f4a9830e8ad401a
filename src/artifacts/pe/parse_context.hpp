// Shared by the PE reader's parts: bounded little-endian reads from a ByteSource, the list of
// problems with their file offsets, and RVA-to-file-offset mapping through the section table.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/little_endian.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/pe.hpp"

namespace sqltriage::pe::detail {

/// Caps on file-controlled counts and sizes (Windows' own limits where it has one).
inline constexpr std::size_t kMaxSections = 96;  ///< the Windows loader refuses more
inline constexpr std::size_t kMaxImportDlls = 4096;
inline constexpr std::size_t kMaxFunctionsPerDll = 16384;
inline constexpr std::size_t kMaxImportedFunctions = 65536;
inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr std::size_t kMaxResourceEntries = 4096;  ///< per resource directory
inline constexpr std::size_t kMaxVersionInfoBytes = 64 * 1024;
inline constexpr std::size_t kMaxDebugEntries = 64;
inline constexpr std::size_t kMaxPdbPathBytes = 1024;
inline constexpr std::size_t kMaxCertificateEntries = 64;
inline constexpr std::size_t kMaxProblems = 200;

/// The source, its size and the problems found so far.
class ParseContext {
 public:
  ParseContext(const ByteSource& source, const std::string& display_path, Info& info)
      : source_(source), display_(display_path), info_(info), size_(source.size()) {}

  std::uint64_t size() const { return size_; }
  const std::string& display() const { return display_; }
  Info& info() { return info_; }

  /// Up to `n` bytes at `offset` (fewer at the end of the file). Throws ArtifactError naming
  /// the offset when the read itself fails.
  std::vector<std::uint8_t> read(std::uint64_t offset, std::size_t n) const;
  /// Exactly `n` bytes at `offset`, or std::nullopt when the file ends first.
  std::optional<std::vector<std::uint8_t>> read_exact(std::uint64_t offset, std::size_t n) const;

  /// Records damage: "<what> at offset 0x..: <detail>". At most kMaxProblems are listed; the
  /// rest are counted in one last entry.
  void problem(std::uint64_t offset, std::string_view what);

  /// The file offset of `rva` when it lies in a section's raw data or in the headers;
  /// `length` bytes from there must stay inside that same raw data to succeed.
  std::optional<std::uint64_t> rva_to_offset(std::uint32_t rva, std::uint64_t length = 1) const;
  /// How many bytes of raw data follow `rva` in its section (or in the headers); 0 when the
  /// RVA does not map into the file.
  std::uint64_t bytes_after_rva(std::uint32_t rva) const;

  /// A NUL-terminated string at `rva`, at most `max` bytes. std::nullopt (and a problem
  /// naming `what`, at the file offset `where` of the field holding the RVA when the RVA
  /// does not map, else at the string's own offset) when it does not map into the file or
  /// has no NUL within `max` bytes.
  std::optional<std::string> read_cstring_at_rva(std::uint32_t rva, std::size_t max,
                                                 std::string_view what, std::uint64_t where);

  /// File offset of data directory entry `index` (whether or not the header has it).
  std::uint64_t directory_entry_offset(std::size_t index) const {
    return std::uint64_t{info_.pe_offset} + 24 + (info_.pe32_plus ? 112 : 96) + 8 * index;
  }
  /// The data directory `index` when the header has it and its RVA is not zero.
  std::optional<DataDirectory> directory(std::size_t index) const {
    if (index >= info_.directories.size() || info_.directories[index].rva == 0) return std::nullopt;
    return info_.directories[index];
  }

  std::uint32_t file_alignment = 0;
  std::uint32_t section_alignment = 0;

 private:
  const ByteSource& source_;
  const std::string& display_;
  Info& info_;
  std::uint64_t size_;
  std::size_t dropped_problems_ = 0;
};

// The parts of read_pe, each reading one structure into ctx.info() and recording its damage.
void read_imports(ParseContext& ctx);
void read_version_info(ParseContext& ctx);
void read_debug_directory(ParseContext& ctx);
void read_rich_header(ParseContext& ctx);
void read_certificate_table(ParseContext& ctx);
void read_clr_header(ParseContext& ctx);

/// The name pefile's ordinal table gives to `ordinal` of `dll_lower` (a lower-cased DLL name
/// with its extension: "ws2_32.dll", "wsock32.dll", "oleaut32.dll"), else std::nullopt.
std::optional<std::string_view> ordinal_name(std::string_view dll_lower, std::uint16_t ordinal);

/// Parses a VS_VERSIONINFO blob that starts at file offset `base`.
std::optional<VersionInfo> parse_version_info(ParseContext& ctx,
                                              const std::vector<std::uint8_t>& blob,
                                              std::uint64_t base);

}  // namespace sqltriage::pe::detail
