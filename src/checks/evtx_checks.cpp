// apply_evtx_checks: routes an event finding to the checks that read its fields.
#include <string>

#include "checks/evtx_parts.hpp"
#include "checks/windows_path.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/evtx.hpp"

namespace sqltriage::checks {
namespace {

using detail::FileSubject;
using detail::number_field;
using detail::text_field;

using evtx::provider::kEventlog;
using evtx::provider::kLocalSessionManager;
using evtx::provider::kRemoteConnectionManager;
using evtx::provider::kSecurity;
using evtx::provider::kServiceControlManager;
using evtx::provider::kSysmon;

void executable_checks(Finding& f, const FileSubject& s) {
  if (s.path.empty()) return;
  detail::check_user_writable_path(f, s);
  detail::check_lookalike_name(f, s);
  detail::check_known_name_wrong_folder(f, s);
}

// The account a new process runs as: Sysmon's User; 4688's Target account (Windows 10 and
// later), or its Subject when the Target is empty.
std::string process_account(const nlohmann::ordered_json& data) {
  if (auto user = text_field(data, "User")) return *user;
  auto target = detail::account(data, "TargetDomainName", "TargetUserName");
  return target.empty() ? detail::account(data, "SubjectDomainName", "SubjectUserName") : target;
}

void process_creation(Finding& f, std::string_view image_field, std::string_view parent_field,
                      std::string_view original_field) {
  const auto image = text_field(f.data, image_field).value_or("");
  if (image.empty()) return;
  if (const auto parent = text_field(f.data, parent_field)) {
    detail::check_web_server_parent(f, image, *parent);
  }
  detail::check_web_identity_shell(f, image, process_account(f.data));
  executable_checks(f, {FileSubject::Kind::process_image, image, {}});
  if (!original_field.empty()) {
    if (const auto original = text_field(f.data, original_field)) {
      detail::check_renamed_binary(f, image, *original);
    }
  }
}

void service_install(Finding& f, std::string_view binary_field) {
  const auto command = text_field(f.data, binary_field);
  if (!command) return;
  executable_checks(f, {FileSubject::Kind::service_binary, executable_from_command(*command),
                        text_field(f.data, "ServiceName").value_or("")});
}

// Sysmon 13 writing a service's ImagePath/ServiceDll or a Run/RunOnce value: the data is
// what Windows will start, so it gets the same checks as a service install or a process.
void registry_value_set(Finding& f) {
  const auto key = text_field(f.data, "TargetObject").value_or("");
  const auto data = text_field(f.data, "Details").value_or("");
  if (key.empty() || data.empty()) return;
  const auto parts = detail::path_components(key);  // lower-case components
  const auto name = parts.empty() ? std::string() : parts.back();
  for (std::size_t i = 0; i + 2 < parts.size(); ++i) {
    if (parts[i] == "services" && (name == "imagepath" || name == "servicedll")) {
      executable_checks(f, {FileSubject::Kind::service_binary, executable_from_command(data),
                            std::string(basename(key.substr(0, key.find_last_of('\\'))))});
      return;
    }
  }
  for (std::size_t i = 0; i + 2 < parts.size(); ++i) {
    if (parts[i] == "currentversion" && (parts[i + 1] == "run" || parts[i + 1] == "runonce")) {
      executable_checks(f, {FileSubject::Kind::autorun, executable_from_command(data),
                            std::string(basename(key))});
      return;
    }
  }
}

}  // namespace

void apply_evtx_checks(Finding& f) {
  const auto id = number_field(f.data, "EventID");
  if (!id) return;
  const auto provider = text_field(f.data, "Provider").value_or("");
  if (iequals(provider, kSysmon)) {
    if (*id == 1) process_creation(f, "Image", "ParentImage", "OriginalFileName");
    if (*id == 11) {
      const auto target = text_field(f.data, "TargetFilename").value_or("");
      if (!target.empty())
        detail::check_lookalike_name(f, {FileSubject::Kind::created_file, target, {}});
    }
    if (*id == 13) registry_value_set(f);
    if (*id == 15) detail::check_internet_download(f);
  } else if (iequals(provider, kSecurity)) {
    if (*id == 4688) process_creation(f, "NewProcessName", "ParentProcessName", "");
    if (*id == 4697) service_install(f, "ServiceFileName");
    if (*id == 4624) detail::check_4624_public_logon(f);
  } else if (iequals(provider, kServiceControlManager)) {
    if (*id == 7045) service_install(f, "ImagePath");
  } else if (iequals(provider, kEventlog)) {
    detail::check_log_cleared(f, *id);
  } else if (iequals(provider, kRemoteConnectionManager)) {
    detail::check_rdp_public_address(f, *id, true);
  } else if (iequals(provider, kLocalSessionManager)) {
    detail::check_rdp_public_address(f, *id, false);
  }
}

}  // namespace sqltriage::checks
