// The YARA engine (sqltriage::yara): compile errors, matches, caps, timeout, cache, rule
// folders and threads, each checked against the yara CLI run on the same rule file and data,
// or against values this test wrote itself.
#include "sqltriage/yara_rules.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support.hpp"

namespace fs = std::filesystem;
using sqltriage::test::run;
using sqltriage::test::shell_quote;
using sqltriage::test::TempDir;
using sqltriage::test::tool_or_skip;
namespace yr = sqltriage::yara;

namespace {

using sqltriage::test::write_file;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const yr::RuleSet> load_files(const std::vector<fs::path>& files,
                                              std::optional<fs::path> cache = std::nullopt) {
  yr::RuleSetOptions options;
  options.builtin = false;
  options.extra = files;
  options.cache_dir = std::move(cache);
  return yr::RuleSet::load(options);
}

yr::ScanResult scan(const yr::RuleSet& rules, const std::string& data, int timeout_s = 0) {
  return rules.scan(reinterpret_cast<const std::uint8_t*>(data.data()), data.size(), timeout_s);
}

std::string what_of_load(const std::vector<fs::path>& files) {
  try {
    load_files(files);
  } catch (const yr::RuleError& e) {
    return e.what();
  }
  FAIL("no RuleError");
  return {};
}

// What `yara` prints about `file` ("error: rule "x" in FILE(LINE): MESSAGE"): line and message.
struct CliMessage {
  int line = -1;
  std::string message;
};

CliMessage cli_message(const std::string& cli_err, const fs::path& file, const std::string& kind) {
  const std::string name = file.string();
  for (std::istringstream in(cli_err); !in.eof();) {
    std::string l;
    std::getline(in, l);
    // Two shapes: "error: rule "r" in FILE(LINE): MESSAGE" and "FILE(LINE): error: MESSAGE".
    const auto at = l.find(name + "(");
    if (at == std::string::npos) continue;
    const auto open = at + name.size() + 1;
    const auto close = l.find("): ", open);
    if (close == std::string::npos) continue;
    std::string message = l.substr(close + 3);
    if (message.rfind(kind + ": ", 0) == 0)
      message.erase(0, kind.size() + 2);
    else if (l.rfind(kind + ":", 0) != 0)
      continue;
    return CliMessage{std::stoi(l.substr(open, close - open)), message};
  }
  return {};
}

// Our RuleError / warning lines for `file`: "<file>:<line>: <message>".
CliMessage our_message(const std::string& text, const fs::path& file) {
  const std::string prefix = file.string() + ":";
  for (std::istringstream in(text); !in.eof();) {
    std::string l;
    std::getline(in, l);
    if (l.rfind(prefix, 0) != 0) continue;
    const auto close = l.find(": ", prefix.size());
    if (close == std::string::npos) continue;
    return CliMessage{std::stoi(l.substr(prefix.size(), close - prefix.size())),
                      l.substr(close + 2)};
  }
  return {};
}

struct CliString {
  std::string identifier;
  std::uint64_t offset = 0;
  std::uint32_t length = 0;
  bool operator==(const CliString&) const = default;
};

struct CliRule {
  std::string ns;
  std::string rule;
  std::vector<std::string> tags;
  std::vector<CliString> strings;
};

// Parses `yara -s -L -g -m -e` output: "ns:rule [tags] [meta] FILE", then
// "0xOFFSET:LENGTH:$id: data" lines.
std::vector<CliRule> parse_cli(const std::string& out) {
  std::vector<CliRule> rules;
  for (std::istringstream in(out); !in.eof();) {
    std::string l;
    std::getline(in, l);
    if (l.empty()) continue;
    if (l.rfind("0x", 0) == 0) {
      REQUIRE(!rules.empty());
      const auto c1 = l.find(':');
      const auto c2 = l.find(':', c1 + 1);
      const auto c3 = l.find(':', c2 + 1);
      REQUIRE(c3 != std::string::npos);
      rules.back().strings.push_back(
          CliString{l.substr(c2 + 1, c3 - c2 - 1), std::stoull(l.substr(2, c1 - 2), nullptr, 16),
                    static_cast<std::uint32_t>(std::stoul(l.substr(c1 + 1, c2 - c1 - 1)))});
      continue;
    }
    CliRule r;
    const auto space = l.find(' ');
    const std::string full = l.substr(0, space);
    const auto colon = full.find(':');
    r.ns = full.substr(0, colon);
    r.rule = full.substr(colon + 1);
    const auto open = l.find('[', space);
    const auto close = l.find(']', open);
    std::istringstream tags(l.substr(open + 1, close - open - 1));
    for (std::string t; std::getline(tags, t, ',');) r.tags.push_back(t);
    rules.push_back(std::move(r));
  }
  return rules;
}

// Runs the CLI with each file in its namespace (the stem) over `data` written to `dir`.
std::vector<CliRule> cli_scan(const TempDir& dir, const std::vector<fs::path>& rule_files,
                              const std::string& data, const std::string& extra = "") {
  const auto data_path = dir.path() / "scanned.bin";
  write_file(data_path, data);
  std::string cmd = "yara -s -L -g -m -e " + extra;
  for (const auto& f : rule_files) cmd += " " + shell_quote(f.stem().string() + ":" + f.string());
  const auto r = run(cmd + " " + shell_quote(data_path.string()));
  REQUIRE(r.exit_code == 0);
  return parse_cli(r.out);
}

void require_same_as_cli(const yr::ScanResult& ours, const std::vector<CliRule>& cli) {
  REQUIRE(ours.matches.size() == cli.size());
  for (std::size_t i = 0; i < cli.size(); ++i) {
    const auto& m = ours.matches[i];
    INFO("rule " << cli[i].ns << ":" << cli[i].rule);
    CHECK(m.ns == cli[i].ns);
    CHECK(m.rule == cli[i].rule);
    CHECK(m.tags == cli[i].tags);
    std::vector<CliString> got;
    for (const auto& s : m.strings) got.push_back(CliString{s.identifier, s.offset, s.length});
    CHECK(got == cli[i].strings);
  }
}

// A canonical text of a result, to compare runs.
std::string canonical(const yr::ScanResult& r) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const auto& m : r.matches) {
    nlohmann::ordered_json strings = nlohmann::ordered_json::array();
    for (const auto& s : m.strings) {
      std::string hex;
      for (const unsigned char c : s.data) {
        hex += "0123456789abcdef"[c >> 4];
        hex += "0123456789abcdef"[c & 15];
      }
      strings.push_back({s.identifier, s.offset, s.length, hex});
    }
    j.push_back({m.ns, m.rule, m.tags, m.meta, strings, m.strings_truncated});
  }
  return j.dump() + (r.error ? *r.error : std::string("-"));
}

