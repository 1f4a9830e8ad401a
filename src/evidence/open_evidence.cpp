#include <system_error>

#include "evidence/evidence_kinds.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage {

std::unique_ptr<Evidence> open_evidence(const std::filesystem::path& path,
                                        const EvidenceOptions& options) {
  std::error_code ec;
  auto status = std::filesystem::status(path, ec);
  if (ec || status.type() == std::filesystem::file_type::not_found)
    throw EvidenceError(path.string(), "no such file or folder");
  if (std::filesystem::is_directory(status)) {
    std::filesystem::directory_iterator probe(path, ec);
    if (ec) throw EvidenceError(path.string(), "cannot list folder: " + ec.message());
    if (auto root = evidence::find_windows_root(path))
      return std::make_unique<evidence::DirectoryEvidence>(path, *root);
    return std::make_unique<evidence::LooseEvidence>(path, true);
  }
  // Only regular files and block devices are probed: opening a FIFO would block, and a
  // character device or socket holds no disk image.
  const bool is_device = status.type() == std::filesystem::file_type::block;
  if (is_device || std::filesystem::is_regular_file(status)) {
    if (auto image = evidence::open_image_evidence(path, is_device, options)) return image;
  }
  return std::make_unique<evidence::LooseEvidence>(path, false);
}

}  // namespace sqltriage
