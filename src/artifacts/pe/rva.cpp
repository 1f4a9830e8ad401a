// Bounded reads, the problem list, and RVA-to-file-offset mapping (PE Format, "Section
// Table"): an RVA maps into the first section whose [VirtualAddress, VirtualAddress +
// max(VirtualSize, SizeOfRawData)) holds it, at PointerToRawData (rounded down to 512 bytes
// when FileAlignment is at least 512, as the Windows loader does) plus the distance from
// VirtualAddress; RVAs below SizeOfHeaders map to the same file offset.
#include <algorithm>
#include <cstdio>

#include "artifacts/pe/parse_context.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::pe {

std::optional<std::uint64_t> problem_offset(std::string_view problem) {
  static constexpr std::string_view kTag = "(offset 0x";
  const auto at = problem.rfind(kTag);
  if (at == std::string_view::npos || problem.empty() || problem.back() != ')') return std::nullopt;
  const auto digits = problem.substr(at + kTag.size(), problem.size() - 1 - at - kTag.size());
  if (digits.empty() || digits.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : digits) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<std::uint64_t>(d);
  }
  return v;
}

}  // namespace sqltriage::pe

namespace sqltriage::pe::detail {

std::vector<std::uint8_t> ParseContext::read(std::uint64_t offset, std::size_t n) const {
  std::vector<std::uint8_t> out;
  if (offset >= size_) return out;
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
  out.resize(n);
  std::size_t got = 0;
  try {
    while (got < n) {
      const std::size_t r = source_.read_at(offset + got, out.data() + got, n - got);
      if (r == 0) break;
      got += r;
    }
  } catch (const std::exception& e) {
    throw ArtifactError(display_, std::string("read failed: ") + e.what(), offset + got);
  }
  out.resize(got);
  return out;
}

std::optional<std::vector<std::uint8_t>> ParseContext::read_exact(std::uint64_t offset,
                                                                  std::size_t n) const {
  auto bytes = read(offset, n);
  if (bytes.size() != n) return std::nullopt;
  return bytes;
}

void ParseContext::problem(std::uint64_t offset, std::string_view what) {
  auto& problems = info_.problems;
  if (problems.size() < kMaxProblems) {
    problems.push_back(std::string(what) + " (offset " + hex_offset(offset) + ")");
    return;
  }
  ++dropped_problems_;
  const std::string more =
      "and " + std::to_string(dropped_problems_) + " more problems, not listed one by one";
  if (problems.size() == kMaxProblems)
    problems.push_back(more);
  else
    problems.back() = more;
}

namespace {

struct Mapping {
  std::uint64_t offset = 0;
  std::uint64_t available = 0;  // raw bytes from offset to the end of the section's data
};

std::optional<Mapping> map_rva(const Info& info, std::uint32_t file_alignment, std::uint64_t size,
                               std::uint32_t rva) {
  std::optional<Mapping> m;
  for (const auto& s : info.sections) {
    const std::uint64_t span = std::max(s.virtual_size, s.raw_size);
    if (rva < s.virtual_address || rva >= static_cast<std::uint64_t>(s.virtual_address) + span)
      continue;
    const std::uint64_t delta = rva - s.virtual_address;
    if (delta >= s.raw_size) return std::nullopt;  // zero-filled at load time: not in the file
    std::uint64_t raw = s.raw_offset;
    if (file_alignment >= 0x200) raw &= ~std::uint64_t{0x1FF};
    m = Mapping{raw + delta, s.raw_size - delta};
    break;
  }
  if (!m && rva < info.size_of_headers) m = Mapping{rva, info.size_of_headers - rva};
  if (!m || m->offset >= size) return std::nullopt;
  m->available = std::min(m->available, size - m->offset);
  return m;
}

}  // namespace

std::optional<std::uint64_t> ParseContext::rva_to_offset(std::uint32_t rva,
                                                         std::uint64_t length) const {
  const auto m = map_rva(info_, file_alignment, size_, rva);
  if (!m || m->available < length) return std::nullopt;
  return m->offset;
}

std::uint64_t ParseContext::bytes_after_rva(std::uint32_t rva) const {
  const auto m = map_rva(info_, file_alignment, size_, rva);
  return m ? m->available : 0;
}

std::optional<std::string> ParseContext::read_cstring_at_rva(std::uint32_t rva, std::size_t max,
                                                             std::string_view what,
                                                             std::uint64_t where) {
  const auto m = map_rva(info_, file_alignment, size_, rva);
  if (!m) {
    problem(where, std::string(what) + " at RVA " + hex_offset(rva) +
                       " lies outside every section's data in the file");
    return std::nullopt;
  }
  const auto bytes =
      read(m->offset, static_cast<std::size_t>(std::min<std::uint64_t>(max, m->available)));
  const auto nul = std::find(bytes.begin(), bytes.end(), std::uint8_t{0});
  if (nul == bytes.end()) {
    problem(m->offset, std::string(what) + " has no terminating NUL within " +
                           std::to_string(std::min<std::uint64_t>(max, m->available)) + " bytes");
    return std::nullopt;
  }
  return std::string(bytes.begin(), nul);
}

}  // namespace sqltriage::pe::detail