// The rule file of the match tests: strings of every kind, meta of every type, tags, a
// private string and a private rule. Offsets of the data below are chosen by the test.
const char* const kMatchRules = R"(rule web_exec : webshell php
{
  meta:
    description = "exec of request input"
    severity = 3
    confirmed = true
    draft = false
  strings:
    $text = "system("
    $nocase = "passthru" nocase
    $wide = "cmd.exe" wide
    $hex = { 4D 5A [2-6] 50 45 }
    $re = /eval\([a-z_]{3,10}\)/
    $hidden = "secret" private
  condition:
    2 of them
}

private rule helper
{
  strings:
    $b = "base64_decode"
  condition:
    $b
}

rule uses_helper
{
  meta:
    family = "test"
  strings:
    $c = "chr("
  condition:
    helper and #c >= 2
}

rule never
{
  strings:
    $n = "no such text anywhere"
  condition:
    $n
}
)";

std::string match_data() {
  std::string d(400, '.');
  auto put = [&d](std::size_t at, const std::string& s) { d.replace(at, s.size(), s); };
  put(10, "system(");
  put(40, "PaSsThRu");
  put(60, std::string("c\0m\0d\0.\0e\0x\0e\0", 14));
  put(90, std::string("MZ\x01\x02\x03PE", 7));
  put(120, "eval(_post)");
  put(150, "secret");
  put(170, "base64_decode");
  put(200, "chr(");
  put(210, "chr(");
  put(300, "system(");
  return d;
}

}  // namespace

