// Configuration files of a Windows-layout evidence (see evidence_configs.hpp).
#include "artifacts/webroot/evidence_configs.hpp"

#include <system_error>

#include "artifacts/webroot/paths.hpp"
#include "core/ascii.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::webroots {

namespace {

/// Folders matched at one level of a wildcard pattern at most (a hostile tree cannot make
/// the search enumerate without end).
constexpr std::size_t kMaxMatches = 256;

bool on_drive_c(const std::string& root) { return root == "C:" || root == "c:"; }

}  // namespace

std::vector<std::string> EvidenceConfigs::folders(std::string_view pattern) const {
  std::string root;
  const std::vector<std::string> parts = path_components(normalize_windows_path(pattern), root);
  if (!on_drive_c(root)) return {};
  std::vector<std::string> current = {"C:"};
  for (const std::string& part : parts) {
    std::vector<std::string> next;
    for (const std::string& dir : current) {
      for (const std::string& name : evidence_.folders(dir + "\\")) {
        if (!wildcard_match(part, name)) continue;
        next.push_back(dir + "\\" + name);
        if (next.size() >= kMaxMatches) break;
        if (!has_wildcard(part)) break;  // the exact name: one folder
      }
      if (next.size() >= kMaxMatches) break;
    }
    current = std::move(next);
    if (current.empty()) break;
  }
  return current;
}

std::optional<ConfigFile> EvidenceConfigs::read_file(const ArtifactFile& file,
                                                     std::vector<ErrorEntry>& errors,
                                                     const std::string& source) {
  const std::string key = ascii_lower(file.display_path);
  if (read_.count(key) != 0) {
    if (!source.empty())
      errors.push_back(make_error(file.display_path, "record",
                                  source + " includes this file again; each file is read once"));
    return std::nullopt;
  }
  if (files_ >= kMaxConfigFiles) {
    if (!files_limit_reported_)
      errors.push_back(make_error(file.display_path, "limit",
                                  "more than " + std::to_string(kMaxConfigFiles) +
                                      " configuration files; this one and the rest are not read"));
    files_limit_reported_ = true;
    return std::nullopt;
  }
  read_.insert(key);
  ++files_;
  try {
    const auto bytes = open_artifact(file);
    const std::uint64_t size = bytes->size();
    if (size > kMaxConfigBytes) {
      errors.push_back(make_error(file.display_path, "limit",
                                  "configuration file of " + std::to_string(size) +
                                      " bytes is larger than the " +
                                      std::to_string(kMaxConfigBytes >> 20) + " MiB read"));
      return std::nullopt;
    }
    ConfigFile out{file.display_path, std::string(static_cast<std::size_t>(size), '\0')};
    const std::size_t done = read_fully(*bytes, 0, out.bytes.data(), out.bytes.size());
    if (done < out.bytes.size()) {
      errors.push_back(make_error(
          file.display_path, "truncated",
          "read " + std::to_string(done) + " of " + std::to_string(size) + " bytes", done));
      out.bytes.resize(done);
    }
    return out;
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(e, "open_failed"));
  } catch (const std::exception& e) {
    errors.push_back(make_error(file.display_path, "open_failed", e.what()));
  }
  return std::nullopt;
}

std::optional<ConfigFile> EvidenceConfigs::read(std::string_view windows_path,
                                                std::vector<ErrorEntry>& errors,
                                                const std::string& source) {
  std::string root;
  path_components(normalize_windows_path(windows_path), root);
  if (!on_drive_c(root)) return std::nullopt;
  const auto file = evidence_.resolve(windows_path);
  if (!file) return std::nullopt;
  return read_file(*file, errors, source);
}

void EvidenceConfigs::include_folder(const std::string& folder, int level,
                                     const std::string& source, const ParseFile& parse,
                                     std::vector<ErrorEntry>& errors, bool& any) {
  for (const ArtifactFile& file : evidence_.list(folder)) {
    any = true;
    if (auto config = read_file(file, errors, source)) parse(config->display, config->bytes);
  }
  if (level >= kMaxIncludeDepth) return;
  for (const std::string& sub : evidence_.folders(folder))
    include_folder(folder + "\\" + sub, level + 1, source, parse, errors, any);
}

void EvidenceConfigs::include(const std::string& pattern, bool optional, const std::string& source,
                              const ParseFile& parse, std::vector<ErrorEntry>& errors) {
  std::string root;
  std::vector<std::string> parts = path_components(normalize_windows_path(pattern), root);
  bool any = false;
  if (on_drive_c(root) && !parts.empty()) {
    const std::string last = parts.back();
    parts.pop_back();
    std::string parent = "C:";
    for (const auto& p : parts) parent += "\\" + p;
    for (const std::string& dir : folders(parent + "\\")) {
      // A folder of that name: its files (httpd reads a folder's files and sub-folders).
      bool folder_named = false;
      if (!has_wildcard(last))
        for (const std::string& sub : evidence_.folders(dir))
          if (ascii_lower(sub) == ascii_lower(last)) {
            include_folder(dir + "\\" + sub, 1, source, parse, errors, any);
            folder_named = true;
            break;
          }
      if (folder_named) continue;
      for (const ArtifactFile& file : evidence_.list(dir)) {
        const std::size_t slash = file.display_path.find_last_of('\\');
        const std::string name =
            slash == std::string::npos ? file.display_path : file.display_path.substr(slash + 1);
        if (!wildcard_match(last, name)) continue;
        any = true;
        if (auto config = read_file(file, errors, source)) parse(config->display, config->bytes);
      }
    }
  }
  if (!any && !optional)
    errors.push_back(make_error(pattern, "missing",
                                source + " includes this path, which is not in the evidence"));
}

Includer EvidenceConfigs::includer() {
  return [this](const std::string& pattern, bool optional, const std::string& source,
                const ParseFile& parse, std::vector<ErrorEntry>& errors) {
    include(pattern, optional, source, parse, errors);
  };
}

}  // namespace sqltriage::webroots
