#include "sqltriage/byte_source.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace sqltriage {

std::size_t read_fully(const ByteSource& source, std::uint64_t offset, void* buf, std::size_t n) {
  auto* out = static_cast<std::uint8_t*>(buf);
  std::size_t done = 0;
  while (done < n) {
    const std::size_t got = source.read_at(offset + done, out + done, n - done);
    if (got == 0) break;
    done += got;
  }
  return done;
}

namespace {

class HostFile final : public ByteSource {
 public:
  explicit HostFile(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0)
      throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
      int e = errno;
      ::close(fd_);
      throw std::system_error(e, std::generic_category(), "cannot stat " + path.string());
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd_);
      throw std::system_error(EISDIR, std::generic_category(), path.string());
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
    if (S_ISBLK(st.st_mode)) {
      std::uint64_t bytes = 0;
      if (::ioctl(fd_, BLKGETSIZE64, &bytes) == 0) size_ = bytes;
      is_device_ = true;
    }
  }
  ~HostFile() override { ::close(fd_); }
  HostFile(const HostFile&) = delete;
  HostFile& operator=(const HostFile&) = delete;

  std::uint64_t size() const override { return size_; }

  std::vector<ByteRange> data_ranges() const override {
    if (is_device_) return {ByteRange{0, size_}};
    std::vector<ByteRange> out;
    off_t pos = 0;
    const auto end = static_cast<off_t>(size_);
    while (pos < end) {
      off_t data = ::lseek(fd_, pos, SEEK_DATA);
      if (data < 0) {
        if (errno == ENXIO) break;     // only a hole is left
        return {ByteRange{0, size_}};  // no SEEK_DATA here: treat all as data
      }
      off_t hole = ::lseek(fd_, data, SEEK_HOLE);
      if (hole < 0 || hole > end) hole = end;
      out.push_back(
          ByteRange{static_cast<std::uint64_t>(data), static_cast<std::uint64_t>(hole - data)});
      pos = hole;
    }
    return out;
  }

  std::size_t read_at(std::uint64_t offset, void* buf, std::size_t n) const override {
    std::size_t done = 0;
    auto* out = static_cast<char*>(buf);
    while (done < n) {
      ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "read error");
      }
      if (r == 0) break;
      done += static_cast<std::size_t>(r);
    }
    return done;
  }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  bool is_device_ = false;
};

}  // namespace

std::shared_ptr<const ByteSource> open_host_file(const std::filesystem::path& path) {
  return std::make_shared<HostFile>(path);
}

void SplicedSource::append(std::vector<std::uint8_t> bytes) {
  Piece p;
  p.start = size_;
  p.length = bytes.size();
  p.bytes = std::move(bytes);
  size_ += p.length;
  pieces_.push_back(std::move(p));
}

void SplicedSource::append(std::shared_ptr<const ByteSource> source, std::uint64_t offset,
                           std::uint64_t length) {
  Piece p;
  p.start = size_;
  p.length = length;
  p.source = std::move(source);
  p.source_offset = offset;
  size_ += length;
  pieces_.push_back(std::move(p));
}

std::size_t SplicedSource::read_at(std::uint64_t offset, void* buf, std::size_t n) const {
  std::size_t done = 0;
  auto* out = static_cast<std::uint8_t*>(buf);
  // First piece that ends after `offset`.
  auto it =
      std::upper_bound(pieces_.begin(), pieces_.end(), offset,
                       [](std::uint64_t off, const Piece& p) { return off < p.start + p.length; });
  for (; it != pieces_.end() && done < n; ++it) {
    const std::uint64_t at = offset + done;
    const std::uint64_t within = at - it->start;
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(n - done, it->length - within));
    std::size_t got = 0;
    if (it->source) {
      got = it->source->read_at(it->source_offset + within, out + done, want);
    } else {
      std::memcpy(out + done, it->bytes.data() + within, want);
      got = want;
    }
    done += got;
    if (got < want) break;  // the underlying source ended early
  }
  return done;
}

}  // namespace sqltriage
