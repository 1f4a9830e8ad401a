// Bounded whole-file reads through open_artifact() (see evidence_files.hpp).
#include "artifacts/registry/persistence/evidence_files.hpp"

#include <system_error>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

namespace {

std::shared_ptr<const ByteSource> open(const ArtifactFile& file, Sink& sink) {
  try {
    return open_artifact(file);
  } catch (const ArtifactError& e) {
    sink.errors.push_back(make_error(e, "open_failed"));
  } catch (const std::system_error& e) {
    sink.errors.push_back(make_error(file.display_path, "open_failed", e.what()));
  }
  return nullptr;
}

}  // namespace

std::optional<std::vector<std::uint8_t>> read_small_file(const ArtifactFile& file,
                                                         std::size_t limit, Sink& sink) {
  auto source = open(file, sink);
  if (!source) return std::nullopt;
  std::uint64_t size = 0;
  try {
    size = source->size();
  } catch (const std::system_error& e) {
    sink.errors.push_back(make_error(file.display_path, "open_failed", e.what()));
    return std::nullopt;
  }
  if (size > limit) {
    sink.errors.push_back(make_error(file.display_path, "limit",
                                     "file is " + std::to_string(size) +
                                         " bytes, over the limit of " + std::to_string(limit) +
                                         "; not read",
                                     0));
    return std::nullopt;
  }
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  std::size_t done = 0;
  try {
    while (done < bytes.size()) {
      const std::size_t n = source->read_at(done, bytes.data() + done, bytes.size() - done);
      if (n == 0) break;
      done += n;
    }
  } catch (const std::system_error& e) {
    sink.errors.push_back(
        make_error(file.display_path, "truncated", std::string("read failed: ") + e.what(), done));
    return std::nullopt;
  }
  if (done != bytes.size()) {
    sink.errors.push_back(make_error(
        file.display_path, "truncated",
        "file ends at byte " + std::to_string(done) + " of " + std::to_string(bytes.size()), done));
    return std::nullopt;
  }
  return bytes;
}

std::optional<std::uint64_t> file_size(const ArtifactFile& file, Sink& sink) {
  auto source = open(file, sink);
  if (!source) return std::nullopt;
  try {
    return source->size();
  } catch (const std::system_error& e) {
    sink.errors.push_back(make_error(file.display_path, "open_failed", e.what()));
  }
  return std::nullopt;
}

}  // namespace sqltriage::registry
