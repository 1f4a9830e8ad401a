#include "support.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <sstream>

namespace sqltriage::test {

std::string errors_text(const std::vector<ErrorEntry>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.artifact.path + " [" + e.code + "] " + e.message + "\n";
  return out;
}

std::size_t line_of(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(needle, at + 1) == std::string::npos);
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
}

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

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
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

void write_empty_hive(const std::filesystem::path& path) {
  const auto r = run("/usr/bin/python3 " +
                     shell_quote((source_dir() / "tests/fixtures/registry/hive_tool.py").string()) +
                     " empty " + shell_quote(path.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
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

std::optional<SampleEvidence> sample_evidence(bool quiet) {
  auto make = [](bool q) {
    std::optional<SampleEvidence> made;
    for (const char* tool : {"x86_64-w64-mingw32-gcc", "x86_64-w64-mingw32-windres", "osslsigncode",
                             "openssl", "hivexregedit", "mkntfs"})
      if (!tool_or_skip(tool)) return made;
    static TempDir keep;
    const auto dir = keep.path() / (q ? "quiet" : "sample");
    // The build folder: SQLTRIAGE_NTFSGEN is BUILD/tests/fixtures/ntfsgen.
    const auto build =
        std::filesystem::path(SQLTRIAGE_NTFSGEN).parent_path().parent_path().parent_path();
    const auto r = run("SQLTRIAGE_BUILD=" + shell_quote(build.string()) + " timeout 600 " +
                       shell_quote((source_dir() / "scripts/make-sample.sh").string()) + " " +
                       shell_quote(dir.string()) + (q ? " --quiet-scenario" : ""));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    made = SampleEvidence{dir, dir / "disk.raw", dir / "aws", dir / "noise.csv", dir / "root.pem"};
    return made;
  };
  if (quiet) {
    static const auto quiet_sample = make(true);
    return quiet_sample;
  }
  static const auto sample = make(false);
  return sample;
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
