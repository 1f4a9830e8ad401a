// Account names for SIDs: virtual-account SIDs against published ones, the well-known table,
// and hives written by hivex (hivexregedit --merge) or taken from the corpus, read through a
// directory evidence; hivexregedit/hivexget are the independent readers.
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <sstream>

#include "artifacts/ntfs/libfwnt_handles.hpp"
#include "artifacts/registry/accounts/account_sources.hpp"
#include "sqltriage/accounts.hpp"
#include "sqltriage/evidence.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using sqltriage::AccountNames;
using sqltriage::app_pool_sid;
using sqltriage::service_sid;
using sqltriage::test::reg_string;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::write_hive;
using Bytes = std::vector<std::uint8_t>;

namespace {

std::string q(const fs::path& p) { return shell_quote(p.string()); }

/// The "V" value of SAM\Domains\Account: some leading bytes, then the machine SID.
std::string v_value(std::uint32_t a, std::uint32_t b, std::uint32_t c) {
  Bytes v(48, 0x11);
  Bytes sid = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0};
  for (std::uint32_t x : {a, b, c})
    for (int i = 0; i < 4; ++i) sid.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
  v.insert(v.end(), sid.begin(), sid.end());
  std::ostringstream out;
  out << "hex:";
  char buf[4];
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%02x", v[i]);
    out << (i ? "," : "") << buf;
  }
  return out.str();
}

const char* kSamReg = R"([\SAM]

[\SAM\Domains]

[\SAM\Domains\Account]
"V"=%V%

[\SAM\Domains\Account\Users]

[\SAM\Domains\Account\Users\Names]

[\SAM\Domains\Account\Users\Names\Administrator]
@=hex(1f4):

[\SAM\Domains\Account\Users\Names\webadmin]
@=hex(3e9):

[\SAM\Domains\Account\Aliases]

[\SAM\Domains\Account\Aliases\Names]

[\SAM\Domains\Account\Aliases\Names\SQLServerUsers]
@=hex(3ea):

[\SAM\Domains\Builtin]

[\SAM\Domains\Builtin\Aliases]

[\SAM\Domains\Builtin\Aliases\Names]

[\SAM\Domains\Builtin\Aliases\Names\Administratoren]
@=hex(220):
)";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  s.replace(s.find(from), from.size(), to);
  return s;
}

fs::path config_dir(const fs::path& root) { return root / "Windows" / "System32" / "config"; }

bool have_hivex() {
  return sqltriage::test::tool_or_skip("hivexregedit") && sqltriage::test::tool_or_skip("hivexget");
}

/// A built directory evidence: SAM, SYSTEM (Current = 2), SOFTWARE and applicationHost.config.
void build_server(const fs::path& root) {
  write_hive(config_dir(root) / "SAM",
             replace(kSamReg, "%V%", v_value(1111111111u, 2222222222u, 3333333333u)));
  write_hive(config_dir(root) / "SYSTEM", std::string(R"([\Select]
"Current"=dword:00000002

[\ControlSet001]

[\ControlSet001\Control]

[\ControlSet001\Control\ComputerName]

[\ControlSet001\Control\ComputerName\ComputerName]
"ComputerName"=)") + reg_string("OLDNAME", 1) +
                                              R"(

[\ControlSet002]

[\ControlSet002\Control]

[\ControlSet002\Control\ComputerName]

[\ControlSet002\Control\ComputerName\ComputerName]
"ComputerName"=)" + reg_string("WEB01", 1) + R"(

[\ControlSet002\Services]

[\ControlSet002\Services\MSSQLSERVER]

[\ControlSet002\Services\W3SVC]
)");
  write_hive(config_dir(root) / "SOFTWARE", std::string(R"([\Microsoft]

[\Microsoft\Windows NT]

[\Microsoft\Windows NT\CurrentVersion]

[\Microsoft\Windows NT\CurrentVersion\ProfileList]

[\Microsoft\Windows NT\CurrentVersion\ProfileList\S-1-5-18]
"ProfileImagePath"=)") + reg_string("%systemroot%\\system32\\config\\systemprofile", 2) +
                                                R"(

[\Microsoft\Windows NT\CurrentVersion\ProfileList\S-1-5-21-9-8-7-1105]
"ProfileImagePath"=)" + reg_string("C:\\Users\\jdoe", 2) +
                                                R"(

[\Microsoft\Windows NT\CurrentVersion\ProfileList\S-1-5-21-1111111111-2222222222-3333333333-1001]
"ProfileImagePath"=)" + reg_string("C:\\Users\\webadmin.WEB01", 2) +
                                                "\n");
  const auto inetsrv = root / "Windows" / "System32" / "inetsrv" / "config";
  fs::create_directories(inetsrv);
  std::ofstream(inetsrv / "applicationHost.config") << R"(<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="DefaultAppPool" />
      <add name="ShopPool" managedRuntimeVersion="v4.0" />
    </applicationPools>
  </system.applicationHost>
