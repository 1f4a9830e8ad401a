// Small readers of finding data shared by the investigation steps.
#include "pipeline/investigate/context.hpp"

#include <algorithm>
#include <charconv>

#include "core/ascii.hpp"

namespace sqltriage::investigation {

namespace {

const nlohmann::ordered_json* member(const Finding& f, std::string_view key) {
  if (!f.data.is_object()) return nullptr;
  auto it = f.data.find(std::string(key));
  return it == f.data.end() ? nullptr : &*it;
}

/// Lower case, '/' as '\', without a leading "X:" drive and "\\?\" prefix.
std::string path_key(std::string_view p) {
  if (p.starts_with("\\\\?\\")) p.remove_prefix(4);
  if (p.size() >= 2 && p[1] == ':') p.remove_prefix(2);
  std::string out;
  out.reserve(p.size());
  for (char c : p) out += c == '/' ? '\\' : ascii_lower(c);
  return out;
}

}  // namespace

std::string text(const Finding& f, std::string_view key) { return member_text(f.data, key); }

std::optional<std::uint64_t> number(const Finding& f, std::string_view key) {
  const auto* v = member(f, key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<std::uint64_t>();
  if (v->is_number_integer()) {
    auto n = v->get<std::int64_t>();
    if (n >= 0) return static_cast<std::uint64_t>(n);
    return std::nullopt;
  }
  if (!v->is_string()) return std::nullopt;
  std::string_view s = v->get_ref<const std::string&>();
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    s.remove_prefix(2);
    base = 16;
  }
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return n;
}

const nlohmann::ordered_json* nested(const Finding& f, std::string_view dotted) {
  const nlohmann::ordered_json* v = &f.data;
  while (!dotted.empty()) {
    const auto dot = dotted.find('.');
    const std::string key(dotted.substr(0, dot));
    if (!v->is_object()) return nullptr;
    auto it = v->find(key);
    if (it == v->end()) return nullptr;
    v = &*it;
    dotted = dot == std::string_view::npos ? std::string_view() : dotted.substr(dot + 1);
  }
  return v;
}

bool flag(const Finding& f, std::string_view key, bool otherwise) {
  const auto* v = member(f, key);
  return v && v->is_boolean() ? v->get<bool>() : otherwise;
}

const nlohmann::ordered_json& object(const Finding& f, std::string_view key) {
  static const nlohmann::ordered_json empty = nlohmann::ordered_json::object();
  const auto* v = member(f, key);
  return v && v->is_object() ? *v : empty;
}

std::string member_text(const nlohmann::ordered_json& obj, std::string_view key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(std::string(key));
  if (it == obj.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return "";
}

bool has_check(const Finding& f, std::string_view id) {
  return std::any_of(f.checks.begin(), f.checks.end(),
                     [&](const CheckHit& c) { return c.id == id; });
}

bool same_path(std::string_view a, std::string_view b) {
  return !a.empty() && !b.empty() && path_key(a) == path_key(b);
}

bool in_window(const Finding& f, const Pivot& p) {
  return f.time && p.since && p.until && *f.time >= *p.since && *f.time <= *p.until;
}

std::string when(const std::optional<Filetime>& t) {
  return t ? format_filetime(*t) : std::string("(no time)");
}

void cite(std::vector<std::size_t>& out, std::size_t index) {
  if (std::find(out.begin(), out.end(), index) == out.end()) out.push_back(index);
}

}  // namespace sqltriage::investigation