TEST_CASE("yara: a syntax error names the file and the line the yara CLI names", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto good = dir.path() / "good.yar";
  const auto bad = dir.path() / "bad.yar";
  const auto bad2 = dir.path() / "bad2.yar";
  write_file(good, "rule fine { condition: true }\n");
  write_file(bad, "rule a\n{\n  strings:\n    $a = \"abc\"\n  condition:\n    $a and\n}\n");
  write_file(bad2, "rule b\n{\n  condition:\n    true\n}\n\n\nrule ( {\n}\n");
  const std::string what = what_of_load({good, bad, bad2});
  INFO(what);
  const auto cli =
      cli_message(run("yara " + shell_quote(bad.string()) + " /dev/null").err, bad, "error");
  const auto cli2 =
      cli_message(run("yara " + shell_quote(bad2.string()) + " /dev/null").err, bad2, "error");
  REQUIRE(cli.line > 0);
  REQUIRE(cli2.line > 0);
  // Both files are reported, each with the CLI's line and message; the good one is not.
  const auto ours = our_message(what, bad);
  const auto ours2 = our_message(what, bad2);
  CHECK(ours.line == cli.line);
  CHECK(ours.message == cli.message);
  CHECK(ours2.line == cli2.line);
  CHECK(ours2.message == cli2.message);
  CHECK(what.find(good.string()) == std::string::npos);
}

TEST_CASE("yara: an undefined identifier names the file and line, a warning does not fail",
          "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto file = dir.path() / "semantic.yar";
  // The undefined identifier is on line 7.
  write_file(file,
             "rule ok { condition: true }\n\nrule bad\n{\n  strings:\n    $a = \"abc\"\n"
             "  condition:\n    $a and not_defined_anywhere\n}\n");
  const std::string what = what_of_load({file});
  INFO(what);
  const auto cli =
      cli_message(run("yara " + shell_quote(file.string()) + " /dev/null").err, file, "error");
  const auto ours = our_message(what, file);
  CHECK(cli.line == 8);
  CHECK(ours.line == cli.line);
  CHECK(ours.message == cli.message);

  // A one-byte string: libyara warns that it slows scanning, and compiles.
  const auto warn = dir.path() / "warn.yar";
  write_file(warn, "rule slowish\n{\n  strings:\n    $x = \"x\"\n  condition:\n    $x\n}\n");
  const auto cli_warn =
      cli_message(run("yara " + shell_quote(warn.string()) + " /dev/null").err, warn, "warning");
  REQUIRE(cli_warn.line > 0);
  const auto rules = load_files({warn});
  CHECK(rules->rule_count() == 1);
  REQUIRE(rules->warnings().size() == 1);
  const auto ours_warn = our_message(rules->warnings()[0], warn);
  CHECK(ours_warn.line == cli_warn.line);
  CHECK(ours_warn.message == cli_warn.message);
  CHECK(scan(*rules, "..x..").matches.size() == 1);
}

TEST_CASE("yara: built-in sources compile under their names, with the CLI's lines", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const std::string text = "rule a { condition: true }\nrule b { condition: undefined_x }\n";
  write_file(dir.path() / "x.yar", text);
  const auto cli =
      cli_message(run("yara " + shell_quote((dir.path() / "x.yar").string()) + " /dev/null").err,
                  dir.path() / "x.yar", "error");
  try {
    yr::RuleSet::compile({yr::RuleSource{"rules/x.yar", text}});
    FAIL("no RuleError");
  } catch (const yr::RuleError& e) {
    const auto ours = our_message(e.what(), "rules/x.yar");
    CHECK(ours.line == cli.line);
    CHECK(ours.message == cli.message);
  }
}

TEST_CASE("yara: matches, tags, meta and string offsets are those of the yara CLI", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto file = dir.path() / "web.yar";
  write_file(file, kMatchRules);
  const auto rules = load_files({file});
  CHECK(rules->rule_count() == 4);  // the private rule included
  CHECK(rules->source_names() == std::vector<std::string>{file.string()});

  const std::string data = match_data();
  const auto ours = scan(*rules, data);
  CHECK_FALSE(ours.error);
  const auto cli = cli_scan(dir, {file}, data);
  REQUIRE(cli.size() == 2);  // web_exec and uses_helper, as this data was built
  require_same_as_cli(ours, cli);

  const auto& web = ours.matches[0];
  CHECK(web.ns == "web");
  CHECK(web.tags == std::vector<std::string>{"webshell", "php"});
  // Meta as the rule file wrote it, types kept, in order.
  CHECK(web.meta.dump() ==
        R"({"description":"exec of request input","severity":3,"confirmed":true,"draft":false})");
  CHECK(web.meta["severity"].is_number_integer());
  CHECK(web.meta["confirmed"].is_boolean());
  CHECK(ours.matches[1].meta.dump() == R"({"family":"test"})");
  // The private string is not reported; the data is the bytes at the offset.
  for (const auto& s : web.strings) {
    CHECK(s.identifier != "$hidden");
    CHECK(s.data == data.substr(s.offset, s.length));
  }
  // Offsets the test placed: two "system(" and one of each other string.
  std::vector<std::uint64_t> offsets;
  for (const auto& s : web.strings) offsets.push_back(s.offset);
  CHECK(offsets == std::vector<std::uint64_t>{10, 300, 40, 60, 90, 120});
}

