#include "artifacts/hashsets/text_file.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include "sqltriage/error.hpp"

namespace sqltriage::hashsets::detail {

namespace {
constexpr std::size_t kBufferSize = 64 * 1024;
}

TextFile::TextFile(const std::filesystem::path& path, std::string display)
    : display_(std::move(display)), buffer_(kBufferSize) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st))
    throw ArtifactError(display_, "cannot open: " + (ec ? ec.message() : "no such file"));
  if (!std::filesystem::is_regular_file(st))
    throw ArtifactError(display_, "cannot open: not a regular file");
  file_.reset(std::fopen(path.c_str(), "rb"));
  if (!file_) throw ArtifactError(display_, std::string("cannot open: ") + std::strerror(errno));
}

bool TextFile::fill() {
  std::size_t n = std::fread(buffer_.data(), 1, buffer_.size(), file_.get());
  if (n == 0 && std::ferror(file_.get()))
    throw ArtifactError(display_, "read error at offset " + std::to_string(offset_), offset_);
  pos_ = 0;
  end_ = n;
  return n > 0;
}

void TextFile::seek(std::uint64_t offset, std::uint64_t line) {
  if (offset > static_cast<std::uint64_t>(INT64_MAX) ||
      std::fseek(file_.get(), static_cast<long>(offset), SEEK_SET) != 0)
    throw ArtifactError(display_, "cannot seek to offset " + std::to_string(offset), offset);
  pos_ = end_ = 0;
  offset_ = offset;
  line_ = line;
}

bool TextFile::read_line(std::string& line, std::size_t max, bool& too_long) {
  line.clear();
  too_long = false;
  int c = get();
  if (c < 0) return false;
  while (c >= 0 && c != '\n') {
    if (line.size() < max)
      line.push_back(static_cast<char>(c));
    else
      too_long = true;
    c = get();
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

}  // namespace sqltriage::hashsets::detail
