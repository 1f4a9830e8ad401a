// Compiled rules to and from the cache folder, checked by a SHA-256 of the payload.
#include "artifacts/yara/cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string_view>
#include <system_error>

#include "core/digest.hpp"

namespace sqltriage::yara {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic{"sqltriage yarc1\n"};
constexpr std::size_t kDigestSize = 32;
constexpr std::size_t kHeaderSize = 16 + kDigestSize;
static_assert(kMagic.size() == 16);

void update_u64(Digest& d, std::uint64_t v) {
  std::array<std::uint8_t, 8> le{};
  for (std::size_t i = 0; i < le.size(); ++i) le[i] = static_cast<std::uint8_t>(v >> (8 * i));
  d.update(le.data(), le.size());
}

void update_field(Digest& d, std::string_view bytes) {
  update_u64(d, bytes.size());
  d.update(bytes.data(), bytes.size());
}

std::vector<std::uint8_t> sha256(std::string_view bytes) {
  Digest d("sha256");
  d.update(bytes.data(), bytes.size());
  return d.final();
}

struct Reader {
  std::string_view data;
  std::size_t pos = 0;
};

std::size_t read_from(void* ptr, std::size_t size, std::size_t count, void* user_data) {
  auto* r = static_cast<Reader*>(user_data);
  if (size == 0) return 0;
  const std::size_t n = std::min(count, (r->data.size() - r->pos) / size);
  std::memcpy(ptr, r->data.data() + r->pos, n * size);
  r->pos += n * size;
  return n;
}

std::size_t write_to(const void* ptr, std::size_t size, std::size_t count, void* user_data) {
  static_cast<std::string*>(user_data)->append(static_cast<const char*>(ptr), size * count);
  return count;
}

// Closes a descriptor and removes its file unless released.
class TempFile {
 public:
  TempFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0;
  }
  void release() { path_.clear(); }

 private:
  int fd_;
  std::string path_;
};

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string cache_key(const std::vector<SourceInput>& sources) {
  Digest d("sha256");
  update_field(d, "libyara " YR_VERSION);
  update_u64(d, sources.size());
  for (const auto& s : sources) {
    update_field(d, s.source.name);
    update_field(d, s.source.text);
  }
  return d.final_hex();
}

bool uses_include(const std::vector<SourceInput>& sources) {
  for (const auto& s : sources) {
    const std::string& t = s.source.text;
    for (std::size_t start = 0; start < t.size();) {
      std::size_t end = t.find('\n', start);
      if (end == std::string::npos) end = t.size();
      std::size_t i = start;
      while (i < end && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r')) ++i;
      if (t.compare(i, 7, "include") == 0) {
        i += 7;
        const std::size_t before = i;
        while (i < end && (t[i] == ' ' || t[i] == '\t')) ++i;
        if (i > before && i < end && t[i] == '"') return true;
      }
      start = end + 1;
    }
  }
  return false;
}

RulesPtr load_cached(const fs::path& file, const std::string& key, std::string& note) {
  note.clear();
  std::error_code ec;
  const auto status = fs::status(file, ec);
  if (!fs::exists(status)) return nullptr;
  const std::string name = file.string();
  if (!fs::is_regular_file(status)) {
    note = "cache file " + name + " ignored: not a regular file";
    return nullptr;
  }
  const auto size = fs::file_size(file, ec);
  if (ec) {
    note = "cache file " + name + " ignored: " + ec.message();
    return nullptr;
  }
  if (size < kHeaderSize || size > kMaxCacheFileSize) {
    note = "cache file " + name + " ignored: " + std::to_string(size) + " bytes is not a size " +
           "a cache file can have";
    return nullptr;
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  std::ifstream in(file, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!in || static_cast<std::uintmax_t>(in.gcount()) != size) {
    note = "cache file " + name + " ignored: cannot read it";
    return nullptr;
  }
  const std::string_view view(bytes);
  if (view.substr(0, kMagic.size()) != kMagic) {
    note = "cache file " + name + " ignored: not a sqltriage cache file";
    return nullptr;
  }
  const std::string_view payload = view.substr(kHeaderSize);
  const auto digest = sha256(key + std::string(payload));
  if (digest.size() != kDigestSize ||
      std::memcmp(digest.data(), view.data() + kMagic.size(), kDigestSize) != 0) {
    note = "cache file " + name +
           " ignored: its SHA-256 does not match its key and contents (damaged, or another "
           "rule set's file)";
    return nullptr;
  }
  const auto keep_alive = library();
  Reader reader{payload, 0};
  YR_STREAM stream{};
  stream.user_data = &reader;
  stream.read = read_from;
  YR_RULES* raw = nullptr;
  const int rc = yr_rules_load_stream(&stream, &raw);
  if (rc != ERROR_SUCCESS) {
    note = "cache file " + name + " ignored: libyara could not load it (error " +
           std::to_string(rc) + ")";
    return nullptr;
  }
  return RulesPtr(raw);
}

std::string save_cached(YR_RULES* rules, const fs::path& file, const std::string& key) {
  const fs::path dir = file.parent_path();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "cache folder " + dir.string() + " cannot be created: " + ec.message();

  std::string payload;
  YR_STREAM stream{};
  stream.user_data = &payload;
  stream.write = write_to;
  const int rc = yr_rules_save_stream(rules, &stream);
  if (rc != ERROR_SUCCESS)
    return "libyara could not save the compiled rules (error " + std::to_string(rc) + ")";
  const auto digest = sha256(key + payload);

  std::string pattern = file.string() + ".XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  if (fd < 0)
    return "cache file cannot be written in " + dir.string() + ": " + std::strerror(errno);
  TempFile temp(fd, pattern);
  const std::string_view digest_bytes(reinterpret_cast<const char*>(digest.data()), digest.size());
  if (!write_all(temp.fd(), kMagic) || !write_all(temp.fd(), digest_bytes) ||
      !write_all(temp.fd(), payload) || !temp.close())
    return "cache file " + temp.path() + " cannot be written: " + std::strerror(errno);
  if (::rename(temp.path().c_str(), file.c_str()) != 0)
    return "cache file " + file.string() + " cannot be written: " + std::strerror(errno);
  temp.release();
  return {};
}

}  // namespace sqltriage::yara
