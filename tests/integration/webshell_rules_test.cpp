// The bundled webshell rules (rules/*.yar) on real webshells and ordinary pages, checked with
// RuleSet and against the yara command-line tool.
//
// Independent references: the yara CLI (4.2.3) with the same rule files on the same tree;
// the corpus's MANIFEST.tsv for how many shells and pages the archives hold; libyara's rule
// count for the rule text this test parses; the "expect:" line each of our own fixtures in
// tests/fixtures/webshell/ carries. The bar (recall >= 90 %, no high or critical hit on an
// ordinary page) is the one issue 6 sets.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "sqltriage/yara_rules.hpp"
#include "support.hpp"

namespace {

namespace fs = std::filesystem;
namespace yr = sqltriage::yara;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::source_dir;
using sqltriage::test::TempDir;

std::string q(const fs::path& p) { return shell_quote(p.string()); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Every regular file under `root`, sorted.
std::vector<fs::path> files_under(const fs::path& root) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// The rule files of the repository's rules/ folder, sorted.
std::vector<fs::path> repo_rule_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(source_dir() / "rules"))
    if (e.is_regular_file() && e.path().extension() == ".yar") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::shared_ptr<const yr::RuleSet> builtin_set() {
  std::shared_ptr<const yr::RuleSet> rules;
  REQUIRE_NOTHROW(rules = yr::RuleSet::compile(yr::builtin_rules()));
  REQUIRE(rules != nullptr);
  return rules;
}

yr::ScanResult scan_file(const yr::RuleSet& rules, const fs::path& p) {
  const std::string data = read_text(p);
  auto result = rules.scan(reinterpret_cast<const std::uint8_t*>(data.data()), data.size(), 60);
  INFO(p.string());
  REQUIRE_FALSE(result.error.has_value());
  return result;
}

std::string severity_of(const yr::RuleMatch& m) {
  const auto it = m.meta.find("severity");
  return it != m.meta.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string extension_of(const fs::path& p) {
  std::string ext = p.extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

/// Rows of MANIFEST.tsv whose first cell is `category`.
std::size_t manifest_count(const fs::path& corpus, const std::string& category) {
  std::istringstream in(read_text(corpus / "MANIFEST.tsv"));
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && sqltriage::test::split_tabs(line).front() == category) ++n;
  return n;
}

/// Unpacks `archive` into `dir` with tar; returns the files it holds.
std::vector<fs::path> unpack(const fs::path& archive, const fs::path& dir) {
  fs::create_directories(dir);
  const auto r = run("tar xzf " + q(archive) + " -C " + q(dir));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return files_under(dir);
}

// ---- the rule text -------------------------------------------------------------------------

struct ParsedRule {
  std::string name;
  std::map<std::string, std::string> meta;  ///< string meta only, as written (unescaped \")
};

/// The rules of one .yar text and their string meta. A small reader for the layout our rule
/// files use (one `rule NAME` per line, then `meta:` with `key = "value"` lines).
std::vector<ParsedRule> parse_rules(const std::string& text) {
  static const std::regex rule_line(R"(^\s*(?:(?:private|global)\s+)*rule\s+(\w+))");
  static const std::regex meta_line(R"re(^\s*(\w+)\s*=\s*"(.*)"\s*$)re");
  std::vector<ParsedRule> out;
  bool in_meta = false;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, rule_line)) {
      out.push_back(ParsedRule{m[1].str(), {}});
      in_meta = false;
    } else if (line.find("meta:") != std::string::npos) {
      in_meta = true;
    } else if (line.find("strings:") != std::string::npos ||
               line.find("condition:") != std::string::npos) {
      in_meta = false;
    } else if (in_meta && !out.empty() && std::regex_search(line, m, meta_line)) {
      out.back().meta[m[1].str()] = std::regex_replace(m[2].str(), std::regex(R"(\\")"), "\"");
    }
  }
  return out;
}

// ---- the yara CLI's output -----------------------------------------------------------------

using Hit = std::tuple<std::string, std::string, std::uint64_t>;  // rule, $id, offset

struct CliFile {
  std::set<std::string> rules;
  std::set<Hit> strings;
};

