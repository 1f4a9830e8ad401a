// Rule sources: the embedded registry, --rules files and folders, the default cache folder.
#include "artifacts/yara/sources.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include "artifacts/yara/embedded_rules.hpp"
#include "core/ascii.hpp"

namespace sqltriage::yara {

namespace fs = std::filesystem;

const std::vector<RuleSource>& builtin_rules() {
  static const std::vector<RuleSource> rules = [] {
    std::vector<RuleSource> out;
    for (const auto& f : embedded::rule_files())
      out.push_back(RuleSource{std::string(f.name), std::string(f.text)});
    return out;
  }();
  return rules;
}

std::optional<fs::path> default_cache_dir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  // The XDG Base Directory specification: a relative $XDG_CACHE_HOME is invalid, ignore it.
  if (xdg != nullptr && *xdg == '/') return fs::path(xdg) / "sqltriage" / "yara";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home == '/') return fs::path(home) / ".cache" / "sqltriage" / "yara";
  return std::nullopt;
}

void assign_namespaces(std::vector<SourceInput>& sources) {
  // Every stem is known first, so a generated "x_2" never takes the name a file x_2.yar has.
  std::set<std::string> stems;
  for (const auto& s : sources) stems.insert(fs::path(s.source.name).stem().string());
  std::set<std::string> given;
  for (auto& s : sources) {
    const std::string stem = fs::path(s.source.name).stem().string();
    std::string ns = stem;
    for (int n = 2; given.count(ns) != 0 || (ns != stem && stems.count(ns) != 0); ++n)
      ns = stem + "_" + std::to_string(n);
    given.insert(ns);
    s.ns = std::move(ns);
  }
}

namespace {

std::string read_rule_file(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw RuleError(path.string() + ": cannot read: " + ec.message());
  if (size > kMaxRuleFileSize)
    throw RuleError(path.string() + ": not read: " + std::to_string(size) +
                    " bytes is more than a rule file's limit of " +
                    std::to_string(kMaxRuleFileSize));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RuleError(path.string() + ": cannot read: " + std::strerror(errno));
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad() || static_cast<std::uintmax_t>(in.gcount()) != size)
    throw RuleError(path.string() + ": cannot read: short read");
  return text;
}

bool is_rule_file_name(const fs::path& p) {
  const std::string ext = ascii_lower(p.extension().string());
  return ext == ".yar" || ext == ".yara";
}

// The rule files under `dir`, sorted by path; symlinked files and folders, FIFOs and devices
// are skipped and named in `notes`.
std::vector<fs::path> rule_files_in(const fs::path& dir, std::vector<std::string>& notes) {
  std::vector<fs::path> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) throw RuleError(dir.string() + ": cannot list the rules folder: " + ec.message());
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) break;
    const auto status = it->symlink_status(ec);
    if (ec) break;
    if (!is_rule_file_name(it->path()) && !fs::is_symlink(status)) continue;
    if (fs::is_regular_file(status))
      found.push_back(it->path());
    else if (fs::is_symlink(status))
      notes.push_back(it->path().string() + ": a symbolic link in a rules folder, not followed");
    else if (!fs::is_directory(status))
      notes.push_back(it->path().string() + ": not a regular file, not read");
  }
  if (ec) throw RuleError(dir.string() + ": cannot list the rules folder: " + ec.message());
  std::sort(found.begin(), found.end());
  if (found.empty()) throw RuleError(dir.string() + ": no *.yar or *.yara file in the folder");
  return found;
}

}  // namespace

std::vector<SourceInput> gather_sources(const RuleSetOptions& options,
                                        std::vector<std::string>& notes) {
  std::vector<SourceInput> out;
  if (options.builtin)
    for (const auto& r : builtin_rules()) out.push_back(SourceInput{r, false, {}});
  std::set<fs::path> seen;
  auto add = [&](const fs::path& file) {
    std::error_code ec;
    const auto canonical = fs::weakly_canonical(file, ec);
    if (!ec && !seen.insert(canonical).second) {
      notes.push_back(file.string() + ": named twice, read once");
      return;
    }
    out.push_back(SourceInput{RuleSource{file.string(), read_rule_file(file)}, true, {}});
  };
  for (const auto& entry : options.extra) {
    std::error_code ec;
    const auto status = fs::status(entry, ec);
    if (ec || !fs::exists(status))
      throw RuleError(entry.string() + ": no such rule file or folder" +
                      (ec ? " (" + ec.message() + ")" : std::string()));
    if (fs::is_directory(status)) {
      for (const auto& file : rule_files_in(entry, notes)) add(file);
    } else {
      add(entry);
    }
  }
  assign_namespaces(out);
  return out;
}

}  // namespace sqltriage::yara
