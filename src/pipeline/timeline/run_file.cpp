// Run files of the timeline's external merge: one record per event, u32 length then the
// fields (u64 little-endian numbers, u32-length-prefixed strings).
#include "pipeline/timeline/run_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace sqltriage::pipeline::timeline {

namespace {

constexpr std::size_t kStreamBuffer = 1 << 20;

enum Flags : std::uint8_t {
  kRecord = 1,
  kOffset = 2,
  kFinding = 4,
  kFileSize = 8,
  kFileEntry = 16,
};

void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_string(std::string& out, const std::string& s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out += s;
}

std::string encode(const SequencedEvent& s) {
  const auto& e = s.event;
  std::string out;
  out.reserve(64 + e.message.size() + e.artifact.path.size() + e.file_path.size());
  put_u64(out, e.time);
  put_u64(out, s.seq);
  out += static_cast<char>(e.severity);
  std::uint8_t flags = 0;
  if (e.artifact.record) flags |= kRecord;
  if (e.artifact.offset) flags |= kOffset;
  if (e.finding) flags |= kFinding;
  if (e.file_size) flags |= kFileSize;
  if (e.file_entry) flags |= kFileEntry;
  out += static_cast<char>(flags);
  if (e.artifact.record) put_u64(out, *e.artifact.record);
  if (e.artifact.offset) put_u64(out, *e.artifact.offset);
  if (e.finding) put_u64(out, *e.finding);
  if (e.file_size) put_u64(out, *e.file_size);
  if (e.file_entry) put_u64(out, *e.file_entry);
  for (const std::string* f : {&e.source, &e.timestamp_desc, &e.message, &e.host, &e.user,
                               &e.artifact.path, &e.finding_type, &e.file_path, &e.file_mode})
    put_string(out, *f);
  return out;
}

/// Reads the fields of one record; throws std::out_of_range when it is short.
class Cursor {
 public:
  Cursor(const char* p, std::size_t n) : p_(p), n_(n) {}
  std::uint64_t u64() {
    need(8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= std::uint64_t(static_cast<unsigned char>(p_[at_ + i])) << (8 * i);
    at_ += 8;
    return v;
  }
  std::uint32_t u32() {
    need(4);
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= std::uint32_t(static_cast<unsigned char>(p_[at_ + i])) << (8 * i);
    at_ += 4;
    return v;
  }
  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(p_[at_++]);
  }
  std::string str() {
    const std::uint32_t len = u32();
    need(len);
    std::string s(p_ + at_, len);
    at_ += len;
    return s;
  }

 private:
  void need(std::size_t k) const {
    if (n_ - at_ < k) throw std::out_of_range("record cut short");
  }
  const char* p_;
  std::size_t n_;
  std::size_t at_ = 0;
};

void decode(const char* p, std::size_t n, SequencedEvent& s) {
  Cursor c(p, n);
  auto& e = s.event;
  e = TimelineEvent{};
  e.time = c.u64();
  s.seq = c.u64();
  const std::uint8_t sev = c.u8();
  e.severity = sev <= static_cast<std::uint8_t>(Severity::critical) ? static_cast<Severity>(sev)
                                                                    : Severity::info;
  const std::uint8_t flags = c.u8();
  if (flags & kRecord) e.artifact.record = c.u64();
  if (flags & kOffset) e.artifact.offset = c.u64();
  if (flags & kFinding) e.finding = static_cast<std::size_t>(c.u64());
  if (flags & kFileSize) e.file_size = c.u64();
  if (flags & kFileEntry) e.file_entry = c.u64();
  for (std::string* f : {&e.source, &e.timestamp_desc, &e.message, &e.host, &e.user,
                         &e.artifact.path, &e.finding_type, &e.file_path, &e.file_mode})
    *f = c.str();
}

}  // namespace

RunFile::RunFile(const std::filesystem::path& dir) {
  std::string pattern = (dir / "sqltriage-timeline-XXXXXX").string();
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0)
    throw std::runtime_error("cannot create a temporary run file in " + dir.string() + ": " +
                             std::strerror(errno));
  ::close(fd);
  path_ = pattern;
}

RunFile::~RunFile() {
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

RunWriter::RunWriter(const RunFile& file) : path_(file.path()), buffer_(kStreamBuffer) {
  out_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_) throw std::runtime_error("cannot open the temporary run file " + path_.string());
}

void RunWriter::write(const SequencedEvent& e) {
  const std::string rec = encode(e);
  std::string len;
  put_u32(len, static_cast<std::uint32_t>(rec.size()));
  out_.write(len.data(), 4);
  out_.write(rec.data(), static_cast<std::streamsize>(rec.size()));
}

void RunWriter::finish() {
  out_.flush();
  if (!out_)
    throw std::runtime_error("cannot write the temporary run file " + path_.string() +
                             " (disk full?)");
  out_.close();
  if (out_.fail())
    throw std::runtime_error("cannot write the temporary run file " + path_.string() +
                             " (disk full?)");
}

RunReader::RunReader(const RunFile& file) : path_(file.path()), buffer_(1 << 16) {
  in_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  in_.open(path_, std::ios::binary);
  if (!in_) throw std::runtime_error("cannot read the temporary run file " + path_.string());
}

bool RunReader::next(SequencedEvent& e) {
  const std::uint64_t at = offset_;
  char len[4];
  in_.read(len, 4);
  if (in_.gcount() == 0 && in_.eof()) return false;
  auto fail = [&] {
    return std::runtime_error("temporary run file " + path_.string() + " is damaged at offset " +
                              std::to_string(at));
  };
  if (in_.gcount() != 4) throw fail();
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= std::uint32_t(static_cast<unsigned char>(len[i])) << (8 * i);
  std::string rec(n, '\0');
  in_.read(rec.data(), n);
  if (static_cast<std::uint32_t>(in_.gcount()) != n) throw fail();
  offset_ += 4 + std::uint64_t(n);
  try {
    decode(rec.data(), rec.size(), e);
  } catch (const std::out_of_range&) {
    throw fail();
  }
  return true;
}

}  // namespace sqltriage::pipeline::timeline
