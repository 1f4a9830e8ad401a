// The $Secure:$SDS stream indexed by security_id (see include/sqltriage/ntfs_security.hpp).
// Format knowledge: libfsntfs's "New Technologies File System (NTFS)" document, $Secure.
#include <algorithm>
#include <array>
#include <exception>
#include <mutex>
#include <unordered_set>
#include <utility>

#include "core/little_endian.hpp"
#include "sqltriage/ntfs_security.hpp"

namespace sqltriage::ntfs {

namespace {

constexpr std::uint64_t kBlock = 256 * 1024;  // each block is followed by its mirror copy
constexpr std::uint64_t kAlign = 16;
constexpr std::uint64_t kHeader = 20;
constexpr std::size_t kMaxErrors = 1000;
constexpr std::size_t kCacheSize = 16;

struct Slot {
  std::uint32_t id = 0;
  std::uint32_t size = 0;  // entry size, header included (< 256 KiB)
  std::uint64_t offset = 0;
};
static_assert(sizeof(Slot) == 16, "the index keeps 16 bytes per descriptor");

struct Cached {
  std::uint32_t id = 0;
  std::optional<DescriptorSummary> summary;
};

}  // namespace

struct SecurityDescriptorStream::Impl {
  std::shared_ptr<const ByteSource> source;
  std::string display_path;
  std::vector<Slot> index;  // sorted by id after the scan

  mutable std::mutex mutex;  // guards everything below
  mutable std::vector<ErrorEntry> errors;
  mutable std::size_t dropped_errors = 0;
  mutable std::unordered_set<std::uint32_t> reported_ids;
  mutable std::array<Cached, kCacheSize> cache{};
  mutable std::size_t cache_next = 0;
  mutable std::size_t cache_used = 0;

  void add_error(std::uint64_t offset, std::string code, std::string message) const {
    if (errors.size() >= kMaxErrors) {
      ++dropped_errors;
      return;
    }
    errors.push_back(ErrorEntry{ArtifactRef{display_path, std::nullopt, offset}, std::move(code),
                                std::move(message)});
  }

