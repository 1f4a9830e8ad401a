// mft::PathResolver: full paths from $FILE_NAME parent references, with a flat bounded
// cache of folder paths. Parent rules follow The Sleuth Kit's, so paths equal fls's:
// a parent matches when its sequence equals the reference's, or, for a parent no longer in
// use, is one higher (NTFS increments the sequence when it frees an entry).
#include <algorithm>
#include <unordered_map>

#include "sqltriage/error.hpp"
#include "sqltriage/mft.hpp"

namespace sqltriage::mft {

namespace {

constexpr std::uint64_t kRootEntry = 5;
constexpr std::uint64_t kEntryMask = 0x0000FFFFFFFFFFFFULL;
constexpr std::size_t kMaxDepth = 1024;
constexpr std::string_view kOrphans = "\\$OrphanFiles";
constexpr std::string_view kCycle = "\\$Cycle";

std::uint64_t entry_of(std::uint64_t ref) { return ref & kEntryMask; }
std::uint16_t sequence_of(std::uint64_t ref) { return static_cast<std::uint16_t>(ref >> 48); }

// Whether an entry with `sequence` / `in_use` is the one a reference with `wanted` names.
bool sequence_matches(std::uint16_t wanted, std::uint16_t sequence, bool in_use) {
  if (wanted == 0) return true;  // references without a sequence (NTFS 1.x) match any
  if (sequence == wanted) return true;
  return !in_use && sequence == static_cast<std::uint16_t>(wanted + 1);
}

std::string orphan_name(std::uint64_t entry) { return "OrphanFile-" + std::to_string(entry); }

}  // namespace

const FileName* primary_name(const Entry& e) {
  const FileName* dos = nullptr;
  for (const auto& fn : e.file_names) {
    if (fn.name_space != 2) return &fn;
    if (dos == nullptr) dos = &fn;
  }
  return dos;
}

struct PathResolver::Impl {
  struct Folder {
    std::uint16_t sequence = 0;
    bool in_use = false;
    std::string path;       // "" for the root
    std::size_t depth = 0;  // folders between it and the root, itself included
  };
  struct Link {
    std::uint64_t entry = 0;
    std::uint16_t sequence = 0;
    bool in_use = false;
    std::string name;
  };

  const EntrySource& source;
  std::size_t max_cached;
  std::unordered_map<std::uint64_t, Folder> cache;
  Entry scratch;
  std::vector<Link> chain;

  // The path of the folder `ref` names, "" for the root; "\$OrphanFiles" when it cannot be
  // followed; std::nullopt for a cycle or a chain deeper than kMaxDepth.
  std::optional<std::string> folder_path(std::uint64_t ref) {
    chain.clear();
    std::string prefix;
    std::size_t depth = 0;  // of the prefix
    std::uint64_t cur = ref;
    for (;;) {
      const std::uint64_t entry = entry_of(cur);
      const std::uint16_t wanted = sequence_of(cur);
      if (entry == kRootEntry) break;  // prefix "" (the root)
      if (auto it = cache.find(entry); it != cache.end()) {
        if (!sequence_matches(wanted, it->second.sequence, it->second.in_use)) {
          prefix = kOrphans;
        } else if (it->second.depth + chain.size() > kMaxDepth) {
          return std::nullopt;  // as deep as an uncached walk would find it
        } else {
          prefix = it->second.path;
          depth = it->second.depth;
        }
        break;
      }
      if (chain.size() >= kMaxDepth) return std::nullopt;
      if (std::any_of(chain.begin(), chain.end(), [&](const Link& l) { return l.entry == entry; }))
        return std::nullopt;
      bool readable = false;
      try {
        readable = entry < source.size() && source.read(entry, scratch);
      } catch (const ArtifactError&) {
        readable = false;
      }
      const FileName* name = readable ? primary_name(scratch) : nullptr;
      if (name == nullptr || !sequence_matches(wanted, scratch.sequence, scratch.in_use)) {
        prefix = kOrphans;
        break;
      }
      chain.push_back(Link{entry, scratch.sequence, scratch.in_use, name->name});
      cur = name->parent_reference;
    }
    // Build the paths top-down and remember every folder on the way.
    std::string path = std::move(prefix);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      path += '\\';
      path += it->name;
      remember(it->entry, Folder{it->sequence, it->in_use, path, ++depth});
    }
    return path;
  }

  void remember(std::uint64_t entry, Folder folder) {
    if (max_cached == 0) return;
    if (cache.size() >= max_cached) cache.clear();
    cache.insert_or_assign(entry, std::move(folder));
  }

  std::string path(const Entry& e, const FileName* name) {
    if (e.entry == kRootEntry) return "\\";
    if (name == nullptr) return std::string(kOrphans) + "\\" + orphan_name(e.entry);
    auto folder = folder_path(name->parent_reference);
    if (!folder) return std::string(kCycle) + "\\" + name->name;
    std::string out = std::move(*folder);
    out += '\\';
    out += name->name;
    return out;
  }
};

PathResolver::PathResolver(const EntrySource& source, std::size_t max_cached)
    : impl_(std::make_unique<Impl>(Impl{source, max_cached, {}, {}, {}})) {}

PathResolver::~PathResolver() = default;

std::string PathResolver::path(const Entry& e) { return impl_->path(e, primary_name(e)); }

std::string PathResolver::path(const Entry& e, const FileName& name) {
  return impl_->path(e, &name);
}

std::string PathResolver::path_of_reference(std::uint64_t file_reference) {
  const std::uint64_t entry = entry_of(file_reference);
  if (entry == kRootEntry) return "\\";
  auto& cache = impl_->cache;
  if (auto it = cache.find(entry);
      it != cache.end() &&
      sequence_matches(sequence_of(file_reference), it->second.sequence, it->second.in_use))
    return it->second.path;
  Entry e;
  bool readable = false;
  try {
    readable = entry < impl_->source.size() && impl_->source.read(entry, e);
  } catch (const ArtifactError&) {
    readable = false;
  }
  if (!readable || !sequence_matches(sequence_of(file_reference), e.sequence, e.in_use))
    return std::string(kOrphans) + "\\" + orphan_name(entry);
  std::string out = path(e);
  if (e.is_directory) {
    const auto depth = static_cast<std::size_t>(std::count(out.begin(), out.end(), '\\'));
    impl_->remember(entry, Impl::Folder{e.sequence, e.in_use, out, depth});
  }
  return out;
}

}  // namespace sqltriage::mft
