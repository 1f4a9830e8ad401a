// Named values read with damage turned into error entries (see values.hpp).
#include "artifacts/registry/persistence/values.hpp"

namespace sqltriage::registry {

nlohmann::ordered_json value_field(const Key& key, std::string_view name, Sink& sink) {
  try {
    if (auto value = key.value(name)) return value_json(*value);
  } catch (const ArtifactError& e) {
    sink.record_error(e);
  }
  return nullptr;
}

std::optional<std::string> string_value(const Key& key, std::string_view name, Sink& sink) {
  try {
    if (auto value = key.value(name)) return value->string();
  } catch (const ArtifactError& e) {
    sink.record_error(e);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> dword_value(const Key& key, std::string_view name, Sink& sink) {
  try {
    if (auto value = key.value(name)) return value->dword();
  } catch (const ArtifactError& e) {
    sink.record_error(e);
  }
  return std::nullopt;
}

std::optional<Key> subkey(const Key& key, std::string_view relative_path, Sink& sink) {
  try {
    return key.subkey(relative_path);
  } catch (const ArtifactError& e) {
    sink.record_error(e);
  }
  return std::nullopt;
}

}  // namespace sqltriage::registry
