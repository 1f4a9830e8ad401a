// The computer name and service names from the SYSTEM hive's current control set.
#include <cstdio>

#include "artifacts/registry/accounts/account_sources.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::accounts {

namespace {

constexpr std::size_t kMaxServices = 100000;

void record(Errors& errors, const ArtifactError& e) {
  errors.push_back(
      ErrorEntry{ArtifactRef{e.path(), std::nullopt, e.offset()}, "record", e.detail()});
}

/// "ControlSet001" for Select\Current = 1; ControlSet001 when Select is absent.
std::string current_control_set(const registry::Hive& system, Errors& errors) {
  unsigned current = 1;
  try {
    if (auto select = system.key("Select"))
      if (auto value = select->value("Current"))
        if (auto n = value->dword(); n && *n >= 1 && *n <= 999) current = *n;
  } catch (const ArtifactError& e) {
    record(errors, e);
  }
  char name[32];
  std::snprintf(name, sizeof name, "ControlSet%03u", current);
  return name;
}

}  // namespace

SystemFacts read_system(const registry::Hive& system, Errors& errors) {
  SystemFacts out;
  const std::string control_set = current_control_set(system, errors);
  try {
    if (auto key = system.key(control_set + "\\Control\\ComputerName\\ComputerName"))
      if (auto value = key->value("ComputerName"))
        if (auto text = value->string()) out.computer_name = *text;
  } catch (const ArtifactError& e) {
    record(errors, e);
  }
  try {
    if (auto services = system.key(control_set + "\\Services")) {
      const std::size_t count = std::min(services->number_of_subkeys(), kMaxServices);
      for (std::size_t i = 0; i < count; ++i) {
        try {
          out.services.push_back(services->subkey(i).name());
        } catch (const ArtifactError& e) {
          record(errors, e);
        }
      }
    }
  } catch (const ArtifactError& e) {
    record(errors, e);
  }
  return out;
}

}  // namespace sqltriage::accounts
