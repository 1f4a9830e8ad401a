// The one pass over a file's bytes: MD5, SHA-1, SHA-256 (OpenSSL EVP), ssdeep (libfuzzy's
// streaming state), TLSH (libtlsh's Tlsh class), byte histograms for the whole file and
// each section's raw data (Shannon entropy), and for a PE the Authenticode image hashes.
//
// Authenticode image hash ("Windows Authenticode Portable Executable Signature Format"):
// the digest of the file's bytes in file order with three ranges left out: the optional
// header's CheckSum (4 bytes), the certificate table's data directory entry (8 bytes) and
// the certificate table itself. This is the linear form signtool, osslsigncode and
// Windows' own verification compute; for a file whose sections follow the headers in
// order it equals the specification's section-by-section form.
//
// TLSH: libtlsh 3.4.4 prints the 70 hex digits of the original digest; the current format
// (TLSH 4.x, VirusTotal, MalwareBazaar) is "T1" followed by the same 70 upper-case hex
// digits: the checksum, length and quartile bytes keep their order and nibble swapping. Two
// differences remain: 3.4.4 wants at least 256 bytes (4.x: 50), so files of 50-255 bytes
// get no TLSH here; and 4.x defines the TLSH of a file over 4 GiB as that of its first
// 4 GiB - 1 byte, which is what we feed (3.4.4 counts the length in 32 bits).
#include <fuzzy.h>
#include <tlsh.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <system_error>

#include "core/digest.hpp"
#include "artifacts/pe/side_worker.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/pe.hpp"

namespace sqltriage::pe {

namespace {

constexpr std::size_t kChunk = 1 << 20;
constexpr std::uint64_t kTlshMaxBytes = 0xFFFFFFFFull;

struct FuzzyFree {
  void operator()(fuzzy_state* s) const { fuzzy_free(s); }
};

class Histogram {
 public:
  void add(const std::uint8_t* p, std::size_t n) {
    // Four tables so that runs of one byte value do not serialise on one counter.
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      ++c_[0][p[i]];
      ++c_[1][p[i + 1]];
      ++c_[2][p[i + 2]];
      ++c_[3][p[i + 3]];
    }
    for (; i < n; ++i) ++c_[0][p[i]];
  }
  double entropy() const {
    std::uint64_t total = 0;
    std::array<std::uint64_t, 256> sum{};
    for (int v = 0; v < 256; ++v) {
      sum[v] = c_[0][v] + c_[1][v] + c_[2][v] + c_[3][v];
      total += sum[v];
    }
    if (total == 0) return 0.0;
    double h = 0.0;
    for (const auto count : sum) {
      if (count == 0) continue;
      const double p = static_cast<double>(count) / static_cast<double>(total);
      h -= p * std::log2(p);
    }
    return h;
  }

 private:
  std::array<std::array<std::uint64_t, 256>, 4> c_{};
};

struct Range {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

// The ranges the image hash leaves out, sorted, non-empty, merged where they overlap.
std::vector<Range> excluded_ranges(const AuthenticodeLayout& l) {
  std::vector<Range> r;
  if (l.checksum_offset != 0) r.push_back({l.checksum_offset, l.checksum_offset + 4});
  if (l.security_entry_offset != 0)
    r.push_back({l.security_entry_offset, l.security_entry_offset + 8});
  if (l.cert_table_size != 0)
    r.push_back({l.cert_table_offset, l.cert_table_offset + l.cert_table_size});
  std::sort(r.begin(), r.end(), [](const Range& a, const Range& b) { return a.begin < b.begin; });
  std::vector<Range> merged;
  for (const auto& x : r) {
    if (!merged.empty() && x.begin <= merged.back().end)
      merged.back().end = std::max(merged.back().end, x.end);
    else
      merged.push_back(x);
  }
  return merged;
}

// Calls fn(pointer, length) for the parts of [offset, offset + n) outside `skip`.
template <typename Fn>
void for_each_kept_piece(const std::vector<Range>& skip, std::uint64_t offset,
                         const std::uint8_t* data, std::size_t n, Fn&& fn) {
  std::uint64_t pos = offset;
  const std::uint64_t end = offset + n;
  for (const auto& r : skip) {
    if (r.end <= pos) continue;
    if (r.begin >= end) break;
    if (r.begin > pos) fn(data + (pos - offset), static_cast<std::size_t>(r.begin - pos));
    pos = std::min(end, r.end);
  }
  if (pos < end) fn(data + (pos - offset), static_cast<std::size_t>(end - pos));
}

// Reads the whole source front to back in chunks of a fresh buffer each (so that another
// thread may still hash the previous ones), calling fn(offset, chunk).
template <typename Fn>
void read_all(const ByteSource& source, const std::string& display_path, Fn&& fn) {
  const std::uint64_t size = source.size();
  for (std::uint64_t offset = 0; offset < size;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - offset));
    auto chunk = std::make_shared<std::vector<std::uint8_t>>(want);
    auto& buf = *chunk;
    std::size_t got = 0;
    try {
      while (got < want) {
        const std::size_t r = source.read_at(offset + got, buf.data() + got, want - got);
        if (r == 0)
          throw ArtifactError(display_path,
                              "the file ended early: " + std::to_string(size) +
                                  " bytes expected, no more after " + std::to_string(offset + got),
                              offset + got);
        got += r;
      }
    } catch (const ArtifactError&) {
      throw;
    } catch (const std::exception& e) {
      throw ArtifactError(display_path, std::string("read failed: ") + e.what(), offset + got);
    }
    fn(offset, detail::Chunk(std::move(chunk)));
    offset += want;
  }
}

}  // namespace

