// Index-root lists libregf would recurse into without end (see list_guard.hpp).
#include "artifacts/registry/list_guard.hpp"

#include <algorithm>

#include "core/little_endian.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::uint64_t kBinsStart = 0x1000;
constexpr std::uint64_t kPage = 0x1000;
constexpr std::uint64_t kMaxBin = 64ull * 1024 * 1024;  // larger hive bins are skipped

/// The 2-byte signature of the cell at hive bins offset `cell`, or "" when it is outside.
std::string signature_at(const ByteSource& hive, std::uint64_t end, std::uint64_t cell) {
  const std::uint64_t at = kBinsStart + cell + 4;
  if (at + 2 > end) return {};
  char sig[2] = {};
  if (hive.read_at(at, sig, 2) != 2) return {};
  return std::string(sig, 2);
}

/// Why the "ri" cell at hive bins offset `cell` (its bytes in `body`: signature, count,
/// elements) must not be followed; "" when it is sound.
std::string check_index_root(const ByteSource& hive, std::uint64_t end, std::uint64_t cell,
                             const std::uint8_t* body, std::uint64_t body_size) {
  const std::uint64_t count = le16(body + 2);
  if (4 + count * 4 > body_size) return "its element count runs past its cell";
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t element = le32(body + 4 + i * 4);
    if (element == cell) return "an element points to the list itself";
    const std::string sig = signature_at(hive, end, element);
    if (sig.empty()) return "an element points outside the hive bins";
    if (sig == "ri") return "an element points to another index root";
  }
  return {};
}

}  // namespace

GuardedHive guard_subkey_lists(std::shared_ptr<const ByteSource> hive) {
  GuardedHive out;
  const std::uint64_t size = hive->size();
  std::uint8_t header[0x30] = {};
  if (size < kBinsStart || hive->read_at(0, header, sizeof header) != sizeof header) {
    out.bytes = std::move(hive);
    return out;
  }
  const std::uint64_t end = std::min<std::uint64_t>(size, kBinsStart + le32(header + 0x28));
  // Bytes to present differently, by file offset, in increasing order.
  std::vector<std::pair<std::uint64_t, std::vector<std::uint8_t>>> patches;
  std::vector<std::uint8_t> bin;
  for (std::uint64_t pos = kBinsStart; pos + 32 <= end;) {
    std::uint8_t head[32] = {};
    if (hive->read_at(pos, head, sizeof head) != sizeof head) break;
    std::uint64_t bin_size = le32(head + 8);
    if (std::string_view(reinterpret_cast<const char*>(head), 4) != "hbin" || bin_size < kPage ||
        bin_size % kPage != 0 || bin_size > kMaxBin || pos + bin_size > end) {
      pos += kPage;  // not a sound hive bin: look for the next one at the next page
      continue;
    }
    if (le32(head + 4) != pos - kBinsStart) {
      // libregf refuses the whole hive for one hive bin whose offset field is wrong; the
      // field is redundant (the bin's position says it), so it is presented corrected.
      std::vector<std::uint8_t> field(4);
      put_le32(field.data(), static_cast<std::uint32_t>(pos - kBinsStart));
      out.repairs.push_back({pos + 4, "hive bin at offset " + std::to_string(pos) +
                                          " records its offset as " +
                                          std::to_string(le32(head + 4)) + "; read as " +
                                          std::to_string(pos - kBinsStart)});
      patches.emplace_back(pos + 4, std::move(field));
    }
    bin.resize(bin_size);
    if (hive->read_at(pos, bin.data(), bin.size()) != bin.size()) break;
    for (std::uint64_t at = 32; at + 8 <= bin_size;) {
      const auto raw = static_cast<std::int32_t>(le32(bin.data() + at));
      const std::uint64_t cell_size =
          raw < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(static_cast<std::int64_t>(raw))
                  : static_cast<std::uint64_t>(raw);
      if (cell_size < 8 || cell_size % 8 != 0 || at + cell_size > bin_size) break;
      if (raw < 0 && bin[at + 4] == 'r' && bin[at + 5] == 'i') {
        const std::uint64_t cell = pos + at - kBinsStart;
        const std::string why =
            check_index_root(*hive, end, cell, bin.data() + at + 4, cell_size - 4);
        if (!why.empty()) {
          patches.emplace_back(pos + at + 6, std::vector<std::uint8_t>(2, 0));
          out.repairs.push_back({pos + at, "subkey list (index root) at offset " +
                                               std::to_string(pos + at) + ": " + why +
                                               "; the subkeys it lists are not read"});
        }
      }
      at += cell_size;
    }
    pos += bin_size;
  }
  if (patches.empty()) {
    out.bytes = std::move(hive);
    return out;
  }
  auto view = std::make_shared<SplicedSource>();
  std::uint64_t at = 0;
  for (auto& [offset, bytes] : patches) {
    view->append(hive, at, offset - at);
    at = offset + bytes.size();
    view->append(std::move(bytes));
  }
  view->append(hive, at, size - at);
  out.bytes = std::move(view);
  return out;
}

}  // namespace sqltriage::registry
