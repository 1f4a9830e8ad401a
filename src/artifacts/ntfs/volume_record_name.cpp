#include "artifacts/ntfs/volume_record_name.hpp"

#include "artifacts/ntfs/entry_record.hpp"

namespace sqltriage::ntfs {

namespace {

constexpr std::uint32_t kFileNameType = 0x30;
constexpr std::size_t kNameOffset = 0x42;
constexpr std::uint8_t kDosNameSpace = 2;
constexpr std::uint64_t kEntryIndexMask = 0x0000FFFFFFFFFFFFULL;

}  // namespace

std::optional<std::u16string> file_name_in_record(std::span<std::uint8_t> record,
                                                  std::uint64_t parent_entry) {
  record::Header header;
  std::optional<record::Damage> damage;
  if (record::prepare(record, header, damage) != record::Kind::kFile || damage) return std::nullopt;
  record::AttributeWalker walker(record, header);
  record::Attribute a;
  std::optional<std::u16string> best;
  int best_rank = -1;  // 3: non-DOS in parent, 2: non-DOS, 1: DOS in parent, 0: DOS
  while (walker.next(a)) {
    if (a.type != kFileNameType || !a.resident || a.value.size() < kNameOffset) continue;
    const std::size_t units = a.value[0x40];
    if (kNameOffset + 2 * units > a.value.size()) continue;
    const bool dos = a.value[0x41] == kDosNameSpace;
    const bool in_parent = (le64(a.value.data()) & kEntryIndexMask) == parent_entry;
    const int rank = (dos ? 0 : 2) + (in_parent ? 1 : 0);
    if (rank <= best_rank) continue;
    std::u16string name(units, u'\0');
    for (std::size_t i = 0; i < units; ++i)
      name[i] = static_cast<char16_t>(le16(a.value.data() + kNameOffset + 2 * i));
    best = std::move(name);
    best_rank = rank;
  }
  return best;
}

}  // namespace sqltriage::ntfs