</configuration>
)";
}

std::string machine(const std::string& rid) {
  return "S-1-5-21-1111111111-2222222222-3333333333-" + rid;
}

}  // namespace

TEST_CASE("virtual account SIDs equal the ones Windows publishes", "[accounts]") {
  // Microsoft's well-known SID for NT SERVICE\TrustedInstaller.
  CHECK(service_sid("TrustedInstaller") ==
        "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464");
  // As Windows lists it (LsaEnumerateAccounts output): NT SERVICE\WdiServiceHost.
  CHECK(service_sid("WdiServiceHost") ==
        "S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420");
  // As whoami /all prints it for IIS APPPOOL\DefaultAppPool: the hash of the lower-cased name.
  CHECK(app_pool_sid("DefaultAppPool") ==
        "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415");
  // Names are case-insensitive.
  CHECK(app_pool_sid("DEFAULTAPPPOOL") == app_pool_sid("defaultapppool"));
  CHECK(service_sid("trustedinstaller") == service_sid("TRUSTEDINSTALLER"));
  CHECK(service_sid("TrustedInstaller") != app_pool_sid("TrustedInstaller"));
}

TEST_CASE("without hives: well-known SIDs, DefaultAppPool and domain-relative RIDs", "[accounts]") {
  const AccountNames names;
  CHECK(names.name("S-1-5-18") == "NT AUTHORITY\\SYSTEM");
  CHECK(names.name("s-1-5-18") == "NT AUTHORITY\\SYSTEM");
  CHECK(names.source("S-1-5-18") == "well-known");
  CHECK(names.name("S-1-5-32-544") == "BUILTIN\\Administrators");
  CHECK(names.name("S-1-1-0") == "Everyone");
  // The table's TrustedInstaller entry is the SID the algorithm computes.
  CHECK(names.name(service_sid("TrustedInstaller")) == "NT SERVICE\\TrustedInstaller");
  CHECK(names.name(app_pool_sid("DefaultAppPool")) == "IIS APPPOOL\\DefaultAppPool");
  CHECK(names.source(app_pool_sid("DefaultAppPool")) == "IIS AppPool (computed)");
  CHECK(names.name("S-1-5-21-1-2-3-500") == "Administrator");
  CHECK(names.source("S-1-5-21-1-2-3-500") == "well-known RID");
  CHECK(names.name("S-1-5-21-1-2-3-512") == "Domain Admins");
  CHECK_FALSE(names.name("S-1-5-21-1-2-3-1001"));
  CHECK_FALSE(names.source("S-1-5-21-1-2-3-1001"));
  CHECK_FALSE(names.name("S-1-5-21-1-2-500"));  // not a domain SID plus RID
  CHECK_FALSE(names.name("S-1-5-21-1-2-3-4-500"));
  CHECK_FALSE(names.name("S-1-5-99"));
  CHECK_FALSE(names.name(""));
  CHECK_FALSE(names.name("garbage-500"));
  CHECK(names.machine_sid().empty());
}

TEST_CASE("the well-known SID table rejects malformed lines", "[accounts]") {
  using sqltriage::accounts::parse_well_known_sids;
  CHECK(parse_well_known_sids("# c\nsid\tname\nS-1-5-18\tSYSTEM\nS-1-5-21-*-500\tAdmin\n")
            .fixed.size() == 1);
  CHECK_THROWS_AS(parse_well_known_sids("sid\tname\nS-1-5-18\n"), std::logic_error);
  CHECK_THROWS_AS(parse_well_known_sids("sid\tname\nS-1-5-x\tX\n"), std::logic_error);
  CHECK_THROWS_AS(parse_well_known_sids("sid\tname\nS-1-5-18\tA\nS-1-5-18\tB\n"), std::logic_error);
  CHECK_THROWS_AS(parse_well_known_sids("S-1-5-18\tA\n"), std::logic_error);
  CHECK_THROWS_AS(parse_well_known_sids("sid\tname\nS-1-5-21-*-5-0\tA\n"), std::logic_error);
  CHECK_NOTHROW(sqltriage::accounts::well_known_sids());
}

