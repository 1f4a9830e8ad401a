#include "support.hpp"

#include <sys/wait.h>

#include <array>
#include <fstream>
#include <random>
#include <sstream>

namespace sqltriage::test {

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() /
                     ("sqltriage-test-" + std::to_string(rd()) + std::to_string(attempt));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  // Restore permissions a test may have removed, so removal succeeds.
  for (auto it = std::filesystem::recursive_directory_iterator(
           path_, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
  }
  std::filesystem::remove_all(path_, ec);
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

CommandResult run(const std::string& command) {
  TempDir tmp;
  auto out_path = tmp.path() / "out";
  auto err_path = tmp.path() / "err";
  std::string full = command + " >" + shell_quote(out_path.string()) + " 2>" +
                     shell_quote(err_path.string()) + " </dev/null";
  int status = std::system(full.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

bool have_tool(const std::string& name) {
  return run("command -v " + shell_quote(name)).exit_code == 0;
}

bool tool_or_skip(const std::string& name) {
  if (have_tool(name)) return true;
  if (running_in_ci())
    FAIL(name << " is missing under CI=true (scripts/install-deps.sh installs it)");
  WARN(name << " not found, skipping");
  return false;
}

CommandResult run_sqltriage(const std::string& args, int timeout_s) {
  return run("timeout " + std::to_string(timeout_s) + " " + shell_quote(SQLTRIAGE_BINARY) + " " +
             args);
}

std::filesystem::path ntfsgen_image(const TempDir& dir, const std::string& spec_json,
                                    const std::string& extra_args) {
  int n = 1;
  while (std::filesystem::exists(dir.path() / ("ntfs-" + std::to_string(n) + ".img"))) ++n;
  const auto image = dir.path() / ("ntfs-" + std::to_string(n) + ".img");
  const auto spec = dir.path() / ("ntfs-" + std::to_string(n) + ".spec.json");
  {
    std::ofstream out(spec, std::ios::binary);
    out << spec_json;
  }
  const auto r =
      run("timeout 300 " + shell_quote(SQLTRIAGE_NTFSGEN) + " image " +
          shell_quote(image.string()) + " --spec " + shell_quote(spec.string()) + " " + extra_args);
  INFO("ntfsgen stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.rfind(image.string() + "\t", 0) == 0);
  return image;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cells;
  std::size_t start = 0;
  for (;;) {
    auto tab = line.find('\t', start);
    cells.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return cells;
}

static void put16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
static void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// An empty hive: a regf base block and one hive bin holding the root key ("ROOT", no
// subkeys or values), its security key and a free cell. hivex only edits existing hives,
// so tests start from this one. Format knowledge: libregf's REGF format document.
void write_empty_hive(const std::filesystem::path& path) {
  std::vector<std::uint8_t> f(0x2000, 0);
  std::copy_n("regf", 4, f.begin());
  put32(f, 0x04, 1);       // primary sequence number
  put32(f, 0x08, 1);       // secondary sequence number
  put32(f, 0x14, 1);       // major version
  put32(f, 0x18, 3);       // minor version
  put32(f, 0x20, 1);       // file format: direct memory load
  put32(f, 0x24, 0x20);    // root key cell, relative to the first hive bin
  put32(f, 0x28, 0x1000);  // size of the hive bins
  put32(f, 0x2C, 1);       // clustering factor
  std::uint32_t checksum = 0;
  for (std::size_t i = 0; i < 0x1FC; i += 4)
    checksum ^= static_cast<std::uint32_t>(f[i] | f[i + 1] << 8 | f[i + 2] << 16 | f[i + 3] << 24);
  put32(f, 0x1FC, checksum);

  const std::size_t bin = 0x1000;
  std::copy_n("hbin", 4, f.begin() + bin);
  put32(f, bin + 8, 0x1000);
  // Root key cell at 0x20: 4-byte size, then the nk record and its name.
  const std::size_t nk = bin + 0x20;
  put32(f, nk, static_cast<std::uint32_t>(-88));
  std::copy_n("nk", 2, f.begin() + nk + 4);
  put16(f, nk + 4 + 2, 0x2C);  // hive entry | no delete | compressed name
  put32(f, nk + 4 + 16, 0xFFFFFFFF);
  put32(f, nk + 4 + 28, 0xFFFFFFFF);
  put32(f, nk + 4 + 32, 0xFFFFFFFF);
  put32(f, nk + 4 + 40, 0xFFFFFFFF);
  put32(f, nk + 4 + 44, 0x78);  // security key cell
  put32(f, nk + 4 + 48, 0xFFFFFFFF);
  put16(f, nk + 4 + 72, 4);
  std::copy_n("ROOT", 4, f.begin() + nk + 4 + 76);
  // Security key cell at 0x78: owner Administrators, group SYSTEM, DACL Everyone full control.
  const std::vector<std::uint8_t> sd = {
      1, 0, 4, 0x80, 0x30, 0, 0, 0, 0x40, 0, 0, 0,    0, 0,    0, 0,    0x14, 0, 0,
      0, 2, 0, 0x1C, 0,    1, 0, 0, 0,    0, 0, 0x14, 0, 0x3F, 0, 0x0F, 0,    1, 1,
      0, 0, 0, 0,    0,    1, 0, 0, 0,    0, 1, 2,    0, 0,    0, 0,    0,    5, 0x20,
      0, 0, 0, 0x20, 2,    0, 0, 1, 1,    0, 0, 0,    0, 0,    5, 0x12, 0,    0, 0};
  const std::size_t sk = bin + 0x78;
  put32(f, sk, static_cast<std::uint32_t>(-104));
  std::copy_n("sk", 2, f.begin() + sk + 4);
  put32(f, sk + 4 + 4, 0x78);
  put32(f, sk + 4 + 8, 0x78);
  put32(f, sk + 4 + 12, 1);
  put32(f, sk + 4 + 16, static_cast<std::uint32_t>(sd.size()));
  std::copy(sd.begin(), sd.end(), f.begin() + sk + 4 + 20);
  put32(f, bin + 0xE0, 0x1000 - 0xE0);  // the rest is one free cell
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(f.data()), static_cast<std::streamsize>(f.size()));
}

void write_hive(const std::filesystem::path& path, const std::string& reg) {
  std::filesystem::create_directories(path.parent_path());
  write_empty_hive(path);
  const std::filesystem::path reg_file = path.string() + ".reg";
  std::ofstream(reg_file) << "Windows Registry Editor Version 5.00\n\n" << reg;
  const auto r = run("hivexregedit --merge " + shell_quote(path.string()) + " " +
                     shell_quote(reg_file.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::filesystem::remove(reg_file);
}

std::string reg_string(const std::string& s, int type) {
  std::ostringstream out;
  out << "hex(" << type << "):";
  char buf[8];
  for (char c : s) {
    std::snprintf(buf, sizeof buf, "%02x,00,", static_cast<unsigned char>(c));
    out << buf;
  }
  out << "00,00";
  return out.str();
}

std::optional<std::filesystem::path> shim_or_skip() {
  std::vector<std::filesystem::path> places;
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    places.emplace_back(std::filesystem::path(cache) / "sqltriage" / "shim-signed");
  else if (const char* home = std::getenv("HOME"); home && *home)
    places.emplace_back(std::filesystem::path(home) / ".cache" / "sqltriage" / "shim-signed");
  places.emplace_back("/");
  for (const auto& root : places) {
    auto p = root / "usr" / "lib" / "shim" / "shimx64.efi.signed";
    if (std::filesystem::exists(p)) return p;
  }
  if (running_in_ci()) FAIL("shimx64.efi.signed missing under CI=true (scripts/install-deps.sh)");
  WARN("shimx64.efi.signed not found, skipping (scripts/install-deps.sh fetches it)");
  return std::nullopt;
}

std::optional<std::filesystem::path> pe_fixtures() {
  static const auto dir = [] {
    std::optional<std::filesystem::path> made;
    for (const char* tool :
         {"x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-windres", "osslsigncode", "openssl"})
      if (!tool_or_skip(tool)) return made;
    static TempDir keep;
    const auto r = run(shell_quote((source_dir() / "tests/fixtures/pe/make_pes.sh").string()) +
                       " " + shell_quote((keep.path() / "pe").string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    made = keep.path() / "pe";
    return made;
  }();
  return dir;
}

std::string certificate_store_blob(const std::filesystem::path& pem, const TempDir& tmp) {
  const auto der = tmp.path() / "certificate-store-blob.der";
  const auto r = run("openssl x509 -in " + shell_quote(pem.string()) + " -outform der -out " +
                     shell_quote(der.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::ifstream in(der, std::ios::binary);
  const std::vector<std::uint8_t> cert((std::istreambuf_iterator<char>(in)), {});
  std::vector<std::uint8_t> blob;
  auto put32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) blob.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  put32(3);  // CERT_SHA1_HASH_PROP_ID: readers must skip it
  put32(1);
  put32(20);
  blob.insert(blob.end(), 20, 0xab);
  put32(32);  // CERT_CERT_PROP_ID: the DER certificate
  put32(1);
  put32(static_cast<std::uint32_t>(cert.size()));
  blob.insert(blob.end(), cert.begin(), cert.end());
  std::string out = "hex:";
  char buf[4];
  for (std::size_t i = 0; i < blob.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%02x", blob[i]);
    out += (i ? "," : "") + std::string(buf);
  }
  return out;
}

}  // namespace sqltriage::test
