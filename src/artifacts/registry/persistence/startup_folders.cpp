// registry.startup_file: the files Explorer starts at logon, from the all-users Startup
// folder and each profile's (C:\Users\<profile>\AppData\Roaming\...\Startup; the Default
// profile's is copied into new profiles). Files directly in the folder only: Explorer does
// not start files in its subfolders. desktop.ini is listed, marked IsDesktopIni.
#include <string>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/persistence/evidence_files.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::string_view kAllUsers =
    "C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\StartUp";
constexpr std::string_view kPerUser =
    "AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup";

bool is_desktop_ini(std::string name) {
  for (char& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return name == "desktop.ini";
}

void read_folder(const Evidence& evidence, Sink& sink, const std::string& folder,
                 const std::optional<std::string>& user, const std::optional<std::string>& sid) {
  for (const ArtifactFile& file : evidence.list(folder)) {
    const std::size_t slash = file.display_path.find_last_of('\\');
    const std::string name =
        slash == std::string::npos ? file.display_path : file.display_path.substr(slash + 1);
    const std::optional<std::uint64_t> size = file_size(file, sink);
    Finding f;
    f.type = "registry.startup_file";
    f.artifact.path = file.display_path;
    f.data["Path"] = file.display_path;
    f.data["FileName"] = name;
    f.data["Size"] = size ? nlohmann::ordered_json(*size) : nlohmann::ordered_json(nullptr);
    f.data["Scope"] = user ? "User" : "AllUsers";
    f.data["User"] = user ? nlohmann::ordered_json(*user) : nlohmann::ordered_json(nullptr);
    f.data["UserSid"] = sid ? nlohmann::ordered_json(*sid) : nlohmann::ordered_json(nullptr);
    f.data["IsDesktopIni"] = is_desktop_ini(name);
    f.summary = "Startup folder file " + file.display_path +
                (user ? " (user " + *user + ")" : std::string(" (all users)"));
    sink.finding(std::move(f));
  }
}

}  // namespace

void read_startup_folders(const Evidence& evidence, const AccountNames& accounts, Sink& sink) {
  if (!evidence.has_windows_layout()) return;
  read_folder(evidence, sink, std::string(kAllUsers), std::nullopt, std::nullopt);
  for (const std::string& profile : evidence.folders("C:\\Users")) {
    const std::string home = "C:\\Users\\" + profile;
    read_folder(evidence, sink, home + "\\" + std::string(kPerUser), profile,
                accounts.profile_sid(home));
  }
}

}  // namespace sqltriage::registry