Hashes hash_file(const ByteSource& source, Info* info, const std::string& display_path) {
  const std::uint64_t size = source.size();
  Digest md5("md5"), sha1("sha1"), sha256("sha256");
  std::optional<Digest> auth_sha1, auth_sha256;
  std::vector<Range> skip;
  struct SectionRange {
    Range range;
    Histogram histogram;
  };
  std::vector<SectionRange> sections;
  if (info != nullptr) {
    auth_sha1.emplace("sha1");
    auth_sha256.emplace("sha256");
    skip = excluded_ranges(info->authenticode);
    for (const auto& s : info->sections) {
      const std::uint64_t begin = std::min<std::uint64_t>(s.raw_offset, size);
      const std::uint64_t end =
          std::min<std::uint64_t>(std::uint64_t{s.raw_offset} + s.raw_size, size);
      sections.push_back({{begin, end}, {}});
    }
  }
  std::unique_ptr<fuzzy_state, FuzzyFree> fuzzy(fuzzy_new());
  if (!fuzzy) throw ArtifactError(display_path, "libfuzzy: fuzzy_new failed");
  if (fuzzy_set_total_input_length(fuzzy.get(), size) != 0)
    throw ArtifactError(display_path, "libfuzzy: file too large for ssdeep");
  Tlsh tlsh;
  Histogram whole;

  // TLSH (libtlsh 3.4.4 is the slowest of them all) and MD5 run on a second thread.
  detail::SideWorker side([&](std::uint64_t offset, const detail::Chunk& chunk) {
    const std::uint8_t* p = chunk->data();
    const std::size_t n = chunk->size();
    md5.update(p, n);
    if (offset < kTlshMaxBytes)
      tlsh.update(p, static_cast<unsigned int>(std::min<std::uint64_t>(n, kTlshMaxBytes - offset)));
  });
  read_all(source, display_path, [&](std::uint64_t offset, const detail::Chunk& chunk) {
    side.push(offset, chunk);
    const std::uint8_t* p = chunk->data();
    const std::size_t n = chunk->size();
    sha1.update(p, n);
    sha256.update(p, n);
    if (fuzzy_update(fuzzy.get(), p, n) != 0)
      throw ArtifactError(display_path, "libfuzzy: fuzzy_update failed", offset);
    whole.add(p, n);
    if (info == nullptr) return;
    for_each_kept_piece(skip, offset, p, n, [&](const std::uint8_t* q, std::size_t m) {
      auth_sha1->update(q, m);
      auth_sha256->update(q, m);
    });
    const std::uint64_t end = offset + n;
    for (auto& s : sections) {
      const std::uint64_t b = std::max(s.range.begin, offset);
      const std::uint64_t e = std::min(s.range.end, end);
      if (b < e) s.histogram.add(p + (b - offset), static_cast<std::size_t>(e - b));
    }
  });

  side.finish();

  Hashes h;
  h.md5 = md5.final_hex();
  h.sha1 = sha1.final_hex();
  h.sha256 = sha256.final_hex();
  std::array<char, FUZZY_MAX_RESULT> digest{};
  if (fuzzy_digest(fuzzy.get(), digest.data(), 0) != 0)
    throw ArtifactError(display_path, "libfuzzy: fuzzy_digest failed");
  h.ssdeep = digest.data();
  tlsh.final();
  const std::string t = tlsh.getHash();
  if (!t.empty()) h.tlsh = "T1" + t;
  h.entropy = whole.entropy();
  if (info != nullptr) {
    h.authenticode_sha1 = auth_sha1->final_hex();
    h.authenticode_sha256 = auth_sha256->final_hex();
    for (std::size_t i = 0; i < sections.size(); ++i) {
      const auto& s = info->sections[i];
      if (s.raw_size > 0 && s.raw_offset >= size)
        info->sections[i].entropy.reset();
      else
        info->sections[i].entropy = sections[i].histogram.entropy();
    }
  }
  return h;
}

std::vector<std::uint8_t> authenticode_digest(const ByteSource& source, const Info& info,
                                              std::string_view algorithm,
                                              const std::string& display_path) {
  Digest digest(algorithm);
  const auto skip = excluded_ranges(info.authenticode);
  read_all(source, display_path, [&](std::uint64_t offset, const detail::Chunk& chunk) {
    for_each_kept_piece(skip, offset, chunk->data(), chunk->size(),
                        [&](const std::uint8_t* q, std::size_t m) { digest.update(q, m); });
  });
  return digest.final();
}

}  // namespace sqltriage::pe
