#include <system_error>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/evidence.hpp"

namespace sqltriage {

std::shared_ptr<const ByteSource> open_artifact(const ArtifactFile& file) {
  if (file.open_in_image) return file.open_in_image();
  std::error_code ec;
  const auto st = std::filesystem::status(file.host_path, ec);
  if (std::filesystem::is_directory(st))
    throw ArtifactError(file.display_path, "is a folder, not a file", 0);
  // Opening a FIFO would block, and a device inside a folder is not an artifact.
  if (!ec && std::filesystem::exists(st) && !std::filesystem::is_regular_file(st))
    throw ArtifactError(file.display_path,
                        "is not a regular file (FIFO, socket or device), not read", 0);
  try {
    return open_host_file(file.host_path);
  } catch (const std::system_error& e) {
    throw ArtifactError(file.display_path,
                        std::string("cannot be opened for reading: ") + e.code().message());
  }
}

}  // namespace sqltriage