TEST_CASE("yara: the same rule name in two namespaces, rules of both files match", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto one = dir.path() / "one.yar";
  const auto two = dir.path() / "two.yar";
  write_file(one, "rule same { strings: $a = \"alpha\" condition: $a }\n");
  write_file(two, "rule same { strings: $b = \"beta\" condition: $b }\n");
  const auto rules = load_files({one, two});
  const std::string data = "..beta..alpha..alpha";
  const auto ours = scan(*rules, data);
  const auto cli = cli_scan(dir, {one, two}, data);
  REQUIRE(cli.size() == 2);
  require_same_as_cli(ours, cli);
  CHECK(ours.matches[0].ns == "one");
  CHECK(ours.matches[1].ns == "two");
}

TEST_CASE("yara: at most kMaxMatchesPerString occurrences and kMaxMatchData bytes", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto file = dir.path() / "caps.yar";
  const std::string long_text(100, 'L');
  write_file(file, "rule caps\n{\n  strings:\n    $ab = \"ab\"\n    $long = \"" + long_text +
                       "\"\n  condition:\n    any of them\n}\n");
  std::string data;
  for (int i = 0; i < 150; ++i) data += "ab-";
  data += "<" + long_text + ">";
  const auto rules = load_files({file});
  const auto ours = scan(*rules, data);
  REQUIRE(ours.matches.size() == 1);
  const auto& m = ours.matches[0];
  CHECK(m.strings_truncated);
  const auto ab = std::count_if(m.strings.begin(), m.strings.end(),
                                [](const yr::StringMatch& s) { return s.identifier == "$ab"; });
  CHECK(static_cast<std::size_t>(ab) == yr::kMaxMatchesPerString);

  // The CLI reports all 150; ours are its first 100, then the long string.
  auto cli = cli_scan(dir, {file}, data);
  REQUIRE(cli.size() == 1);
  CHECK(cli[0].strings.size() == 151);
  cli[0].strings.erase(cli[0].strings.begin() + yr::kMaxMatchesPerString,
                       cli[0].strings.begin() + 150);
  require_same_as_cli(ours, cli);
  const auto& longest = m.strings.back();
  CHECK(longest.identifier == "$long");
  CHECK(longest.length == 100);
  CHECK(longest.data == std::string(yr::kMaxMatchData, 'L'));
  CHECK(longest.offset == 150 * 3 + 1);
}

TEST_CASE("yara: more matches than libyara keeps is reported, the rule still judged", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto file = dir.path() / "many.yar";
  write_file(file, "rule many\n{\n  strings:\n    $ab = \"ab\"\n  condition:\n    #ab > 5\n}\n");
  std::string data;
  for (int i = 0; i < 1100000; ++i) data += "ab";
  const auto rules = load_files({file});
  const auto ours = scan(*rules, data);
  REQUIRE(ours.error);
  CHECK(ours.error->rfind("too many matches", 0) == 0);
  CHECK(ours.error->find("$ab") != std::string::npos);
  // The CLI warns the same way and still reports the rule.
  write_file(dir.path() / "many.bin", data);
  const auto r = run("yara " + shell_quote(file.string()) + " " +
                     shell_quote((dir.path() / "many.bin").string()));
  CHECK(r.err.find("too many matches for $ab") != std::string::npos);
  CHECK(r.out.rfind("many ", 0) == 0);
  REQUIRE(ours.matches.size() == 1);
  CHECK(ours.matches[0].strings.size() == yr::kMaxMatchesPerString);
  CHECK(ours.matches[0].strings.back().offset == 2 * (yr::kMaxMatchesPerString - 1));
}

TEST_CASE("yara: a slow rule stops at the timeout", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto file = dir.path() / "slow.yar";
  // filesize² iterations: hours on 3 MB without a timeout.
  write_file(file,
             "rule slow\n{\n  condition:\n    for all i in (0..filesize) : (\n"
             "      for all j in (0..filesize) : ( uint8(i) != 0x100 ) )\n}\n"
             "rule quick\n{\n  condition:\n    filesize > 0\n}\n");
  const std::string data(3 << 20, '\0');
  const auto rules = load_files({file});
  const auto started = std::chrono::steady_clock::now();
  const auto ours = scan(*rules, data, 1);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE(ours.error);
  CHECK(*ours.error == "timeout after 1 s");
  CHECK(elapsed < std::chrono::seconds(10));
  // The CLI times out on the same rule and data.
  write_file(dir.path() / "slow.bin", data);
  const auto r = run("yara -a 1 " + shell_quote(file.string()) + " " +
                     shell_quote((dir.path() / "slow.bin").string()));
  CHECK(r.err.find("timed out") != std::string::npos);
}