TEST_CASE("names from SAM, SYSTEM, SOFTWARE and applicationHost.config of a directory evidence",
          "[accounts]") {
  if (!have_hivex()) return;
  sqltriage::test::TempDir tmp;
  build_server(tmp.path());
  // hivex, reading back what it wrote: the RID is the default value's type.
  const auto exported = run("hivexregedit --export " + q(config_dir(tmp.path()) / "SAM") +
                            " '\\SAM\\Domains\\Account\\Users\\Names'");
  REQUIRE(std::regex_search(
      exported.out,
      std::regex(R"(\[\\SAM\\Domains\\Account\\Users\\Names\\webadmin\]\r?\n@=hex\(3e9\):)")));

  auto evidence = sqltriage::open_evidence(tmp.path());
  REQUIRE(evidence->kind() == "directory");
  std::vector<sqltriage::ErrorEntry> errors;
  const auto names = AccountNames::from_evidence(*evidence, errors);
  for (const auto& e : errors) INFO(e.artifact.path << ": " << e.message);
  CHECK(errors.empty());

  CHECK(names.machine_sid() == "S-1-5-21-1111111111-2222222222-3333333333");
  CHECK(names.computer_name() == "WEB01");  // ControlSet002, as Select\Current says
  CHECK(names.name(machine("500")) == "WEB01\\Administrator");
  CHECK(names.source(machine("500")) == "SAM");
  CHECK(names.name(machine("1001")) == "WEB01\\webadmin");  // SAM wins over ProfileList
  CHECK(names.name(machine("1002")) == "WEB01\\SQLServerUsers");
  CHECK(names.name(machine("501")) == "Guest");  // no SAM name: the domain-relative RID
  CHECK(names.source(machine("501")) == "well-known RID");
  CHECK(names.name("S-1-5-32-544") == "BUILTIN\\Administratoren");  // the SAM's own name
  CHECK(names.source("S-1-5-32-544") == "SAM");
  CHECK(names.name("S-1-5-32-545") == "BUILTIN\\Users");  // not in this SAM: well-known
  CHECK(names.name("S-1-5-21-9-8-7-1105") == "jdoe");
  CHECK(names.source("S-1-5-21-9-8-7-1105") == "ProfileList");
  CHECK(names.name("S-1-5-18") == "NT AUTHORITY\\SYSTEM");  // not "systemprofile"
  CHECK(names.name(service_sid("MSSQLSERVER")) == "NT SERVICE\\MSSQLSERVER");
  CHECK(names.source(service_sid("W3SVC")) == "NT SERVICE (computed)");
  CHECK(names.name(app_pool_sid("ShopPool")) == "IIS APPPOOL\\ShopPool");
  CHECK(names.name(app_pool_sid("DefaultAppPool")) == "IIS APPPOOL\\DefaultAppPool");
  CHECK_FALSE(names.name(app_pool_sid("OtherPool")));
}

TEST_CASE("missing hives give fewer names and no errors", "[accounts]") {
  sqltriage::test::TempDir tmp;
  fs::create_directories(config_dir(tmp.path()));
  auto evidence = sqltriage::open_evidence(tmp.path());
  std::vector<sqltriage::ErrorEntry> errors;
  const auto names = AccountNames::from_evidence(*evidence, errors);
  CHECK(errors.empty());
  CHECK(names.name("S-1-5-19") == "NT AUTHORITY\\LOCAL SERVICE");
  CHECK(names.computer_name().empty());
}

