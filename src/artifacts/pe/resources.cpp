// The resource tree (PE Format, "The .rsrc Section": resource directory tables, entries and
// data entries), walked only as far as the first RT_VERSION resource: type 16, then its
// first name, then its first language. Three levels at most; each directory's entry count
// is capped and a subdirectory offset that points back at a directory on the current path
// is reported as a loop and not followed.
#include <algorithm>
#include <vector>

#include "artifacts/pe/parse_context.hpp"

namespace sqltriage::pe::detail {

namespace {

constexpr std::uint32_t kRtVersion = 16;
constexpr std::uint32_t kSubdirectoryBit = 0x80000000u;
constexpr std::size_t kDirectoryHeaderSize = 16;
constexpr std::size_t kEntrySize = 8;

struct Entry {
  std::uint32_t name = 0;
  std::uint32_t target = 0;
  std::uint64_t file_offset = 0;
};

class Walker {
 public:
  Walker(ParseContext& ctx, std::uint32_t base_rva) : ctx_(ctx), base_(base_rva) {}

  // The entries of the directory at `relative` (from the resource directory's start), or
  // nothing (with a problem) when it is not in the file.
  std::vector<Entry> entries(std::uint32_t relative, std::uint64_t referrer) {
    std::vector<Entry> out;
    const std::uint64_t rva = std::uint64_t{base_} + relative;
    const auto at = rva > 0xFFFFFFFFu
                        ? std::nullopt
                        : ctx_.rva_to_offset(static_cast<std::uint32_t>(rva), kDirectoryHeaderSize);
    if (!at) {
      ctx_.problem(referrer, "resource directory at RVA " + hex_offset(rva) +
                                 " lies outside the section data in the file");
      return out;
    }
    const auto header = ctx_.read(*at, kDirectoryHeaderSize);
    std::size_t count = std::size_t{le16(&header[12])} + le16(&header[14]);
    if (count > kMaxResourceEntries) {
      ctx_.problem(*at, "resource directory claims " + std::to_string(count) +
                            " entries; only the first " + std::to_string(kMaxResourceEntries) +
                            " are read");
      count = kMaxResourceEntries;
    }
    const std::uint64_t avail =
        ctx_.bytes_after_rva(static_cast<std::uint32_t>(rva)) - kDirectoryHeaderSize;
    if (avail < count * kEntrySize) {
      ctx_.problem(*at + kDirectoryHeaderSize,
                   "resource directory entries cut short: " + std::to_string(count) + " claimed, " +
                       std::to_string(avail / kEntrySize) + " in the file");
      count = static_cast<std::size_t>(avail / kEntrySize);
    }
    const auto bytes = ctx_.read(*at + kDirectoryHeaderSize, count * kEntrySize);
    for (std::size_t i = 0; i * kEntrySize + kEntrySize <= bytes.size(); ++i)
      out.push_back({le32(&bytes[i * kEntrySize]), le32(&bytes[i * kEntrySize + 4]),
                     *at + kDirectoryHeaderSize + i * kEntrySize});
    return out;
  }

  // The first data entry below `entry` at `level` (1: name, 2: language); `path` holds the
  // directories above it.
  std::optional<std::pair<std::uint32_t, std::uint64_t>> first_leaf(
      const Entry& entry, int level, std::vector<std::uint32_t>& path) {
    if ((entry.target & kSubdirectoryBit) == 0) {
      if (level == 3) return std::pair{entry.target, entry.file_offset};
      ctx_.problem(entry.file_offset, "resource entry at level " + std::to_string(level) +
                                          " points at data instead of a directory");
      return std::nullopt;
    }
    if (level == 3) {
      ctx_.problem(entry.file_offset,
                   "resource tree deeper than three levels; the fourth is not followed");
      return std::nullopt;
    }
    const std::uint32_t sub = entry.target & ~kSubdirectoryBit;
    if (std::find(path.begin(), path.end(), sub) != path.end()) {
      ctx_.problem(entry.file_offset, "resource directory entry points back at directory " +
                                          hex_offset(sub) + " above it (a loop); not followed");
      return std::nullopt;
    }
    path.push_back(sub);
    for (const auto& child : entries(sub, entry.file_offset)) {
      if (auto leaf = first_leaf(child, level + 1, path)) {
        path.pop_back();
        return leaf;
      }
    }
    path.pop_back();
    return std::nullopt;
  }

 private:
  ParseContext& ctx_;
  std::uint32_t base_;
};

}  // namespace

void read_version_info(ParseContext& ctx) {
  const auto dir = ctx.directory(kResourceDirectory);
  if (!dir) return;
  Walker walker(ctx, dir->rva);
  std::vector<std::uint32_t> path{0};
  std::optional<std::pair<std::uint32_t, std::uint64_t>> leaf;
  for (const auto& e : walker.entries(0, ctx.directory_entry_offset(kResourceDirectory))) {
    if ((e.name & kSubdirectoryBit) != 0 || e.name != kRtVersion) continue;
    leaf = walker.first_leaf(e, 1, path);
    if (leaf) break;
  }
  if (!leaf) return;
  // IMAGE_RESOURCE_DATA_ENTRY: OffsetToData (an RVA), Size, CodePage, Reserved.
  const std::uint64_t data_entry_rva = std::uint64_t{dir->rva} + leaf->first;
  const auto de = data_entry_rva > 0xFFFFFFFFu
                      ? std::nullopt
                      : ctx.rva_to_offset(static_cast<std::uint32_t>(data_entry_rva), 16);
  if (!de) {
    ctx.problem(leaf->second, "RT_VERSION data entry at RVA " + hex_offset(data_entry_rva) +
                                  " lies outside the section data in the file");
    return;
  }
  const auto entry = ctx.read(*de, 16);
  const std::uint32_t rva = le32(&entry[0]);
  std::uint32_t size = le32(&entry[4]);
  if (size > kMaxVersionInfoBytes) {
    ctx.problem(*de + 4, "RT_VERSION resource claims " + std::to_string(size) +
                             " bytes; only the first " + std::to_string(kMaxVersionInfoBytes) +
                             " are read");
    size = kMaxVersionInfoBytes;
  }
  const auto at = ctx.rva_to_offset(rva, 1);
  if (!at) {
    ctx.problem(*de, "RT_VERSION resource data at RVA " + hex_offset(rva) +
                         " lies outside the section data in the file");
    return;
  }
  const std::uint64_t avail = ctx.bytes_after_rva(rva);
  if (avail < size) {
    ctx.problem(*at, "RT_VERSION resource of " + std::to_string(size) +
                         " bytes is cut short by the end of its section data (" +
                         std::to_string(avail) + " bytes)");
    size = static_cast<std::uint32_t>(avail);
  }
  const auto blob = ctx.read(*at, size);
  ctx.info().version_info = parse_version_info(ctx, blob, *at);
}

}  // namespace sqltriage::pe::detail
