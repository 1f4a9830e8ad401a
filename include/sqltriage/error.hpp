// The one exception type readers throw: it names the artifact and, where known, the offset.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "sqltriage/finding.hpp"

namespace sqltriage {

class ArtifactError : public std::runtime_error {
 public:
  /// `path` is the artifact as the analyst knows it; `message` includes the library's text.
  ArtifactError(std::string path, std::string message,
                std::optional<std::uint64_t> offset = std::nullopt);

  const std::string& path() const noexcept { return path_; }
  const std::optional<std::uint64_t>& offset() const noexcept { return offset_; }
  /// The message without the path prefix.
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string path_;
  std::string detail_;
  std::optional<std::uint64_t> offset_;
};

/// Thrown when an evidence argument cannot be opened at all (exit code 3).
/// what() is "<path>: <detail>".
class EvidenceError : public std::runtime_error {
 public:
  EvidenceError(const std::string& path, std::string detail)
      : std::runtime_error(path + ": " + detail), detail_(std::move(detail)) {}
  /// The reason without the path.
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string detail_;
};

/// The error entry for a reader's exception: its path, detail and offset, with `code`.
inline ErrorEntry make_error(const ArtifactError& e, std::string code) {
  return make_error(e.path(), std::move(code), e.detail(), e.offset());
}

}  // namespace sqltriage
