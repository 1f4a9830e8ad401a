// The accumulators' lookup tables (weblog_analysis.hpp, namespace detail): an interner of
// strings and an open-addressing set of 32-bit pairs, so a request costs a few hash probes
// instead of ordered-set searches that compare whole strings; the pairs are grouped (a
// counting sort, 4 bytes a pair) only when a caller lists them.
#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage::weblog::detail {
namespace {

/// splitmix64's finaliser: spreads a pair's bits over the table index.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr std::size_t kFirstTableSize = 1024;

std::uint64_t cell(std::uint32_t group, std::uint32_t id) {
  return ((std::uint64_t{group} << 32) | id) + 1;
}

}  // namespace

std::uint32_t Interner::id(std::string_view s) {
  const std::uint64_t hash = std::hash<std::string_view>{}(s);
  const std::uint64_t tag = hash >> 32 << 32;
  if ((names_.size() + 1) * 2 > table_.size()) {  // keep the table at most half full
    std::vector<std::uint64_t> old(std::max(table_.size() * 2, kFirstTableSize), 0);
    old.swap(table_);
    const std::size_t mask = table_.size() - 1;
    for (const std::uint64_t v : old) {
      if (v == 0) continue;
      std::size_t i = std::hash<std::string_view>{}(names_[(v & 0xFFFFFFFFULL) - 1]) & mask;
      while (table_[i] != 0) i = (i + 1) & mask;
      table_[i] = v;
    }
  }
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint64_t v = table_[i];
    if (v == 0) {
      const auto next = static_cast<std::uint32_t>(names_.size());
      names_.emplace_back(s);
      table_[i] = tag | (std::uint64_t{next} + 1);
      return next;
    }
    if ((v & ~0xFFFFFFFFULL) == tag) {
      const auto id = static_cast<std::uint32_t>((v & 0xFFFFFFFFULL) - 1);
      if (names_[id] == s) return id;
    }
  }
}

std::optional<std::uint32_t> Interner::find(std::string_view s) const {
  if (table_.empty()) return std::nullopt;
  const std::uint64_t hash = std::hash<std::string_view>{}(s);
  const std::uint64_t tag = hash >> 32 << 32;
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const std::uint64_t v = table_[i];
    if (v == 0) return std::nullopt;
    if ((v & ~0xFFFFFFFFULL) == tag) {
      const auto id = static_cast<std::uint32_t>((v & 0xFFFFFFFFULL) - 1);
      if (names_[id] == s) return id;
    }
  }
}

bool PairSet::contains(std::uint32_t group, std::uint32_t id) const {
  if (table_.empty()) return false;
  const std::uint64_t value = cell(group, id);
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = mix(value) & mask;; i = (i + 1) & mask) {
    if (table_[i] == value) return true;
    if (table_[i] == 0) return false;
  }
}

bool PairSet::insert(std::uint32_t group, std::uint32_t id) {
  if ((count_ + 1) * 2 > table_.size()) {  // keep the table at most half full
    std::vector<std::uint64_t> old(std::max(table_.size() * 2, kFirstTableSize), 0);
    old.swap(table_);
    const std::size_t mask = table_.size() - 1;
    for (const std::uint64_t v : old) {
      if (v == 0) continue;
      std::size_t i = mix(v) & mask;
      while (table_[i] != 0) i = (i + 1) & mask;
      table_[i] = v;
    }
  }
  const std::uint64_t value = cell(group, id);
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = mix(value) & mask;; i = (i + 1) & mask) {
    if (table_[i] == value) return false;
    if (table_[i] == 0) {
      table_[i] = value;
      ++count_;
      return true;
    }
  }
}

PairSet::Groups PairSet::by_group(std::size_t groups) const {
  // A counting sort of the pairs by group.
  Groups out;
  out.start.assign(groups + 1, 0);
  for (const std::uint64_t v : table_) {
    if (v != 0 && ((v - 1) >> 32) < groups) ++out.start[((v - 1) >> 32) + 1];
  }
  for (std::size_t g = 0; g < groups; ++g) out.start[g + 1] += out.start[g];
  out.ids.resize(out.start[groups]);
  std::vector<std::size_t> fill(out.start.begin(), out.start.end() - 1);
  for (const std::uint64_t v : table_) {
    if (v == 0 || ((v - 1) >> 32) >= groups) continue;
    out.ids[fill[(v - 1) >> 32]++] = static_cast<std::uint32_t>((v - 1) & 0xFFFFFFFFULL);
  }
  return out;
}

std::vector<std::string> sorted_names(const PairSet::Groups& groups, std::size_t g,
                                      const Interner& names) {
  std::vector<std::string> out;
  if (g + 1 >= groups.start.size()) return out;
  out.reserve(groups.start[g + 1] - groups.start[g]);
  for (std::size_t i = groups.start[g]; i < groups.start[g + 1]; ++i)
    out.push_back(names.name(groups.ids[i]));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sqltriage::weblog::detail
