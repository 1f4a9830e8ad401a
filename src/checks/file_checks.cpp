// Checks on executables and created files: where they are, what they are called, who
// started them (see docs/checks.md).
#include <array>
#include <string>

#include "checks/evtx_parts.hpp"
#include "checks/expected_folder.hpp"
#include "checks/windows_path.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/known_binaries.hpp"

namespace sqltriage::checks::detail {
namespace {

constexpr const char* kMasquerade = "T1036.005";

/// "Process image C:\x.exe", "Service \"Name\" binary C:\x.exe", "Created file C:\x.exe".
std::string describe(const FileSubject& s) {
  switch (s.kind) {
    case FileSubject::Kind::process_image:
      return "Process image " + s.path;
    case FileSubject::Kind::service_binary:
      return s.service.empty() ? "Service binary " + s.path
                               : "Service \"" + s.service + "\" binary " + s.path;
    case FileSubject::Kind::created_file:
      return "Created file " + s.path;
    case FileSubject::Kind::autorun:
      return "Run key value \"" + s.service + "\" starts " + s.path;
    case FileSubject::Kind::file_on_disk:
      return "File " + s.path;
  }
  return s.path;
}

std::string join_folders(const KnownBinary& known) {
  std::string out;
  for (const auto& folder : known.folders) out += (out.empty() ? "" : "; ") + folder;
  return out;
}

/// Children a web server worker starts in normal operation: the .NET Framework compilers
/// (ASP.NET dynamic compilation) and the console host every console child gets.
bool is_expected_web_child(std::string_view image) {
  struct Child {
    std::string_view name;
    std::string_view folder;
  };
  static constexpr std::array<Child, 3> kChildren{{
      {"csc.exe", "%SystemRoot%\\Microsoft.NET\\Framework*\\v*"},
      {"vbc.exe", "%SystemRoot%\\Microsoft.NET\\Framework*\\v*"},
      {"conhost.exe", "%SystemRoot%\\System32"},
  }};
  auto parts = path_components(image);
  if (parts.empty()) return false;
  const std::string name = parts.back();
  parts.pop_back();
  const std::string folder = join_components(parts, parts.size());
  for (const auto& child : kChildren) {
    if (name == child.name && folder_matches(folder, child.folder)) return true;
  }
  return false;
}

}  // namespace

void check_user_writable_path(Finding& f, const FileSubject& s) {
  if (s.kind == FileSubject::Kind::created_file || !in_user_writable_or_web_folder(s.path)) {
    return;
  }
  // A well-known binary at home is not "dropped" (Defender runs from ProgramData).
  if (const auto* known = find_known_binary(basename(s.path));
      known != nullptr && in_expected_folder(s.path, *known)) {
    return;
  }
  CheckHit hit{"user_writable_path",
               Severity::medium,
               {},
               describe(s) + " lies in a user-writable or web-served folder."};
  if (s.kind == FileSubject::Kind::service_binary) hit.attack.push_back("T1543.003");
  if (s.kind == FileSubject::Kind::autorun) hit.attack.push_back("T1547.001");
  f.add_check(std::move(hit));
}

void check_lookalike_name(Finding& f, const FileSubject& s) {
  const auto name = basename(s.path);
  const auto match = find_lookalike(name);
  if (!match) return;
  const std::string edits = match->distance == 1 ? " edit" : " edits";
  f.add_check({"lookalike_name",
               Severity::high,
               {kMasquerade},
               describe(s) + ": " + to_lower(name) + " is " + std::to_string(match->distance) +
                   edits + " from " + match->known->name + " (" + match->known->description +
                   ")."});
}

void check_known_name_wrong_folder(Finding& f, const FileSubject& s) {
  if (s.kind == FileSubject::Kind::created_file || !folder_is_judgeable(s.path)) return;
  const auto* known = find_known_binary(basename(s.path));
  if (known == nullptr || in_expected_folder(s.path, *known)) return;
  f.add_check({"known_name_wrong_folder",
               Severity::high,
               {kMasquerade},
               describe(s) + " has the name of " + known->name + " (" + known->description +
                   ") but lies outside its expected folders (" + join_folders(*known) + ")."});
}

void check_web_server_parent(Finding& f, std::string_view image, std::string_view parent) {
  if (image.empty() || !is_web_server_worker(parent) || is_expected_web_child(image)) return;
  f.add_check({"web_server_parent",
               Severity::high,
               {"T1505.003"},
               "Web server worker " + to_lower(basename(parent)) + " (" + std::string(parent) +
                   ") started " + std::string(image) + "."});
}

void check_renamed_binary(Finding& f, std::string_view image, std::string_view original_name) {
  std::string original = to_lower(basename(original_name));
  if (original.size() > 4 && original.ends_with(".mui")) original.resize(original.size() - 4);
  const auto* known = find_known_binary(original);
  if (known == nullptr || image.empty() || iequals(basename(image), original)) return;
  f.add_check({"renamed_binary",
               Severity::medium,
               {"T1036.003"},
               "Process image " + std::string(image) + " has OriginalFileName " +
                   std::string(original_name) + ", the name of " + known->name + " (" +
                   known->description + "), under another file name."});
}

}  // namespace sqltriage::checks::detail