TEST_CASE("yara: compiled rules are cached under their key and reloaded", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto file = dir.path() / "rules" / "web.yar";
  const auto cache = dir.path() / "cache";
  write_file(file, kMatchRules);
  const std::string data = match_data();

  const auto first = load_files({file}, cache);
  CHECK_FALSE(first->from_cache());
  CHECK(first->cache_note().empty());
  const auto cached = cache / (first->key() + ".yarc");
  REQUIRE(fs::is_regular_file(cached));

  // The key is the documented SHA-256, computed here by sha256sum over the same layout.
  {
    const auto version = run("yara --version").out;
    const std::string v = "libyara " + version.substr(0, version.find('\n'));
    auto field = [](const std::string& s) {
      std::string out;
      for (int i = 0; i < 8; ++i) out += static_cast<char>((s.size() >> (8 * i)) & 0xff);
      return out + s;
    };
    std::string layout = field(v);
    for (int i = 0; i < 8; ++i) layout += static_cast<char>(i == 0 ? 1 : 0);
    layout += field(file.string()) + field(kMatchRules);
    write_file(dir.path() / "layout.bin", layout);
    const auto sum = run("sha256sum " + shell_quote((dir.path() / "layout.bin").string())).out;
    CHECK(first->key() == sum.substr(0, 64));
  }

  // After the 48-byte header, the file is libyara's own compiled format: yara -C reads it.
  {
    const std::string bytes = read_file(cached);
    CHECK(bytes.substr(0, 16) == "sqltriage yarc1\n");
    write_file(dir.path() / "payload.yarc", bytes.substr(48));
    write_file(dir.path() / "data.bin", data);
    const auto r = run("yara -C " + shell_quote((dir.path() / "payload.yarc").string()) + " " +
                       shell_quote((dir.path() / "data.bin").string()));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("web_exec ") != std::string::npos);
  }

  const auto second = load_files({file}, cache);
  CHECK(second->from_cache());
  CHECK(second->cache_note().empty());
  CHECK(second->key() == first->key());
  CHECK(second->rule_count() == first->rule_count());
  CHECK(canonical(scan(*second, data)) == canonical(scan(*first, data)));

  // One byte changed in the source: another key, compiled again.
  std::string edited = kMatchRules;
  edited[edited.find("system(")] = 'S';
  write_file(file, edited);
  const auto third = load_files({file}, cache);
  CHECK(third->key() != first->key());
  CHECK_FALSE(third->from_cache());
  CHECK(fs::is_regular_file(cache / (third->key() + ".yarc")));
  // No temporary file is left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(cache)) ++files;
  CHECK(files == 2);
}

TEST_CASE("yara: a damaged or foreign cache file is ignored, reported and rewritten", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto file = dir.path() / "web.yar";
  const auto cache = dir.path() / "cache";
  write_file(file, kMatchRules);
  const std::string data = match_data();
  const auto reference = load_files({file}, cache);
  const auto cached = cache / (reference->key() + ".yarc");
  const std::string good = read_file(cached);
  REQUIRE(good.size() > 100);

  // libyara's own compiled file (yarac), without our header: foreign.
  if (!tool_or_skip("yarac")) return;
  const auto yarac = dir.path() / "plain.yarc";
  REQUIRE(
      run("yarac " + shell_quote(file.string()) + " " + shell_quote(yarac.string())).exit_code ==
      0);
  const std::vector<std::pair<std::string, std::string>> damages = {
      {"truncated", good.substr(0, good.size() / 2)},
      {"garbage", std::string(4096, '\x5a')},
      {"one flipped byte",
       [&] {
         std::string b = good;
         b[b.size() - 7] = static_cast<char>(b[b.size() - 7] ^ 0x01);
         return b;
       }()},
      {"empty", std::string()},
      {"foreign", read_file(yarac)},
  };
  // Another rule set's sound cache file, copied under this set's key.
  const auto other_rules = dir.path() / "other.yar";
  write_file(other_rules, "rule other { condition: true }\n");
  const auto other = load_files({other_rules}, cache);
  const std::string other_file = read_file(cache / (other->key() + ".yarc"));
  {
    write_file(cached, other_file);
    const auto rules = load_files({file}, cache);
    CHECK_FALSE(rules->from_cache());
    CHECK(rules->cache_note().find("another rule set") != std::string::npos);
    CHECK(canonical(scan(*rules, data)) == canonical(scan(*reference, data)));
  }
  for (const auto& [what, bytes] : damages) {
    INFO(what);
    write_file(cached, bytes);
    const auto rules = load_files({file}, cache);
    CHECK_FALSE(rules->from_cache());
    CHECK(rules->cache_note().find(cached.string()) != std::string::npos);
    CHECK(rules->cache_note().find("ignored") != std::string::npos);
    CHECK(canonical(scan(*rules, data)) == canonical(scan(*reference, data)));
    // Rewritten: the next load uses it.
    const auto again = load_files({file}, cache);
    CHECK(again->from_cache());
    CHECK(again->cache_note().empty());
  }
}

