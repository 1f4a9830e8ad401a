// The debug directory (PE Format, "The .debug Section": IMAGE_DEBUG_DIRECTORY entries of 28
// bytes) and the PDB path of the first CodeView record: "RSDS" (GUID, age, UTF-8 path) or
// "NB10" (offset, signature, age, path). The record is read at PointerToRawData, or at
// AddressOfRawData when PointerToRawData is 0.
#include <algorithm>

#include "artifacts/pe/parse_context.hpp"

namespace sqltriage::pe::detail {

namespace {

constexpr std::size_t kEntrySize = 28;
constexpr std::uint32_t kCodeView = 2;

}  // namespace

void read_debug_directory(ParseContext& ctx) {
  const auto dir = ctx.directory(kDebugDirectory);
  if (!dir) return;
  const std::uint64_t field = ctx.directory_entry_offset(kDebugDirectory);
  const auto at = ctx.rva_to_offset(dir->rva, kEntrySize);
  if (!at) {
    ctx.problem(field, "debug directory at RVA " + hex_offset(dir->rva) +
                           " lies outside every section's data in the file");
    return;
  }
  std::size_t count = dir->size / kEntrySize;
  if (count > kMaxDebugEntries) {
    ctx.problem(field, "debug directory claims " + std::to_string(count) +
                           " entries; only the first " + std::to_string(kMaxDebugEntries) +
                           " are read");
    count = kMaxDebugEntries;
  }
  const std::uint64_t avail = ctx.bytes_after_rva(dir->rva);
  if (avail < count * kEntrySize) {
    ctx.problem(*at, "debug directory cut short by the end of its section data (" +
                         std::to_string(avail / kEntrySize) + " of " + std::to_string(count) +
                         " entries)");
    count = static_cast<std::size_t>(avail / kEntrySize);
  }
  const auto bytes = ctx.read(*at, count * kEntrySize);
  for (std::size_t i = 0; i * kEntrySize + kEntrySize <= bytes.size(); ++i) {
    const std::uint8_t* e = &bytes[i * kEntrySize];
    if (le32(e + 12) != kCodeView) continue;
    const std::uint32_t size = le32(e + 16);
    const std::uint32_t rva = le32(e + 20);
    std::uint64_t pointer = le32(e + 24);
    const std::uint64_t entry_offset = *at + i * kEntrySize;
    if (pointer == 0) {
      const auto mapped = ctx.rva_to_offset(rva, 1);
      if (!mapped) {
        ctx.problem(entry_offset,
                    "CodeView record at RVA " + hex_offset(rva) + " lies outside the file");
        continue;
      }
      pointer = *mapped;
    }
    if (size < 24 || pointer + size > ctx.size()) {
      ctx.problem(entry_offset, "CodeView record at " + hex_offset(pointer) + " of " +
                                    std::to_string(size) +
                                    " bytes is too small or runs past the end of the file");
      continue;
    }
    const auto rec = ctx.read(pointer, std::min<std::size_t>(size, 24 + kMaxPdbPathBytes));
    std::size_t path_at = 0;
    if (rec[0] == 'R' && rec[1] == 'S' && rec[2] == 'D' && rec[3] == 'S') {
      path_at = 24;
    } else if (rec[0] == 'N' && rec[1] == 'B' && rec[2] == '1' && rec[3] == '0') {
      path_at = 16;
    } else {
      ctx.problem(pointer, "CodeView record with an unknown signature");
      continue;
    }
    const auto begin = rec.begin() + static_cast<std::ptrdiff_t>(path_at);
    const auto nul = std::find(begin, rec.end(), std::uint8_t{0});
    if (nul == rec.end())
      ctx.problem(pointer + path_at, "PDB path has no terminating NUL within " +
                                         std::to_string(rec.size() - path_at) +
                                         " bytes; kept as read");
    ctx.info().pdb_path = std::string(begin, nul);
    return;
  }
}

}  // namespace sqltriage::pe::detail
