// registry.service: every service and driver of every ControlSet00N of a SYSTEM hive.
//
// Format knowledge: Microsoft's "HKLM\SYSTEM\CurrentControlSet\Services Registry Tree"
// documentation (Start, Type, ImagePath, ObjectName, ...) and the SERVICE_* constants of
// winsvc.h / winnt.h for the Start and Type numbers.
#include <string>

#include "artifacts/registry/extract.hpp"
#include "artifacts/registry/persistence/values.hpp"
#include "core/little_endian.hpp"

namespace sqltriage::registry {

namespace {

/// SERVICE_BOOT_START .. SERVICE_DISABLED.
nlohmann::ordered_json start_name(const std::optional<std::uint32_t>& start) {
  if (!start) return nullptr;
  switch (*start) {
    case 0:
      return "Boot";
    case 1:
      return "System";
    case 2:
      return "Automatic";
    case 3:
      return "Manual";
    case 4:
      return "Disabled";
    default:
      return nullptr;
  }
}

/// The SERVICE_* type bits as words, joined with ", " ("Own process, Interactive");
/// unknown bits as "0x...".
nlohmann::ordered_json type_name(const std::optional<std::uint32_t>& type) {
  if (!type) return nullptr;
  static constexpr struct {
    std::uint32_t bit;
    const char* name;
  } kBits[] = {
      {0x1, "Kernel driver"},     {0x2, "File system driver"},     {0x4, "Adapter"},
      {0x8, "Recognizer driver"}, {0x10, "Own process"},           {0x20, "Share process"},
      {0x40, "User service"},     {0x80, "User service instance"}, {0x100, "Interactive"},
  };
  std::string out;
  std::uint32_t rest = *type;
  for (const auto& b : kBits) {
    if ((*type & b.bit) == 0) continue;
    out += out.empty() ? "" : ", ";
    out += b.name;
    rest &= ~b.bit;
  }
  if (rest != 0 || out.empty()) {
    out += out.empty() ? "" : ", ";
    out += hex_offset(rest);
  }
  return out;
}

/// A string-typed service field: the string, or the data as value_json() gives it when the
/// value has another type, or null when absent.
nlohmann::ordered_json text_field(const Key& key, std::string_view name, Sink& sink) {
  nlohmann::ordered_json v = value_field(key, name, sink);
  if (v.is_string() && v.get<std::string>().empty()) return nullptr;
  return v;
}

void read_service(const HiveContext& system, Sink& sink, const Key& service,
                  const std::string& control_set, bool current) {
  Finding f = key_finding("registry.service", system, service);
  const std::string name = service.name();
  const std::optional<std::uint32_t> start = dword_value(service, "Start", sink);
  const std::optional<std::uint32_t> type = dword_value(service, "Type", sink);
  const std::optional<std::uint32_t> delayed = dword_value(service, "DelayedAutostart", sink);

  nlohmann::ordered_json dll = nullptr;
  if (auto parameters = subkey(service, "Parameters", sink))
    dll = text_field(*parameters, "ServiceDll", sink);
  if (dll.is_null()) dll = text_field(service, "ServiceDll", sink);

  f.data["ServiceName"] = name;
  f.data["ControlSet"] = control_set;
  f.data["Current"] = current;
  f.data["DisplayName"] = text_field(service, "DisplayName", sink);
  f.data["Description"] = text_field(service, "Description", sink);
  f.data["ImagePath"] = text_field(service, "ImagePath", sink);
  f.data["ServiceDll"] = dll;
  f.data["Start"] = start ? nlohmann::ordered_json(*start) : value_field(service, "Start", sink);
  f.data["StartName"] = start_name(start);
  f.data["DelayedAutostart"] = delayed ? nlohmann::ordered_json(*delayed != 0) : nullptr;
  f.data["Type"] = type ? nlohmann::ordered_json(*type) : value_field(service, "Type", sink);
  f.data["TypeName"] = type_name(type);
  f.data["ObjectName"] = text_field(service, "ObjectName", sink);
  f.data["FailureCommand"] = text_field(service, "FailureCommand", sink);
  f.data["Group"] = text_field(service, "Group", sink);

  std::string what = f.data["ImagePath"].is_string() ? f.data["ImagePath"].get<std::string>()
                                                     : std::string("(no ImagePath)");
  if (f.data["ServiceDll"].is_string())
    what += " [" + f.data["ServiceDll"].get<std::string>() + "]";
  std::string how;
  if (f.data["StartName"].is_string()) how = f.data["StartName"].get<std::string>();
  if (f.data["TypeName"].is_string())
    how += (how.empty() ? "" : ", ") + f.data["TypeName"].get<std::string>();
  f.summary = "Service " + name + " (" + control_set + (current ? ", current" : "") + "): " + what +
              (how.empty() ? "" : " (" + how + ")");
  sink.finding(std::move(f));
}

}  // namespace

void read_services(const HiveContext& system, Sink& sink) {
  const ControlSets sets = control_sets(system, sink);
  for (const std::string& set : sets.names) {
    const bool current = sets.current != 0 && std::stoul(set.substr(10)) == sets.current;
    auto services = find_key(system, set + "\\Services", sink);
    if (!services) continue;
    for_each_subkey(*services, sink,
                    [&](const Key& service) { read_service(system, sink, service, set, current); });
  }
}

}  // namespace sqltriage::registry