TEST_CASE("yara: a cache folder that cannot be used does not fail the load", "[yara]") {
  TempDir dir;
  const auto file = dir.path() / "r.yar";
  write_file(file, "rule r { strings: $a = \"needle\" condition: $a }\n");

  // Under a regular file: the folder cannot be created, whoever runs the test.
  write_file(dir.path() / "plain", "x");
  const auto under_file = load_files({file}, dir.path() / "plain" / "cache");
  CHECK_FALSE(under_file->from_cache());
  CHECK(under_file->cache_note().find("cannot be created") != std::string::npos);
  CHECK(scan(*under_file, "a needle").matches.size() == 1);

  // A read-only folder (not read-only for root, then skipped).
  const auto ro = dir.path() / "ro";
  fs::create_directories(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  if (::access(ro.c_str(), W_OK) == 0) {
    WARN("running as root: a 0500 folder stays writable, read-only part skipped");
  } else {
    const auto read_only = load_files({file}, ro);
    CHECK_FALSE(read_only->from_cache());
    CHECK(read_only->cache_note().find("cannot be written") != std::string::npos);
    CHECK(scan(*read_only, "a needle").matches.size() == 1);
  }
  fs::permissions(ro, fs::perms::owner_all);
}

TEST_CASE("yara: a rules folder is read recursively, sorted, rule files only", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto root = dir.path() / "myrules";
  auto rule = [](const std::string& name) {
    return "rule " + name + " { strings: $a = \"" + name + "\" condition: $a }\n";
  };
  write_file(root / "zeta.yar", rule("zeta"));
  write_file(root / "alpha.yara", rule("alpha"));
  write_file(root / "sub" / "beta.YAR", rule("beta"));
  write_file(root / "sub" / "deeper" / "gamma.yar", rule("gamma"));
  write_file(root / "notes.txt", "rule not_a_rule_file { condition: true }\n");
  write_file(root / "zeta.yar.bak", "this is not yara");
  write_file(dir.path() / "elsewhere" / "linked.yar", rule("linked"));
  fs::create_symlink(dir.path() / "elsewhere" / "linked.yar", root / "link.yar");
  fs::create_directory_symlink(dir.path() / "elsewhere", root / "linkdir");

  const auto rules = load_files({root});
  const std::vector<std::string> expected = {
      (root / "alpha.yara").string(), (root / "sub" / "beta.YAR").string(),
      (root / "sub" / "deeper" / "gamma.yar").string(), (root / "zeta.yar").string()};
  CHECK(rules->source_names() == expected);
  CHECK(rules->rule_count() == 4);
  const std::string data = "zeta beta gamma alpha linked not_a_rule_file";
  const auto ours = scan(*rules, data);
  std::vector<fs::path> files;
  for (const auto& n : expected) files.emplace_back(n);
  require_same_as_cli(ours, cli_scan(dir, files, data));
  CHECK(ours.matches.size() == 4);

  // A folder without rule files, and a path that does not exist.
  const auto empty = dir.path() / "empty";
  fs::create_directories(empty / "sub");
  write_file(empty / "sub" / "readme.md", "no rules here");
  const std::string what = what_of_load({empty});
  CHECK(what.find(empty.string()) != std::string::npos);
  CHECK(what.find("no *.yar or *.yara") != std::string::npos);
  const std::string missing = what_of_load({dir.path() / "missing"});
  CHECK(missing.find((dir.path() / "missing").string()) != std::string::npos);

  yr::RuleSetOptions none;
  none.builtin = false;
  CHECK_THROWS_AS(yr::RuleSet::load(none), std::invalid_argument);
}

TEST_CASE("yara: eight threads scanning one rule set get the matches of one", "[yara]") {
  TempDir dir;
  const auto file = dir.path() / "web.yar";
  write_file(file, kMatchRules);
  const auto rules = load_files({file});
  std::vector<std::string> inputs;
  const std::string base = match_data();
  for (std::size_t shift = 0; shift < 6; ++shift)
    inputs.push_back(std::string(shift * 7, '#') + base);
  inputs.push_back("nothing here");
  std::vector<std::string> expected;
  for (const auto& in : inputs) expected.push_back(canonical(scan(*rules, in)));
  CHECK(expected[0] != expected[1]);  // offsets differ with the shift

  std::vector<std::vector<std::string>> got(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 25; ++round)
        for (std::size_t i = 0; i < inputs.size(); ++i) {
          const auto& in = inputs[(i + t) % inputs.size()];
          got[t].push_back(std::to_string((i + t) % inputs.size()) + canonical(scan(*rules, in)));
        }
    });
  for (auto& th : threads) th.join();
  for (const auto& per_thread : got) {
    REQUIRE(per_thread.size() == 25 * inputs.size());
    for (const auto& entry : per_thread) {
      const std::size_t index = static_cast<std::size_t>(entry[0] - '0');
      CHECK(entry.substr(1) == expected[index]);
    }
  }
}

