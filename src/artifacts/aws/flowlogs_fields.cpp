// Field names, header detection and value parsing of VPC flow log records.
#include "artifacts/aws/flowlogs_fields.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <string>

namespace sqltriage::aws::flowlogs {

namespace {

struct Name {
  std::string_view text;
  Field field;
};

constexpr std::array kNames{
    Name{"version", Field::version},
    Name{"account-id", Field::account_id},
    Name{"interface-id", Field::interface_id},
    Name{"instance-id", Field::instance_id},
    Name{"srcaddr", Field::srcaddr},
    Name{"dstaddr", Field::dstaddr},
    Name{"pkt-srcaddr", Field::pkt_srcaddr},
    Name{"pkt-dstaddr", Field::pkt_dstaddr},
    Name{"srcport", Field::srcport},
    Name{"dstport", Field::dstport},
    Name{"protocol", Field::protocol},
    Name{"packets", Field::packets},
    Name{"bytes", Field::bytes},
    Name{"start", Field::start},
    Name{"end", Field::end},
    Name{"action", Field::action},
    Name{"log-status", Field::log_status},
    Name{"flow-direction", Field::flow_direction},
};

bool digits_only(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Field field_of(std::string_view name) {
  if (name.size() > 3 && name.substr(0, 2) == "${" && name.back() == '}')
    name = name.substr(2, name.size() - 3);
  if (name.size() > 32) return Field::other;
  std::string key(name);
  for (char& c : key)
    if (c == '_') c = '-';
  for (const auto& n : kNames)
    if (n.text == key) return n.field;
  return Field::other;
}

void split_fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t begin = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > begin) out.push_back(line.substr(begin, i - begin));
  }
}

bool is_header(const std::vector<std::string_view>& fields) {
  bool names_address = false;
  for (const auto f : fields) {
    if (digits_only(f)) return false;
    const Field id = field_of(f);
    names_address = names_address || id == Field::srcaddr || id == Field::dstaddr;
  }
  return names_address;
}

const std::vector<Field>& default_layout() {
  static const std::vector<Field> layout = {
      Field::version, Field::account_id, Field::interface_id, Field::srcaddr,   Field::dstaddr,
      Field::srcport, Field::dstport,    Field::protocol,     Field::packets,   Field::bytes,
      Field::start,   Field::end,        Field::action,       Field::log_status};
  return layout;
}

const std::string& default_field_names() {
  static const std::string names =
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes "
      "start end action log-status";
  return names;
}

bool looks_binary(std::string_view line) {
  for (const char ch : line) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0x7F || (c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' && c != '\v'))
      return true;
  }
  return false;
}

std::optional<std::uint64_t> parse_number(std::string_view text, std::uint64_t max) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v > max) return std::nullopt;
  return v;
}

std::optional<Filetime> parse_unix_seconds(std::string_view text) {
  const auto s = parse_number(text, 253402300799ull);
  if (!s) return std::nullopt;
  return kFiletimeUnixEpoch + *s * kTicksPerSecond;
}

std::optional<std::string> canonical_address(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  std::array<unsigned char, 16> bin{};
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_pton(AF_INET, s.c_str(), bin.data()) == 1)
    return inet_ntop(AF_INET, bin.data(), out.data(), out.size()) ? std::string(out.data())
                                                                  : std::optional<std::string>();
  if (inet_pton(AF_INET6, s.c_str(), bin.data()) == 1)
    return inet_ntop(AF_INET6, bin.data(), out.data(), out.size()) ? std::string(out.data())
                                                                   : std::optional<std::string>();
  return std::nullopt;
}

bool is_address(std::string_view text) { return canonical_address(text).has_value(); }

}  // namespace sqltriage::aws::flowlogs
