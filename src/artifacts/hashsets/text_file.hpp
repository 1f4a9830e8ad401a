// A set's file read front to back through a fixed 64 KiB buffer, with byte offsets and
// line numbers, so lines and CSV records can be found again by offset. Read-only.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace sqltriage::hashsets::detail {

class TextFile {
 public:
  /// Opens a regular file for reading. Throws ArtifactError(display, ...) when it is missing,
  /// not a regular file or cannot be opened.
  TextFile(const std::filesystem::path& path, std::string display);

  /// The next byte, or -1 at the end. Throws ArtifactError naming the offset on a read error.
  int get() {
    if (pos_ == end_ && !fill()) return -1;
    int c = static_cast<unsigned char>(buffer_[pos_++]);
    ++offset_;
    if (c == '\n') ++line_;
    return c;
  }
  /// The next byte without consuming it, or -1 at the end.
  int peek() {
    if (pos_ == end_ && !fill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  /// Continues reading at `offset`; `line` is the line number that offset starts.
  void seek(std::uint64_t offset, std::uint64_t line = 1);
  /// Offset of the byte get() returns next.
  std::uint64_t offset() const { return offset_; }
  /// 1-based number of the line get() reads next.
  std::uint64_t line() const { return line_; }
  const std::string& display() const { return display_; }

  /// Reads one line without its "\n" (and a "\r" before it). Keeps at most `max` bytes;
  /// `too_long` tells when more were skipped. False at the end of the file.
  bool read_line(std::string& line, std::size_t max, bool& too_long);

 private:
  bool fill();
  struct Closer {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, Closer> file_;
  std::string display_;
  std::vector<char> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t offset_ = 0, line_ = 1;
};

}  // namespace sqltriage::hashsets::detail