TEST_CASE("yara: the built-in rules are the repository's rules/*.yar, in name order", "[yara]") {
  std::vector<fs::path> files;
  const auto dir = sqltriage::test::source_dir() / "rules";
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yar") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  const auto& builtin = yr::builtin_rules();
  REQUIRE(builtin.size() == files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    CHECK(builtin[i].name == "rules/" + files[i].filename().string());
    CHECK(builtin[i].text == read_file(files[i]));
  }
  if (!builtin.empty()) {
    const auto rules = yr::RuleSet::compile(builtin);
    CHECK(rules->rule_count() > 0);
    CHECK(rules->source_names().front() == builtin.front().name);
  }
}

TEST_CASE("yara: default cache folder follows XDG_CACHE_HOME, then HOME", "[yara]") {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  const char* home = std::getenv("HOME");
  const std::optional<std::string> saved_xdg = xdg ? std::optional<std::string>(xdg) : std::nullopt;
  const std::optional<std::string> saved_home =
      home ? std::optional<std::string>(home) : std::nullopt;
  ::setenv("XDG_CACHE_HOME", "/x/cache", 1);
  ::setenv("HOME", "/h", 1);
  CHECK(yr::default_cache_dir() == fs::path("/x/cache/sqltriage/yara"));
  ::unsetenv("XDG_CACHE_HOME");
  CHECK(yr::default_cache_dir() == fs::path("/h/.cache/sqltriage/yara"));
  ::setenv("HOME", "relative/home", 1);  // not absolute: ignored, as XDG says
  CHECK_FALSE(yr::default_cache_dir());
  ::setenv("XDG_CACHE_HOME", "cache", 1);
  ::setenv("HOME", "/h", 1);
  CHECK(yr::default_cache_dir() == fs::path("/h/.cache/sqltriage/yara"));
  ::unsetenv("XDG_CACHE_HOME");
  ::unsetenv("HOME");
  CHECK_FALSE(yr::default_cache_dir());
  if (saved_xdg) ::setenv("XDG_CACHE_HOME", saved_xdg->c_str(), 1);
  if (saved_home) ::setenv("HOME", saved_home->c_str(), 1);
}

// Measured once for the report, not part of the suite: [.] hides it.
TEST_CASE("yara: time to compile the built-in rules and to load them from the cache",
          "[.][yara][bench]") {
  TempDir dir;
  yr::RuleSetOptions options;
  options.cache_dir = dir.path();
  using ms = std::chrono::duration<double, std::milli>;
  const auto t0 = std::chrono::steady_clock::now();
  const auto compiled = yr::RuleSet::load(options);
  const auto t1 = std::chrono::steady_clock::now();
  const auto cached = yr::RuleSet::load(options);
  const auto t2 = std::chrono::steady_clock::now();
  const auto plain = yr::RuleSet::compile(yr::builtin_rules());
  const auto t3 = std::chrono::steady_clock::now();
  REQUIRE(cached->from_cache());
  WARN(compiled->rule_count() << " rules from " << compiled->source_names().size()
                              << " files: compile + write " << ms(t1 - t0).count()
                              << " ms, load from cache " << ms(t2 - t1).count()
                              << " ms, compile alone " << ms(t3 - t2).count() << " ms");
}

