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

}  // namespace sqltriage::test