/// Parses `yara -s -r` output: "RULE PATH" lines, each followed by "0xOFFSET:$id: data" lines.
std::map<std::string, CliFile> parse_yara_output(const std::string& out) {
  static const std::regex string_line(R"(^0x([0-9a-fA-F]+):(\$\w*):)");
  std::map<std::string, CliFile> files;
  std::string rule;
  std::string path;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::smatch m;
    if (std::regex_search(line, m, string_line)) {
      REQUIRE_FALSE(path.empty());
      files[path].strings.emplace(rule, m[2].str(), std::stoull(m[1].str(), nullptr, 16));
      continue;
    }
    const auto space = line.find(' ');
    REQUIRE(space != std::string::npos);
    rule = line.substr(0, space);
    path = line.substr(space + 1);
    files[path].rules.insert(rule);
  }
  return files;
}

}  // namespace

TEST_CASE("webshell rules: recall and false positives on the corpus", "[webshell][rules]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "");
  if (!sqltriage::test::tool_or_skip("tar")) return;
  TempDir tmp;
  const auto shells = unpack(corpus / "webshell.tar.gz", tmp.path() / "shells");
  const auto pages = unpack(corpus / "benign-web.tar.gz", tmp.path() / "pages");
  REQUIRE(shells.size() == manifest_count(corpus, "webshell"));
  REQUIRE(pages.size() == manifest_count(corpus, "benign-web"));

  const auto rules = builtin_set();
  INFO("libyara warnings: " << rules->warnings().size());
  CHECK(rules->warnings().empty());

  // language (extension) -> {files, matched by any rule, matched by a medium-or-above rule}
  std::map<std::string, std::array<std::size_t, 3>> recall;
  std::size_t any_hit = 0;
  std::size_t medium_hit = 0;
  std::ostringstream missed;
  for (const auto& f : shells) {
    const auto result = scan_file(*rules, f);
    const bool any = !result.matches.empty();
    const bool medium =
        std::any_of(result.matches.begin(), result.matches.end(), [](const yr::RuleMatch& m) {
          const auto s = severity_of(m);
          return s == "medium" || s == "high" || s == "critical";
        });
    auto& row = recall[extension_of(f)];
    ++row[0];
    row[1] += any ? 1 : 0;
    row[2] += medium ? 1 : 0;
    any_hit += any ? 1 : 0;
    medium_hit += medium ? 1 : 0;
    if (!any) missed << "  " << f.filename().string() << "\n";
  }

  std::map<std::string, std::array<std::size_t, 2>> pages_by_language;  // files, with a hit
  std::ostringstream benign_hits;
  std::vector<std::string> high_on_benign;
  for (const auto& f : pages) {
    const auto result = scan_file(*rules, f);
    auto& row = pages_by_language[extension_of(f)];
    ++row[0];
    row[1] += result.matches.empty() ? 0 : 1;
    for (const auto& m : result.matches) {
      const auto s = severity_of(m);
      benign_hits << "  " << f.filename().string() << ": " << m.rule << " (" << s << ")\n";
      if (s == "high" || s == "critical")
        high_on_benign.push_back(f.filename().string() + ": " + m.rule);
    }
  }

  std::ostringstream table;
  table << "recall by language (files / any rule / medium or above):\n";
  for (const auto& [lang, row] : recall)
    table << "  " << lang << ": " << row[0] << " / " << row[1] << " / " << row[2] << "\n";
  table << "  all: " << shells.size() << " / " << any_hit << " / " << medium_hit << "\n";
  table << "ordinary pages by language (files / with any hit):\n";
  for (const auto& [lang, row] : pages_by_language)
    table << "  " << lang << ": " << row[0] << " / " << row[1] << "\n";
  table << "hits on ordinary pages:\n"
        << (benign_hits.str().empty() ? "  none\n" : benign_hits.str());
  table << "shells no rule matched:\n" << (missed.str().empty() ? "  none\n" : missed.str());
  WARN(table.str());

  const double total = static_cast<double>(shells.size());
  CHECK(static_cast<double>(any_hit) / total >= 0.90);
  CHECK(static_cast<double>(medium_hit) / total >= 0.90);
  INFO("high or critical hits on ordinary pages:\n" << benign_hits.str());
  CHECK(high_on_benign.empty());
}