TEST_CASE("yara: include resolves next to the rule file, and such sets are not cached", "[yara]") {
  if (!tool_or_skip("yara")) return;
  TempDir dir;
  const auto main_file = dir.path() / "set" / "main.yar";
  write_file(dir.path() / "set" / "parts" / "part.yar",
             "rule part { strings: $p = \"included-part\" condition: $p }\n");
  write_file(main_file, "include \"parts/part.yar\"\n\nrule main_rule { condition: part }\n");
  const auto rules = load_files({main_file}, dir.path() / "cache");
  CHECK(rules->rule_count() == 2);
  CHECK_FALSE(rules->from_cache());
  CHECK(rules->cache_note().find("include") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "cache" / (rules->key() + ".yarc")));
  const std::string data = "xx included-part xx";
  // The CLI is run from another folder: the include must resolve next to the file for both.
  const auto ours = scan(*rules, data);
  require_same_as_cli(ours, cli_scan(dir, {main_file}, data));
  CHECK(ours.matches.size() == 2);
}

TEST_CASE("yara: a huge or special --rules file is refused by name, not read", "[yara]") {
  TempDir dir;
  const auto huge = dir.path() / "huge.yar";
  { std::ofstream(huge).put('x'); }
  fs::resize_file(huge, 3ull << 30);  // sparse: 3 GiB of nothing on disk
  const std::string what = what_of_load({huge});
  CHECK(what.find(huge.string()) != std::string::npos);
  CHECK(what.find("limit") != std::string::npos);

  const auto fifo = dir.path() / "pipe.yar";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string fifo_what = what_of_load({fifo});  // must not block on the pipe
  CHECK(fifo_what.find(fifo.string()) != std::string::npos);
}

TEST_CASE("yara: files of one stem get their own namespaces, a file named twice is read once",
          "[yara]") {
  TempDir dir;
  const std::string rule = "rule same { strings: $a = \"needle\" condition: $a }\n";
  write_file(dir.path() / "a" / "same.yar", rule);
  write_file(dir.path() / "b" / "same.yar", rule);
  // A file named like a bundled one, holding a rule of the bundled file's name.
  const auto builtin = yr::builtin_rules();
  REQUIRE_FALSE(builtin.empty());
  const std::string bundled_stem = fs::path(builtin.front().name).stem().string();
  const auto clash = dir.path() / "c" / (bundled_stem + ".yar");
  std::smatch m;
  REQUIRE(std::regex_search(builtin.front().text, m, std::regex("rule\\s+(\\w+)")));
  write_file(clash, "rule " + m[1].str() + " { strings: $a = \"needle\" condition: $a }\n");
  write_file(dir.path() / "d" / "real.yar", rule);
  fs::create_symlink(dir.path() / "d" / "real.yar", dir.path() / "a" / "link.yar");
  // A file whose own stem is the suffix the second same.yar would get.
  write_file(dir.path() / "e" / "same_2.yar", rule);

  yr::RuleSetOptions options;
  options.extra = {dir.path() / "a", dir.path() / "b", clash, dir.path() / "a" / "same.yar",
                   dir.path() / "e"};
  const auto rules = yr::RuleSet::load(options);
  const auto result = scan(*rules, "a needle in a haystack");
  std::set<std::string> hits;
  for (const auto& match : result.matches) hits.insert(match.ns + ":" + match.rule);
  // a/same.yar "same", b/same.yar "same_3" (e/same_2.yar keeps its own stem).
  CHECK(hits == std::set<std::string>{"same:same", "same_3:same", "same_2:same",
                                      bundled_stem + "_2:" + m[1].str()});
  // The repeat and the link are named, not silently dropped.
  const auto& notes = rules->warnings();
  auto noted = [&](const std::string& text) {
    return std::any_of(notes.begin(), notes.end(),
                       [&](const std::string& n) { return n.find(text) != std::string::npos; });
  };
  CHECK(noted("same.yar: named twice, read once"));
  CHECK(noted("link.yar: a symbolic link in a rules folder, not followed"));
  CHECK(rules->source_names().size() == builtin.size() + 4);
}
