// registry.account from real SAM hives, compared with RegRipper's samparse plugin on the same
// files: user name, RID, SID, account creation (Names key LastWrite), last logon, password
// reset, logon count and the disabled flag.
#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <map>
#include <sstream>

#include "artifacts/registry/extract.hpp"
#include "sqltriage/byte_source.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
using sqltriage::Finding;
namespace registry = sqltriage::registry;

/// What samparse prints for one user.
struct SamparseUser {
  std::string name, sid, created, last_logon, password_reset, logon_count;
  bool disabled = false;
};

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  const auto start = s.find_first_not_of(' ');
  return start == std::string::npos ? std::string() : s.substr(start);
}

/// "Sat Nov 20 21:48:12 2010 Z" -> "2010-11-20T21:48:12"; "Never" stays "Never".
std::string samparse_time(const std::string& text) {
  if (text == "Never") return text;
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%a %b %d %H:%M:%S %Y");
  REQUIRE_FALSE(in.fail());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

std::map<std::string, SamparseUser> samparse(const fs::path& hive) {
  const auto r = sqltriage::test::run("regripper -r " +
                                      sqltriage::test::shell_quote(hive.string()) + " -p samparse");
  REQUIRE(r.exit_code == 0);
  std::map<std::string, SamparseUser> users;
  std::istringstream in(r.out);
  std::string line;
  SamparseUser* current = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("Group Membership", 0) == 0) break;
    const auto colon = line.find(" : ");
    if (line.find("--> Account Disabled") != std::string::npos && current) current->disabled = true;
    if (colon == std::string::npos) continue;
    const std::string field = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 3));
    if (field == "Username") {
      const std::string name = trim(value.substr(0, value.find(" [")));
      current = &users[name];
      current->name = name;
    } else if (current && field == "SID") {
      current->sid = value;
    } else if (current && field == "Account Created") {
      current->created = samparse_time(value);
    } else if (current && field == "Last Login Date") {
      current->last_logon = samparse_time(value);
    } else if (current && field == "Pwd Reset Date") {
      current->password_reset = samparse_time(value);
    } else if (current && field == "Login Count") {
      current->logon_count = value;
    }
  }
  return users;
}

std::string seconds(const nlohmann::ordered_json& iso) {
  return iso.is_null() ? "Never" : iso.get<std::string>().substr(0, 19);
}

std::vector<Finding> read_users(const fs::path& path, std::vector<sqltriage::ErrorEntry>& errors) {
  const auto hive = registry::Hive::open(sqltriage::open_host_file(path), path.string());
  const sqltriage::AccountNames names;
  const registry::HiveContext ctx{hive, registry::HiveKind::sam, "", "", names};
  std::vector<Finding> out;
  registry::Sink sink{[&out](Finding f) { out.push_back(std::move(f)); }, errors};
  registry::read_sam_users(ctx, sink);
  return out;
}

}  // namespace

TEST_CASE("SAM local users agree with RegRipper samparse", "[registry][accounts]") {
  SQLTRIAGE_REQUIRE_CORPUS(dir, "registry");
  if (!sqltriage::test::tool_or_skip("regripper")) return;
  for (const char* name : {"regipy_SAM", "velo_SAM"}) {
    INFO(name);
    const auto expected = samparse(dir / name);
    REQUIRE(expected.size() >= 2);
    std::vector<sqltriage::ErrorEntry> errors;
    const auto users = read_users(dir / name, errors);
    CHECK(errors.empty());
    REQUIRE(users.size() == expected.size());
    for (const auto& f : users) {
      const auto& d = f.data;
      REQUIRE(d.at("UserName").is_string());
      const auto it = expected.find(d.at("UserName").get<std::string>());
      REQUIRE(it != expected.end());
      const SamparseUser& u = it->second;
      INFO(u.name);
      CHECK(d.at("Sid") == u.sid);
      CHECK(d.at("Rid").get<std::uint32_t>() == std::stoul(u.sid.substr(u.sid.rfind('-') + 1)));
      CHECK(seconds(d.at("Created")) == u.created);
      CHECK(seconds(d.at("LastLogon")) == u.last_logon);
      CHECK(seconds(d.at("PasswordLastSet")) == u.password_reset);
      CHECK(std::to_string(d.at("LogonCount").get<int>()) == u.logon_count);
      CHECK(d.at("Disabled") == u.disabled);
      CHECK(f.artifact.offset.has_value());
    }
  }
}

TEST_CASE("A SAM user record cut short is an error naming the value's offset",
          "[registry][accounts][bad-input]") {
  if (!sqltriage::test::tool_or_skip("hivexregedit")) return;
  sqltriage::test::TempDir dir;
  const fs::path sam = dir.path() / "SAM";
  // A sound F record for RID 1002 (0x3EA): disabled (flags bit 0x0001), 7 logons.
  std::vector<unsigned> f(0x50, 0);
  f[0] = 2;
  f[0x30] = 0xEA;
  f[0x31] = 0x03;
  f[0x38] = 0x01;
  f[0x42] = 7;
  std::string hex;
  for (unsigned b : f) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", b);
    hex += (hex.empty() ? "" : ",") + std::string(buf);
  }
  sqltriage::test::write_hive(sam, std::string(R"([\SAM]

[\SAM\Domains]

[\SAM\Domains\Account]

[\SAM\Domains\Account\Users]

[\SAM\Domains\Account\Users\000003E9]
"F"=hex:01,02,03

[\SAM\Domains\Account\Users\000003EA]
"F"=hex:)") + hex + "\n");
  std::vector<sqltriage::ErrorEntry> errors;
  const auto users = read_users(sam, errors);
  REQUIRE(users.size() == 1);  // the sound record is still read
  CHECK(users[0].data.at("Rid") == 1002);
  CHECK(users[0].data.at("LogonCount") == 7);
  CHECK(users[0].data.at("Disabled") == true);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].artifact.path == sam.string());
  CHECK(errors[0].artifact.offset.has_value());
  CHECK(errors[0].message.find("000003E9") != std::string::npos);
}