TEST_CASE("webshell rules: same matches as the yara CLI", "[webshell][rules]") {
  SQLTRIAGE_REQUIRE_CORPUS(corpus, "");
  if (!sqltriage::test::tool_or_skip("yara") || !sqltriage::test::tool_or_skip("tar")) return;

  // The bundled sources are exactly the repository's rule files.
  const auto files = repo_rule_files();
  REQUIRE_FALSE(files.empty());
  const auto& builtin = yr::builtin_rules();
  REQUIRE(builtin.size() == files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    CHECK(builtin[i].name == "rules/" + files[i].filename().string());
    CHECK(builtin[i].text == read_text(files[i]));
  }

  TempDir tmp;
  const fs::path tree = tmp.path() / "tree";
  unpack(corpus / "webshell.tar.gz", tree / "shells");
  unpack(corpus / "benign-web.tar.gz", tree / "pages");
  fs::copy(source_dir() / "tests" / "fixtures" / "webshell", tree / "fixtures",
           fs::copy_options::recursive);

  std::string command = "yara -s -r";
  for (const auto& f : files) command += " " + q(f);
  command += " " + q(tree);
  const auto cli = run(command);
  INFO(command << "\nstderr: " << cli.err);
  REQUIRE(cli.exit_code == 0);
  CHECK(cli.err.empty());  // no warning about slow strings either
  const auto expected = parse_yara_output(cli.out);
  REQUIRE_FALSE(expected.empty());

  const auto rules = builtin_set();
  std::size_t compared_hits = 0;
  for (const auto& f : files_under(tree)) {
    const auto result = scan_file(*rules, f);
    CliFile got;
    for (const auto& m : result.matches) {
      CHECK_FALSE(m.strings_truncated);
      got.rules.insert(m.rule);
      for (const auto& s : m.strings) got.strings.emplace(m.rule, s.identifier, s.offset);
    }
    const auto it = expected.find(f.string());
    const CliFile none;
    const CliFile& want = it == expected.end() ? none : it->second;
    INFO(f.string());
    CHECK(got.rules == want.rules);
    CHECK(got.strings == want.strings);
    compared_hits += want.strings.size();
  }
  CHECK(compared_hits > 0);
}

TEST_CASE("webshell rules: every rule has the meta the README documents", "[webshell][rules]") {
  const auto& builtin = yr::builtin_rules();
  REQUIRE_FALSE(builtin.empty());
  const std::string readme = read_text(source_dir() / "rules" / "README.md");
  const std::set<std::string> severities{"critical", "high", "medium", "low"};
  const std::map<std::string, std::string> language_of_file{
      {"webshell_aspnet", "aspnet"}, {"webshell_asp", "asp"}, {"webshell_php", "php"},
      {"webshell_jsp", "jsp"},       {"webshell_cfm", "cfm"}, {"webshell_generic", "any"}};

  std::set<std::string> names;
  std::size_t parsed = 0;
  for (const auto& source : builtin) {
    const std::string stem = fs::path(source.name).stem().string();
    INFO(source.name);
    REQUIRE(language_of_file.count(stem) == 1);
    const auto rules = parse_rules(source.text);
    CHECK_FALSE(rules.empty());
    for (const auto& r : rules) {
      INFO("rule " << r.name);
      CHECK(names.insert(r.name).second);  // unique across files
      ++parsed;
      const auto get = [&r](const std::string& key) {
        const auto it = r.meta.find(key);
        return it == r.meta.end() ? std::string() : it->second;
      };
      CHECK(get("description").size() >= 20);
      CHECK(severities.count(get("severity")) == 1);
      CHECK(get("attack") == "T1505.003");
      CHECK(get("language") == language_of_file.at(stem));
      CHECK(readme.find("`" + r.name + "`") != std::string::npos);
    }
  }
  // libyara counts the same rules as this reader of the text.
  const auto compiled = builtin_set();
  CHECK(compiled->rule_count() == parsed);
}

TEST_CASE("webshell rules: our own fixtures match the rule their header names",
          "[webshell][rules]") {
  // Each fixture says "expect: RULE" (a shell written in another spelling than the corpus's)
  // or "expect: none" (an ordinary page that holds only a source or only a sink).
  const auto rules = builtin_set();
  static const std::regex expect_line(R"(expect: (\w+))");
  const auto fixtures = files_under(source_dir() / "tests" / "fixtures" / "webshell");
  REQUIRE(fixtures.size() >= 10);
  for (const auto& f : fixtures) {
    const std::string text = read_text(f);
    std::smatch m;
    INFO(f.filename().string());
    REQUIRE(std::regex_search(text, m, expect_line));
    const std::string want = m[1].str();
    std::set<std::string> got;
    for (const auto& match : scan_file(*rules, f).matches) got.insert(match.rule);
    if (want == "none")
      CHECK(got.empty());
    else
      CHECK(got.count(want) == 1);
  }
}
