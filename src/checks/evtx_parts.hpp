// Internal to the checks: the pieces apply_evtx_checks assembles.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "sqltriage/finding.hpp"

namespace sqltriage::checks::detail {

// --- reading a finding's data (evtx_fields.cpp) -------------------------------------------

/// The string field `name`, or std::nullopt when absent or not a string.
std::optional<std::string> text_field(const nlohmann::ordered_json& data, std::string_view name);
/// The integer field `name` (a JSON number, or a string of decimal digits).
std::optional<std::int64_t> number_field(const nlohmann::ordered_json& data, std::string_view name);
/// True when the file's extension is one Windows runs or a web server executes (.exe, .dll,
/// .ps1, .aspx, .php, ...). Case-insensitive; takes a path or a name.
bool is_runnable(std::string_view path);
/// "DOMAIN\user", "user" or "" from two fields; "-" counts as empty.
std::string account(const nlohmann::ordered_json& data, std::string_view domain_field,
                    std::string_view user_field);

// --- checks on executables and files (file_checks.cpp) ------------------------------------

/// What a path is in the event, for the reason sentence and the ATT&CK mapping.
struct FileSubject {
  enum class Kind { process_image, service_binary, created_file, autorun, file_on_disk };
  Kind kind = Kind::process_image;
  std::string path;     ///< as logged (for services: the executable of the ImagePath)
  std::string service;  ///< service name, for service binaries; value name, for autoruns
};

/// user_writable_path (process images and service binaries).
void check_user_writable_path(Finding& f, const FileSubject& s);
/// lookalike_name (all kinds).
void check_lookalike_name(Finding& f, const FileSubject& s);
/// known_name_wrong_folder (process images, service binaries and files on disk).
void check_known_name_wrong_folder(Finding& f, const FileSubject& s);
/// web_server_parent: `parent` started `image`.
void check_web_server_parent(Finding& f, std::string_view image, std::string_view parent);
/// renamed_binary: Sysmon OriginalFileName against the image's file name.
void check_renamed_binary(Finding& f, std::string_view image, std::string_view original_name);

/// web_identity_shell: `image` (a shell or reconnaissance tool) ran as `account`, a web
/// application identity (IIS APPPOOL\*, IUSR, ...).
void check_web_identity_shell(Finding& f, std::string_view image, std::string_view account);

/// internet_download: a Zone.Identifier with ZoneId 3 or 4 (Sysmon 15's ZoneId/HostUrl).
void check_internet_download(Finding& f);

// --- checks on logons and logs (logon_checks.cpp) -----------------------------------------

/// public_remote_logon for Security 4624.
void check_4624_public_logon(Finding& f);
/// public_remote_logon for RemoteConnectionManager 1149 and LocalSessionManager 21/22/25.
void check_rdp_public_address(Finding& f, std::int64_t event_id, bool remote_connection_manager);
/// log_cleared for Security 1102 and System 104.
void check_log_cleared(Finding& f, std::int64_t event_id);

}  // namespace sqltriage::checks::detail