TEST_CASE("damaged hives and configuration: an error naming each, the rest still works",
          "[accounts]") {
  if (!have_hivex()) return;
  sqltriage::test::TempDir tmp;
  build_server(tmp.path());
  const auto config = config_dir(tmp.path());
  fs::resize_file(config / "SAM", 4096);  // base block only: the hive bins are gone
  {
    std::mt19937 rng(7);
    std::string junk(64 * 1024, '\0');
    for (auto& c : junk) c = static_cast<char>(rng());
    std::ofstream(config / "SOFTWARE", std::ios::binary) << junk;
  }
  std::ofstream(tmp.path() / "Windows" / "System32" / "inetsrv" / "config" /
                "applicationHost.config")
      << "<configuration><system.applicationHost><applicationPools><add name=\"A\"";

  auto evidence = sqltriage::open_evidence(tmp.path());
  std::vector<sqltriage::ErrorEntry> errors;
  const auto names = AccountNames::from_evidence(*evidence, errors);
  std::map<std::string, std::string> by_path;
  for (const auto& e : errors) {
    UNSCOPED_INFO(e.artifact.path << ": " << e.code << ": " << e.message);
    by_path[e.artifact.path] = e.code + ": " + e.message;
  }
  CHECK(by_path.size() == 3);
  CHECK(by_path.count("C:\\Windows\\System32\\config\\SAM"));
  CHECK(by_path.count("C:\\Windows\\System32\\config\\SOFTWARE"));
  CHECK(by_path.count("C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"));
  for (const auto& [path, text] : by_path) {
    INFO(path << ": " << text);
    CHECK(text.rfind("open_failed: ", 0) == 0);
  }
  CHECK(by_path["C:\\Windows\\System32\\config\\SAM"].find("offset 4096") != std::string::npos);
  CHECK(by_path["C:\\Windows\\System32\\config\\SOFTWARE"].find("regf") != std::string::npos);
  CHECK(by_path["C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config"].find(
            "byte offset") != std::string::npos);
  // SYSTEM is intact: its names still come through.
  CHECK(names.computer_name() == "WEB01");
  CHECK(names.name(service_sid("MSSQLSERVER")) == "NT SERVICE\\MSSQLSERVER");
  CHECK(names.name("S-1-5-18") == "NT AUTHORITY\\SYSTEM");
  CHECK(names.name(app_pool_sid("DefaultAppPool")) == "IIS APPPOOL\\DefaultAppPool");
  CHECK_FALSE(names.name(machine("1001")));
}

