// The Rich header MSVC's linker writes between the MS-DOS stub and the PE header: the
// dword "Rich" followed by the XOR key; walking back from it, dwords XORed with the key
// until the one that decodes to "DanS"; after DanS three padding dwords, then (compid,
// count) pairs where compid's high word is the product id and its low word the build.
// Searched only in the bytes before e_lfanew (at most 64 KiB).
#include <algorithm>

#include "artifacts/pe/parse_context.hpp"

namespace sqltriage::pe::detail {

namespace {

constexpr std::uint32_t kRich = 0x68636952;  // "Rich"
constexpr std::uint32_t kDans = 0x536E6144;  // "DanS"
constexpr std::size_t kMaxStubBytes = 64 * 1024;
constexpr std::size_t kMaxEntries = 1024;

}  // namespace

void read_rich_header(ParseContext& ctx) {
  Info& info = ctx.info();
  const std::size_t stub = std::min<std::size_t>(info.pe_offset, kMaxStubBytes);
  if (stub < 0x48) return;
  const auto bytes = ctx.read(0, stub);
  std::size_t rich = 0;
  for (std::size_t p = 0x40; p + 8 <= bytes.size(); p += 4)
    if (le32(&bytes[p]) == kRich) {
      rich = p;
      break;
    }
  if (rich == 0) return;
  const std::uint32_t key = le32(&bytes[rich + 4]);
  std::size_t dans = 0;
  for (std::size_t p = rich; p >= 0x44;) {
    p -= 4;
    if ((le32(&bytes[p]) ^ key) == kDans) {
      dans = p;
      break;
    }
  }
  if (dans == 0) {
    ctx.problem(rich, "Rich header marker without its DanS start");
    return;
  }
  info.rich_header = true;
  std::size_t first = dans + 16;
  if (first > rich) first = rich;
  if ((rich - first) / 8 > kMaxEntries)
    ctx.problem(dans, "Rich header with more than " + std::to_string(kMaxEntries) +
                          " entries; only the first are read");
  for (std::size_t p = first; p + 8 <= rich && info.rich_entries.size() < kMaxEntries; p += 8) {
    const std::uint32_t comp_id = le32(&bytes[p]) ^ key;
    info.rich_entries.push_back({static_cast<std::uint16_t>(comp_id >> 16),
                                 static_cast<std::uint16_t>(comp_id & 0xFFFF),
                                 le32(&bytes[p + 4]) ^ key});
  }
}

}  // namespace sqltriage::pe::detail
