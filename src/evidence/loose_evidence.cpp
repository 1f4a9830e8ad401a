#include <algorithm>
#include <system_error>

#include "evidence/evidence_kinds.hpp"

namespace sqltriage::evidence {

LooseEvidence::LooseEvidence(std::filesystem::path given, bool is_folder)
    : given_(std::move(given)), is_folder_(is_folder) {}

std::vector<ArtifactFile> LooseEvidence::loose_files() const {
  std::vector<ArtifactFile> out;
  if (!is_folder_) {
    out.push_back({given_.string(), given_, {}});
    return out;
  }
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(
      given_, std::filesystem::directory_options::skip_permission_denied, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    const auto& entry = *it;
    std::error_code ec2;
    if (entry.is_symlink(ec2)) it.disable_recursion_pending();  // listed, never followed
    out.push_back({entry.path().string(), entry.path(), {}});
  }
  std::sort(out.begin(), out.end(),
            [](const ArtifactFile& a, const ArtifactFile& b) { return a.host_path < b.host_path; });
  return out;
}

}  // namespace sqltriage::evidence