namespace {

/// name -> RID of every Names\<name> below `key`, as hivexregedit exports them.
std::map<std::string, std::uint32_t> exported_names(const fs::path& hive, const std::string& key) {
  std::map<std::string, std::uint32_t> out;
  const auto text = run("hivexregedit --export " + q(hive) + " " + shell_quote(key)).out;
  static const std::regex entry(R"(\[[^\]]*\\Names\\([^\]\\]+)\]\r?\n@=hex\(([0-9a-f]+)\):)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry);
       it != std::sregex_iterator(); ++it)
    out[(*it)[1]] = static_cast<std::uint32_t>(std::stoul((*it)[2], nullptr, 16));
  return out;
}

/// The machine SID as libfwnt decodes the last 24 bytes of the "V" value hivexregedit exports.
std::string exported_machine_sid(const fs::path& sam) {
  const auto text = run("hivexregedit --export " + q(sam) + " '\\SAM\\Domains\\Account'").out;
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(R"re("V"=hex\(3\):([0-9a-f,\\\r\n ]+))re"))) return {};
  Bytes v;
  std::string hex;
  for (char c : m[1].str())
    if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    v.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  if (v.size() < 24) return {};
  auto sid = sqltriage::ntfs::make_sid();
  sqltriage::ntfs::FwntError error;
  if (libfwnt_security_identifier_copy_from_byte_stream(sid.get(), v.data() + v.size() - 24, 24,
                                                        LIBFWNT_ENDIAN_LITTLE, error.out()) != 1)
    return {};
  std::string text_sid, why;
  return sqltriage::ntfs::sid_to_string(sid.get(), text_sid, why) ? text_sid : std::string();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("corpus SAM and SYSTEM: names equal what hivex reads", "[accounts][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(registry, "registry");
  if (!have_hivex()) return;
  for (const char* sam_name : {"regipy_SAM", "velo_SAM"}) {
    INFO(sam_name);
    sqltriage::test::TempDir tmp;
    fs::create_directories(config_dir(tmp.path()));
    fs::copy_file(registry / sam_name, config_dir(tmp.path()) / "SAM");
    fs::copy_file(registry / "regipy_SYSTEM", config_dir(tmp.path()) / "SYSTEM");
    const auto sam = config_dir(tmp.path()) / "SAM";
    const auto system = config_dir(tmp.path()) / "SYSTEM";

    auto evidence = sqltriage::open_evidence(tmp.path());
    std::vector<sqltriage::ErrorEntry> errors;
    const auto names = AccountNames::from_evidence(*evidence, errors);
    for (const auto& e : errors) INFO(e.artifact.path << ": " << e.message);
    CHECK(errors.empty());

    const std::string machine_sid = exported_machine_sid(sam);
    REQUIRE(machine_sid.rfind("S-1-5-21-", 0) == 0);
    CHECK(names.machine_sid() == machine_sid);
    const std::string current = trim(run("hivexget " + q(system) + " '\\Select' Current").out);
    const std::string computer = trim(run("hivexget " + q(system) + " '\\ControlSet00" + current +
                                          "\\Control\\ComputerName\\ComputerName' ComputerName")
                                          .out);
    REQUIRE_FALSE(computer.empty());
    CHECK(names.computer_name() == computer);

    const auto users = exported_names(sam, "\\SAM\\Domains\\Account\\Users\\Names");
    REQUIRE(users.count("Administrator"));
    for (const auto& [user, rid] : users) {
      const std::string sid = machine_sid + "-" + std::to_string(rid);
      CHECK(names.name(sid) == computer + "\\" + user);
      CHECK(names.source(sid) == "SAM");
    }
    const auto builtin = exported_names(sam, "\\SAM\\Domains\\Builtin\\Aliases\\Names");
    REQUIRE(builtin.size() >= 10);
    const AccountNames table_only;
    for (const auto& [alias, rid] : builtin) {
      const std::string sid = "S-1-5-32-" + std::to_string(rid);
      CHECK(names.name(sid) == "BUILTIN\\" + alias);
      // Our well-known table agrees with this English Windows installation.
      if (table_only.name(sid)) CHECK(table_only.name(sid) == "BUILTIN\\" + alias);
    }
    // The domain-relative RIDs of the table agree with the SAM's own names too.
    for (const auto& [user, rid] : users)
      if (rid < 1000) CHECK(table_only.name("S-1-5-21-1-2-3-" + std::to_string(rid)) == user);

    // Services of the current control set: the SID Windows publishes for this service.
    REQUIRE(run("hivexregedit --export " + q(system) + " '\\ControlSet00" + current +
                "\\Services\\WdiServiceHost'")
                .exit_code == 0);
    CHECK(names.name("S-1-5-80-3139157870-2983391045-3678747466-658725712-1809340420") ==
          "NT SERVICE\\WdiServiceHost");
  }
}

TEST_CASE("corpus: a truncated and a corrupted hive give errors naming them",
          "[accounts][corpus]") {
  SQLTRIAGE_REQUIRE_CORPUS(registry, "registry");
  sqltriage::test::TempDir tmp;
  fs::create_directories(config_dir(tmp.path()));
  fs::copy_file(registry / "yarp_TruncatedHive", config_dir(tmp.path()) / "SAM");
  fs::copy_file(registry / "regipy_corrupted_system_hive", config_dir(tmp.path()) / "SYSTEM");
  auto evidence = sqltriage::open_evidence(tmp.path());
  std::vector<sqltriage::ErrorEntry> errors;
  const auto names = AccountNames::from_evidence(*evidence, errors);
  std::map<std::string, std::string> codes;
  for (const auto& e : errors) {
    INFO(e.artifact.path << ": " << e.code << ": " << e.message);
    codes[e.artifact.path] = e.code;
    CHECK_FALSE(e.message.empty());
  }
  CHECK(codes["C:\\Windows\\System32\\config\\SAM"] == "open_failed");
  // The corrupted SYSTEM hive's root key points into a hive bin that is not there (regfexport
  // fails on it the same way): it cannot be read at all.
  CHECK(codes["C:\\Windows\\System32\\config\\SYSTEM"] == "open_failed");
  CHECK(names.computer_name().empty());
  CHECK(names.name("S-1-5-18") == "NT AUTHORITY\\SYSTEM");
}