  void scan();
  void scan_block(std::uint64_t start, const std::vector<std::uint8_t>& block, std::uint64_t used,
                  bool used_is_known);
  void finish_index();
};

// Scans one primary block held in `block` (its bytes from `start`). Headers are looked for in
// [0, used); entries may extend to the end of `block`. `used_is_known` says that `used` comes
// from the mirror (the last block), so unreadable bytes before it are damage.
void SecurityDescriptorStream::Impl::scan_block(std::uint64_t start,
                                                const std::vector<std::uint8_t>& block,
                                                std::uint64_t used, bool used_is_known) {
  std::size_t entries = 0;
  std::size_t damaged = 0;
  std::optional<std::uint64_t> run_start;  // first byte of a run that is not an entry header
  // A run right after a damaged entry is the rest of that entry: already reported.
  bool run_follows_damage = false;
  auto close_run = [&](std::uint64_t end) {
    if (run_start && !run_follows_damage) {
      ++damaged;
      add_error(start + *run_start, "record",
                "bytes " + std::to_string(start + *run_start) + " to " +
                    std::to_string(start + end) +
                    " hold no valid $SDS entry header (offset field does not match the "
                    "position); skipped");
    }
    run_start.reset();
    run_follows_damage = false;
  };

  std::uint64_t pos = 0;
  while (pos + kHeader <= used) {
    const std::uint8_t* h = block.data() + pos;
    const std::uint32_t hash = le32(h), id = le32(h + 4), size = le32(h + 16);
    const std::uint64_t self = le64(h + 8);
    const std::uint64_t at = start + pos;
    if (hash == 0 && id == 0 && self == 0 && size == 0) {  // padding
      pos += kAlign;
      continue;
    }
    if (self != at) {  // not meant as an entry header: damage or left-over space
      if (!run_start) run_start = pos;
      pos += kAlign;
      continue;
    }
    close_run(pos);
    std::string problem;
    if (size < kHeader)
      problem = "size " + std::to_string(size) + " is below the 20-byte entry header";
    else if (size > block.size() - pos)
      problem = "size " + std::to_string(size) +
                " runs past the end of its 256 KiB block or of "
                "the stream (" +
                std::to_string(block.size() - pos) + " bytes left)";
    else if (id == 0)
      problem = "security_id 0";
    else if (security_descriptor_hash(h + kHeader, size - kHeader) != hash)
      problem =
          "stored hash does not match the descriptor (security_id " + std::to_string(id) + ")";
    if (!problem.empty()) {
      ++damaged;
      add_error(at, "record",
                "$SDS entry at byte offset " + std::to_string(at) + ": " + problem + "; skipped");
      run_follows_damage = true;
      // A size that fits says where the next entry starts; otherwise resynchronise.
      const bool size_fits = size >= kHeader && size <= block.size() - pos;
      pos += size_fits ? (static_cast<std::uint64_t>(size) + kAlign - 1) / kAlign * kAlign : kAlign;
      continue;
    }
    index.push_back(Slot{id, size, at});
    ++entries;
    pos += (static_cast<std::uint64_t>(size) + kAlign - 1) / kAlign * kAlign;
  }
  // A run reaching the end: left-over space after the block's last entry, unless the block
  // has no entry before it or the mirror says these bytes are in use.
  if (run_start && (used_is_known || entries == 0)) close_run(used);
  if (entries == 0 && damaged == 0 && used > 0)
    add_error(start, "record",
              "the 256 KiB $SDS block at byte offset " + std::to_string(start) +
                  " holds no security descriptor entry");
}

void SecurityDescriptorStream::Impl::scan() {
  const std::uint64_t total = source->size();
  std::vector<std::uint8_t> block;
  for (std::uint64_t start = 0; start < total; start += 2 * kBlock) {
    const std::uint64_t length = std::min(kBlock, total - start);
    // The mirror of this block starts at start + kBlock; when it is the last thing in the
    // stream, the stream's end marks how much of this block is in use.
    const bool last = total <= start + 2 * kBlock;
    const bool mirrored = total > start + kBlock;
    const std::uint64_t used =
        (last && mirrored) ? std::min(length, total - start - kBlock) : length;
    block.resize(length);
    std::size_t got = 0;
    try {
      while (got < length) {
        const std::size_t n = source->read_at(start + got, block.data() + got, length - got);
        if (n == 0) break;
        got += n;
      }
    } catch (const std::exception& e) {
      add_error(start + got, "truncated",
                "cannot read at byte offset " + std::to_string(start + got) + ": " + e.what() +
                    "; later descriptors are not indexed");
      return;
    }
    if (got < length) {
      add_error(start + got, "truncated",
                "stream ends at byte offset " + std::to_string(start + got) + " before its size " +
                    std::to_string(total) + "; later descriptors are not indexed");
      block.resize(got);
      scan_block(start, block, std::min<std::uint64_t>(used, got), last && mirrored);
      return;
    }
    scan_block(start, block, used, last && mirrored);
  }
}

void SecurityDescriptorStream::Impl::finish_index() {
  std::stable_sort(index.begin(), index.end(),
                   [](const Slot& a, const Slot& b) { return a.id < b.id; });
  std::vector<Slot> unique;
  unique.reserve(index.size());
  for (const Slot& s : index) {
    if (!unique.empty() && unique.back().id == s.id) {
      add_error(s.offset, "record",
                "$SDS entry at byte offset " + std::to_string(s.offset) + ": security_id " +
                    std::to_string(s.id) + " already defined at byte offset " +
                    std::to_string(unique.back().offset) + "; the first is used");
      continue;
    }
    unique.push_back(s);
  }
  unique.shrink_to_fit();
  index = std::move(unique);
  if (dropped_errors > 0)
    errors.push_back(
        ErrorEntry{ArtifactRef{display_path, std::nullopt, std::nullopt}, "limit",
                   std::to_string(dropped_errors) + " more damaged $SDS entries were not listed"});
  dropped_errors = 0;
}

SecurityDescriptorStream::SecurityDescriptorStream(std::shared_ptr<const ByteSource> sds,
                                                   std::string display_path)
    : impl_(std::make_unique<Impl>()) {
  impl_->source = std::move(sds);
  impl_->display_path = std::move(display_path);
  if (!impl_->source) {
    impl_->add_error(0, "open_failed", "no $SDS bytes to read");
    return;
  }
  impl_->scan();
  impl_->finish_index();
}

SecurityDescriptorStream::~SecurityDescriptorStream() = default;
SecurityDescriptorStream::SecurityDescriptorStream(SecurityDescriptorStream&&) noexcept = default;
SecurityDescriptorStream& SecurityDescriptorStream::operator=(SecurityDescriptorStream&&) noexcept =
    default;

std::optional<DescriptorSummary> SecurityDescriptorStream::lookup(std::uint32_t security_id) const {
  const auto& index = impl_->index;
  const auto it = std::lower_bound(index.begin(), index.end(), security_id,
                                   [](const Slot& s, std::uint32_t id) { return s.id < id; });
  if (it == index.end() || it->id != security_id) return std::nullopt;
  const Slot slot = *it;

  std::lock_guard<std::mutex> lock(impl_->mutex);
  for (std::size_t i = 0; i < impl_->cache_used; ++i)
    if (impl_->cache[i].id == security_id) return impl_->cache[i].summary;

  std::vector<std::uint8_t> bytes(slot.size - kHeader);
  std::string why;
  std::optional<DescriptorSummary> summary;
  try {
    std::size_t got = 0;
    while (got < bytes.size()) {
      const std::size_t n = impl_->source->read_at(slot.offset + kHeader + got, bytes.data() + got,
                                                   bytes.size() - got);
      if (n == 0) break;
      got += n;
    }
    if (got < bytes.size())
      why = "stream ends at byte offset " + std::to_string(slot.offset + kHeader + got);
    else
      summary = parse_security_descriptor(bytes.data(), bytes.size(), &why);
  } catch (const std::exception& e) {
    why = std::string("read failed: ") + e.what();
  }
  // Not capped: at most one message per indexed id.
  if (!summary && impl_->reported_ids.insert(security_id).second)
    impl_->errors.push_back(ErrorEntry{
        ArtifactRef{impl_->display_path, std::nullopt, slot.offset}, "record",
        "security descriptor " + std::to_string(security_id) + " ($SDS entry at byte offset " +
            std::to_string(slot.offset) + ") is malformed: " + why});

  Cached& c = impl_->cache[impl_->cache_next];
  c.id = security_id;
  c.summary = summary;
  impl_->cache_next = (impl_->cache_next + 1) % kCacheSize;
  impl_->cache_used = std::min(impl_->cache_used + 1, kCacheSize);
  return summary;
}

const std::vector<ErrorEntry>& SecurityDescriptorStream::errors() const { return impl_->errors; }

std::size_t SecurityDescriptorStream::size() const { return impl_->index.size(); }

const std::string& SecurityDescriptorStream::display_path() const { return impl_->display_path; }

}  // namespace sqltriage::ntfs
