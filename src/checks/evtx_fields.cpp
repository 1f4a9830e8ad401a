// Reading typed fields from a finding's data (see evtx_parts.hpp).
#include <charconv>
#include <string>

#include "checks/evtx_parts.hpp"

namespace sqltriage::checks::detail {

std::optional<std::string> text_field(const nlohmann::ordered_json& data, std::string_view name) {
  if (!data.is_object()) return std::nullopt;
  const auto it = data.find(name);
  if (it == data.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::int64_t> number_field(const nlohmann::ordered_json& data,
                                         std::string_view name) {
  if (!data.is_object()) return std::nullopt;
  const auto it = data.find(name);
  if (it == data.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return value;
  }
  return std::nullopt;
}

std::string account(const nlohmann::ordered_json& data, std::string_view domain_field,
                    std::string_view user_field) {
  auto clean = [](std::optional<std::string> v) {
    return v && *v != "-" ? std::move(*v) : std::string();
  };
  const auto domain = clean(text_field(data, domain_field));
  const auto user = clean(text_field(data, user_field));
  if (user.empty()) return domain;
  return domain.empty() ? user : domain + "\\" + user;
}

}  // namespace sqltriage::checks::detail
