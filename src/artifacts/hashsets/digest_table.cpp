#include "artifacts/hashsets/digest_table.hpp"

#include <algorithm>
#include <cstring>

namespace sqltriage::hashsets::detail {

namespace {
template <typename RowT>
void push(std::vector<RowT>& rows, const DigestBytes& digest, std::uint64_t where) {
  RowT row{};
  std::memcpy(row.digest.data(), digest.data(), row.digest.size());
  row.where = where;
  rows.push_back(row);
}

template <typename RowT>
void sort_rows(std::vector<RowT>& rows) {
  std::sort(rows.begin(), rows.end(), [](const RowT& a, const RowT& b) {
    return a.digest != b.digest ? a.digest < b.digest : a.where < b.where;
  });
  rows.shrink_to_fit();
}

template <typename RowT>
std::optional<std::uint64_t> find_row(const std::vector<RowT>& rows, const DigestBytes& digest) {
  decltype(RowT::digest) key{};
  std::memcpy(key.data(), digest.data(), key.size());
  auto it = std::lower_bound(rows.begin(), rows.end(), key,
                             [](const RowT& r, const auto& k) { return r.digest < k; });
  if (it == rows.end() || it->digest != key) return std::nullopt;
  return it->where;
}
}  // namespace

void DigestTable::add(Algorithm a, const DigestBytes& digest, std::uint64_t where) {
  switch (a) {
    case Algorithm::md5:
      push(md5_, digest, where);
      break;
    case Algorithm::sha1:
      push(sha1_, digest, where);
      break;
    case Algorithm::sha256:
      push(sha256_, digest, where);
      break;
  }
}

void DigestTable::finish() {
  sort_rows(md5_);
  sort_rows(sha1_);
  sort_rows(sha256_);
}

std::optional<std::uint64_t> DigestTable::find(Algorithm a, const DigestBytes& digest) const {
  switch (a) {
    case Algorithm::md5:
      return find_row(md5_, digest);
    case Algorithm::sha1:
      return find_row(sha1_, digest);
    case Algorithm::sha256:
      return find_row(sha256_, digest);
  }
  return std::nullopt;
}

std::size_t DigestTable::size() const { return md5_.size() + sha1_.size() + sha256_.size(); }

std::size_t DigestTable::memory_bytes() const {
  return md5_.capacity() * sizeof(Row<16>) + sha1_.capacity() * sizeof(Row<20>) +
         sha256_.capacity() * sizeof(Row<32>);
}

}  // namespace sqltriage::hashsets::detail
