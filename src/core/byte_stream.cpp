#include "core/byte_stream.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "sqltriage/error.hpp"

namespace sqltriage::stream {
namespace {

constexpr std::size_t kChunkBytes = 64 * 1024;

class PlainStream final : public ByteStream {
 public:
  explicit PlainStream(std::shared_ptr<const ByteSource> source) : source_(std::move(source)) {}

  std::size_t read(char* buf, std::size_t n) override {
    const std::size_t got = source_->read_at(offset_, buf, n);
    offset_ += got;
    return got;
  }

 private:
  std::shared_ptr<const ByteSource> source_;
  std::uint64_t offset_ = 0;
};

// RAII over a z_stream set up for gzip-wrapped inflate.
class Inflater {
 public:
  Inflater() {
    // 15 + 16: a 32 KiB window, gzip header and trailer (RFC 1952) expected.
    if (inflateInit2(&zs_, 15 + 16) != Z_OK) throw std::bad_alloc();
  }
  ~Inflater() { inflateEnd(&zs_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* get() { return &zs_; }

 private:
  z_stream zs_{};
};

class GzipStream final : public ByteStream {
 public:
  explicit GzipStream(std::shared_ptr<const ByteSource> source)
      : source_(std::move(source)), in_(kChunkBytes) {}

  std::size_t read(char* buf, std::size_t n) override {
    if (done_ || n == 0) return 0;
    z_stream* zs = inflater_.get();
    zs->next_out = reinterpret_cast<Bytef*>(buf);
    zs->avail_out = static_cast<uInt>(n);
    while (zs->avail_out == n && !done_) {
      if (zs->avail_in == 0) refill();
      // With no input left, inflate still hands out output it holds back; no progress then
      // means the member ends before its trailer.
      const bool at_end = zs->avail_in == 0;
      const int rc = inflate(zs, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        next_member();
      } else if (at_end && (rc == Z_BUF_ERROR || (rc == Z_OK && zs->avail_out == n))) {
        truncation_ = "gzip stream ends early: the compressed data stops at offset " +
                      std::to_string(in_offset_) + " before the end of the member";
        done_ = true;
      } else if (rc != Z_OK) {
        truncation_ = "gzip stream damaged at compressed offset " + std::to_string(consumed()) +
                      ": " + (zs->msg != nullptr ? zs->msg : "inflate error " + std::to_string(rc));
        done_ = true;
      }
    }
    return n - zs->avail_out;
  }

  std::optional<std::string> truncation() const override { return truncation_; }

 private:
  // Compressed offset of the next byte inflate has not consumed.
  std::uint64_t consumed() { return in_offset_ - inflater_.get()->avail_in; }

  void refill() {
    const std::size_t got = source_->read_at(in_offset_, in_.data(), in_.size());
    if (got == 0) return;
    in_offset_ += got;
    z_stream* zs = inflater_.get();
    zs->next_in = in_.data();
    zs->avail_in = static_cast<uInt>(got);
  }

  // After a member's trailer: another member follows when the next bytes are 1F 8B; anything
  // else ends the stream: the end of the file, zero padding (tape and block tools add it), or
  // bytes that are not gzip, which are reported rather than dropped unsaid.
  void next_member() {
    const std::uint64_t at = consumed();
    unsigned char magic[2] = {0, 0};
    if (source_->read_at(at, magic, 2) == 2 && magic[0] == 0x1F && magic[1] == 0x8B) {
      inflateReset(inflater_.get());
      return;
    }
    done_ = true;
    const std::uint64_t rest = source_->size() > at ? source_->size() - at : 0;
    if (rest == 0) return;
    std::vector<unsigned char> tail(static_cast<std::size_t>(std::min<std::uint64_t>(rest, 4096)));
    const std::size_t got = read_fully(*source_, at, tail.data(), tail.size());
    const bool padding =
        rest <= tail.size() && got == tail.size() &&
        std::all_of(tail.begin(), tail.end(), [](unsigned char b) { return b == 0; });
    if (!padding)
      truncation_ = std::to_string(rest) + " bytes after the last gzip member, at compressed " +
                    "offset " + std::to_string(at) + ", are not gzip: not read";
  }

  std::shared_ptr<const ByteSource> source_;
  Inflater inflater_;
  std::vector<unsigned char> in_;
  std::uint64_t in_offset_ = 0;  // compressed offset just past the bytes read into in_
  bool done_ = false;
  std::optional<std::string> truncation_;
};

}  // namespace

bool is_gzip(const ByteSource& source) {
  unsigned char magic[2] = {0, 0};
  return source.read_at(0, magic, 2) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
}

std::unique_ptr<ByteStream> plain_stream(std::shared_ptr<const ByteSource> source) {
  return std::make_unique<PlainStream>(std::move(source));
}

std::unique_ptr<ByteStream> gzip_stream(std::shared_ptr<const ByteSource> source,
                                        const std::string& display) {
  unsigned char header[4] = {0, 0, 0, 0};
  const std::size_t got = source->read_at(0, header, sizeof header);
  if (got >= 3 && header[2] != 8)
    throw ArtifactError(display,
                        "not a gzip stream: compression method " + std::to_string(header[2]) +
                            " where gzip has 8 (deflate)",
                        2);
  if (got >= 4 && (header[3] & 0xE0) != 0)
    throw ArtifactError(display, "not a gzip stream: reserved header flag bits set", 3);
  return std::make_unique<GzipStream>(std::move(source));
}

LineSplitter::LineSplitter(ByteStream& in) : in_(in), buf_(kChunkBytes) {}

bool LineSplitter::fill() {
  if (eof_) return false;
  buf_offset_ += end_;
  pos_ = 0;
  end_ = in_.read(buf_.data(), buf_.size());
  if (end_ == 0) eof_ = true;
  return end_ != 0;
}

bool LineSplitter::next(LineView& out) {
  line_.clear();
  if (pos_ == end_ && !fill()) return false;
  out = LineView{};
  out.offset = buf_offset_ + pos_;
  std::uint64_t length = 0;  // bytes of the line before its '\n'
  bool overlong = false;
  bool in_buffer = false;  // the whole line sits in buf_[start, start + length)
  std::size_t start = pos_;
  for (;;) {
    if (pos_ == end_) {
      if (!fill()) {
        out.terminated = false;
        break;
      }
      start = 0;
    }
    const char* from = buf_.data() + pos_;
    const auto* nl = static_cast<const char*>(std::memchr(from, '\n', end_ - pos_));
    const std::size_t piece = nl != nullptr ? static_cast<std::size_t>(nl - from) : end_ - pos_;
    length += piece;
    if (!overlong && length > kMaxLineBytes) {
      overlong = true;
      line_.clear();
      line_.shrink_to_fit();
    }
    if (nl != nullptr && !overlong && line_.empty() && length == piece) {
      in_buffer = true;  // fast path: no copy
    } else if (!overlong) {
      line_.append(from, piece);
    }
    pos_ += piece;
    if (nl != nullptr) {
      ++pos_;  // past '\n'
      break;
    }
  }
  if (length == 0 && !out.terminated) return false;  // nothing after the last line end
  out.number = ++number_;
  if (overlong) {
    out.overlong_bytes = length;
    return true;
  }
  std::string_view text = in_buffer ? std::string_view(buf_.data() + start, length) : line_;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (out.number == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  out.text = text;
  return true;
}

}  // namespace sqltriage::stream
