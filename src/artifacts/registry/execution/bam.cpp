// registry.bam: the Background (and Desktop) Activity Moderator's last execution time per
// executable and user, from ControlSet00N\Services\{bam,dam}\[State\]UserSettings\<SID>.
// Each value is named after the executable's path; its first 8 bytes are a FILETIME.
// Format knowledge: libyal winreg-kb "Background Activity Moderator (BAM) key".
#include <array>
#include <string_view>

#include "artifacts/registry/extract.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::uint32_t kRegBinary = 3;

// Windows 10 1709+ uses State\UserSettings; 1709 itself used UserSettings directly.
constexpr std::array<std::string_view, 2> kSettingsKeys = {"State\\UserSettings", "UserSettings"};

void read_user(const HiveContext& system, const std::string& control_set, const char* service,
               const Key& user_key, Sink& sink) {
  const std::string sid = user_key.name();
  const std::optional<std::string> user = system.accounts.name(sid);
  for_each_value(user_key, sink, [&](const Value& value) {
    const std::string name = value.name();
    if (name == "Version" || name == "SequenceNumber") return;
    if (value.type() != kRegBinary) return;
    const std::vector<std::uint8_t> data = value.data(4096);
    if (data.size() < 8) {
      sink.errors.push_back(make_error(system.hive.display_path(), "record",
                                       "BAM value \"" + name + "\" of key \"" + user_key.path() +
                                           "\" has " + std::to_string(data.size()) +
                                           " bytes; a FILETIME needs 8",
                                       value.offset()));
      return;
    }
    const Filetime when = le64(data.data());
    Finding f = key_finding("registry.bam", system, user_key);
    f.artifact.offset = value.offset() ? value.offset() : user_key.offset();
    f.time = when == 0 ? std::nullopt : std::optional<Filetime>(when);
    f.data["Path"] = name;
    f.data["LastExecution"] =
        when == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(format_filetime(when));
    f.data["UserSid"] = sid;
    f.data["UserName"] = user ? nlohmann::ordered_json(*user) : nlohmann::ordered_json(nullptr);
    f.data["Service"] = service;
    f.data["ControlSet"] = control_set;
    f.summary = std::string(service) + ": " + name + " last ran " +
                (when ? format_filetime(when) : std::string("(no time)")) + " as " +
                (user ? *user + " (" + sid + ")" : sid);
    sink.finding(std::move(f));
  });
}

}  // namespace

void read_bam(const HiveContext& system, Sink& sink) {
  const ControlSets sets = control_sets(system, sink);
  for (const std::string& set : sets.names) {
    for (const char* service : {"bam", "dam"}) {
      for (std::string_view sub : kSettingsKeys) {
        const std::string path = set + "\\Services\\" + service + "\\" + std::string(sub);
        auto key = find_key(system, path, sink);
        if (!key) continue;
        for_each_subkey(*key, sink, [&](const Key& user_key) {
          read_user(system, set, service, user_key, sink);
        });
      }
    }
  }
}

}  // namespace sqltriage::registry
