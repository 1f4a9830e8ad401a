// The HTML report of `sqltriage investigate`: structure, escaping and no external reference,
// checked by parsing the page with Python's html.parser (/usr/bin/python3, an independent
// HTML tokenizer) and comparing what it reads with the report the test built.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "output/html_text.hpp"
#include "sqltriage/json_text.hpp"
#include "support.hpp"
#include "unit/html_report_fixture.hpp"

namespace sqltriage::test {
namespace {

using json = nlohmann::json;
namespace fx = html_fixture;

/// Reads the page with html.parser: tag nesting problems, ids, attributes, text, the pretty
/// JSON of every finding compared with the finding's data (json.loads on both sides), the
/// plot's rows, stripes and pivot lines, the timeline rows' classes.
const char* kCheckPage = R"PY(
import json, sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids = [], [], []
        self.tags, self.attrs, self.text = {}, [], []
        self.style, self.title = "", ""
        self.pres, self.article = {}, None
        self.rows, self.row = [], None
        self.pivots, self.stripes, self.pivot = [], [], False
        self.timeline_rows, self.in_timeline = [], False
        self.answers = {}
        self.question = None

    def start(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            self.attrs.append([tag, k, v or ""])
        if "id" in a:
            self.ids.append(a["id"])
        cls = (a.get("class") or "").split()
        if tag == "article":
            self.article = a.get("id")
            if "question" in cls:
                self.question = a.get("id")
        if tag == "span" and "answer" in cls and self.question:
            self.answers.setdefault(self.question, "")
            self.capture_answer = True
        if tag == "pre" and "data" in cls:
            self.pres[self.article] = ""
        if tag == "g" and "row" in cls:
            self.row = {"source": a.get("data-source"), "events": int(a.get("data-events")),
                        "bins": 0, "bin_sum": 0}
        if tag == "rect" and "bin" in cls and self.row is not None:
            self.row["bins"] += 1
            self.row["bin_sum"] += int(a["data-count"])
        if tag == "rect" and "stripe" in cls:
            self.stripes.append([float(a["x"]), float(a["width"])])
        if tag == "g" and "pivot" in cls:
            self.pivot = True
        if tag == "line" and self.pivot:
            self.pivots.append(float(a["x1"]))
        if tag == "table" and "timeline" in cls:
            self.in_timeline = True
        if tag == "tr" and self.in_timeline and "class" in a:
            self.timeline_rows.append(a["class"])

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> while open: %s at %s" % (tag, self.stack[-4:], self.getpos()))
            return
        self.stack.pop()
        if tag == "g" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        if tag == "g":
            self.pivot = False
        if tag == "table":
            self.in_timeline = False
        if tag == "article":
            self.article = None
            self.question = None

    def handle_data(self, data):
        top = self.stack[-1] if self.stack else ""
        if top == "style":
            self.style += data
            return
        if top == "title" and "svg" not in self.stack:
            self.title += data
        if top == "pre" and self.article in self.pres:
            self.pres[self.article] += data
        if top == "span" and self.question and getattr(self, "capture_answer", False):
            self.answers[self.question] += data
            self.capture_answer = False
        self.text.append(data)


raw = open(sys.argv[1], "rb").read()
try:
    page_text = raw.decode("utf-8", "strict")
    utf8 = True
except UnicodeDecodeError as e:
    page_text, utf8 = raw.decode("utf-8", "replace"), False
p = Page()
p.feed(page_text)
p.close()
expected = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
mismatch = []
for i, data in enumerate(expected):
    pre = p.pres.get("finding-%d" % i)
    if pre is None or json.loads(pre) != data:
        mismatch.append(i)
print(json.dumps({
    "utf8": utf8, "doctype": page_text.startswith("<!DOCTYPE html>"),
    "problems": p.problems, "open_at_end": p.stack, "ids": p.ids, "tags": p.tags,
    "attrs": p.attrs, "style": p.style, "title": p.title, "text": "".join(p.text),
    "rows": p.rows, "stripes": p.stripes, "pivots": p.pivots,
    "timeline_rows": p.timeline_rows, "answers": p.answers, "pre_mismatch": mismatch,
}))
)PY";

std::string render(const InvestigationReport& r) {
  std::ostringstream out;
  write_html_report(r, out);
  return out.str();
}

/// Writes the page and the findings' data, runs the parser, returns its JSON.
json parse_page(const InvestigationReport& r, const std::string& page) {
  TempDir tmp;
  write_file(tmp.path() / "check_page.py", kCheckPage);
  write_file(tmp.path() / "report.html", page);
  std::string data;
  for (const auto& f : r.findings) data += to_json_text(f.data) + "\n";
  write_file(tmp.path() / "data.jsonl", data);
  const auto res = run("/usr/bin/python3 " + shell_quote((tmp.path() / "check_page.py").string()) +
                       " " + shell_quote((tmp.path() / "report.html").string()) + " " +
                       shell_quote((tmp.path() / "data.jsonl").string()));
  INFO(res.err);
  REQUIRE(res.exit_code == 0);
  return json::parse(res.out);
}

/// Python's text of the page holds `needle` (decoded: entities turned back into characters).
bool text_has(const json& parsed, const std::string& needle) {
  return parsed["text"].get<std::string>().find(needle) != std::string::npos;
}

/// The lossless form of evidence bytes, as the JSON writer writes them (an independent path:
/// nlohmann parses the JSON writer's text).
std::string lossless(const std::string& bytes) {
  std::string literal;
  append_json_string(literal, bytes);
  return json::parse(literal).get<std::string>();
}

/// What the page shows for evidence bytes: the lossless form, with C0 controls other than
/// tab, line feed and carriage return (and DEL) as their control pictures.
std::string shown(const std::string& bytes) {
  const std::string text = lossless(bytes);
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f) {
      const char32_t cp = u == 0x7f ? 0x2421 : 0x2400 + u;
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("html report: well-formed page with every section", "[html][investigate]") {
  const auto report = fx::sample_report();
  const auto page = render(report);
  const auto parsed = parse_page(report, page);

  CHECK(parsed["utf8"] == true);
  CHECK(parsed["doctype"] == true);
  INFO(parsed["problems"].dump());
  CHECK(parsed["problems"].empty());
  CHECK(parsed["open_at_end"].empty());
  CHECK(parsed["title"] == "sqltriage investigate \u2014 sqlserver.exe");

  // Run header and verdict.
  CHECK(text_has(parsed, report.assessment));
  CHECK(text_has(parsed, "web01.img"));
  CHECK(text_has(parsed, "GPT partition 2 at offset 1048576"));
  CHECK(text_has(parsed, "2026-03-03T09:00:00.0000000Z"));
  CHECK(text_has(parsed, "sqltriage " SQLTRIAGE_VERSION));

  // Each question of each subject: its answer text in the question's own answer badge, the
  // summary, the points, the missing artifacts.
  const std::map<Answer, std::string> words = {{Answer::answered, "answered"},
                                               {Answer::partly, "partly"},
                                               {Answer::no_evidence, "no evidence"}};
  for (std::size_t s = 0; s < report.subjects.size(); ++s) {
    for (const auto& q : report.subjects[s].questions) {
      const std::string anchor = "s" + std::to_string(s + 1) + "-" + q.id;
      INFO(anchor);
      REQUIRE(parsed["answers"].contains(anchor));
      CHECK(parsed["answers"][anchor] == words.at(q.answer));
      CHECK(text_has(parsed, q.question));
      CHECK(text_has(parsed, q.summary));
      for (const auto& point : q.points) CHECK(text_has(parsed, shown(point)));
      for (const auto& m : q.missing) CHECK(text_has(parsed, m));
    }
    CHECK(text_has(parsed, report.subjects[s].assessment));
    CHECK(text_has(parsed, report.subjects[s].path));
  }
  CHECK(text_has(parsed, "$STANDARD_INFORMATION CreationTime"));
  CHECK(text_has(parsed, "timestomped: a\"b'c&d<e>f"));

  // Anchors: one per finding, ids unique, every in-page link lands on an id.
  std::set<std::string> ids;
  for (const auto& id : parsed["ids"]) CHECK(ids.insert(id.get<std::string>()).second);
  for (std::size_t i = 0; i < report.findings.size(); ++i)
    CHECK(ids.count("finding-" + std::to_string(i)) == 1);
  std::set<std::string> linked;
  for (const auto& a : parsed["attrs"])
    if (a[1] == "href") linked.insert(a[2].get<std::string>());
  for (const auto& target : {"#finding-3", "#finding-7", "#finding-10", "#s1-dropped"})
    CHECK(linked.count(target) == 1);
  for (const auto& href : linked) {
    INFO(href);
    REQUIRE(href.rfind('#', 0) == 0);
    CHECK(ids.count(href.substr(1)) == 1);
  }

  // Every finding's data, read back by json.loads from the <pre>, equals the finding's data.
  CHECK(parsed["pre_mismatch"].empty());
  // Summaries, artifact paths, check reasons and errors as text.
  for (const auto& f : report.findings) {
    CHECK(text_has(parsed, shown(f.summary)));
    CHECK(text_has(parsed, f.artifact.path));
  }
  std::ostringstream hex;
  hex << "record 48213 offset 49370112 (0x" << std::hex << 49370112 << ")";
  CHECK(text_has(parsed, hex.str()));
  CHECK(text_has(parsed, report.findings[1].checks[0].reason));
  CHECK(text_has(parsed, "T1036.005"));
  for (const auto& e : report.errors) {
    CHECK(text_has(parsed, shown(e.message)));
    CHECK(text_has(parsed, shown(e.artifact.path)));
  }
}

TEST_CASE("html report: evidence text cannot become markup or a fetch", "[html][investigate]") {
  const auto report = fx::sample_report();
  const auto page = render(report);
  const auto parsed = parse_page(report, page);

  // The hostile strings are shown as text, character for character.
  CHECK(text_has(parsed, fx::kScript));
  CHECK(text_has(parsed, fx::kStyleBreak));
  CHECK(text_has(parsed, fx::kPreBreak));
  CHECK(text_has(parsed, fx::kQuotes));
  // Bytes FF FE -> U+EFFF U+EFFE; the genuine U+EF80 -> its three bytes as U+EFEE U+EFBE
  // U+EF80 (the findings document's convention); NUL and 0x01 -> control pictures.
  CHECK(text_has(parsed, "bytes:\uefff\ueffe|\uefee\uefbe\uef80|\u2400\u2401|"));
  CHECK(lossless(std::string("\xff\xfe")) == "\uefff\ueffe");

  // No element or attribute from evidence: no script, no element that fetches.
  for (const auto* tag : {"script", "iframe", "object", "embed", "img", "link", "base", "form",
                          "audio", "video", "source"})
    CHECK_FALSE(parsed["tags"].contains(tag));
  CHECK(parsed["tags"]["h1"] == 1);  // ours; the one in kStyleBreak stays text
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<SCRIPT") == std::string::npos);
  CHECK(page.find("</pre><") == std::string::npos);
  for (const auto& a : parsed["attrs"]) {
    const auto name = a[1].get<std::string>();
    const auto value = a[2].get<std::string>();
    INFO(a.dump());
    CHECK(name.rfind("on", 0) != 0);  // no event handler
    CHECK(name != "src");
    CHECK(name != "srcset");
    CHECK(name != "action");
    CHECK(name != "xlink:href");
    if (name == "href") CHECK(value.rfind('#', 0) == 0);
    CHECK(value.find("http://") == std::string::npos);
    CHECK(value.find("https://") == std::string::npos);
  }
  // The CSP meta, and a stylesheet that loads nothing.
  bool csp = false;
  for (const auto& a : parsed["attrs"])
    if (a[1] == "content" && a[2].get<std::string>().rfind("default-src 'none';", 0) == 0)
      csp = true;
  CHECK(csp);
  const auto style = parsed["style"].get<std::string>();
  CHECK(style.size() > 1000);
  CHECK(style.find("url(") == std::string::npos);
  CHECK(style.find("@import") == std::string::npos);
  CHECK(style.find("@font-face") == std::string::npos);
  CHECK(style.find("http") == std::string::npos);
}

TEST_CASE("html report: the plot has a row per source and the pivot lines", "[html][investigate]") {
  const auto report = fx::sample_report(500);
  const auto parsed = parse_page(report, render(report));

  std::map<std::string, std::size_t> expected;
  for (const auto& e : report.timeline) ++expected[e.source];
  REQUIRE(expected.size() == fx::sources().size());
  std::map<std::string, std::size_t> rows;
  for (const auto& row : parsed["rows"]) {
    INFO(row.dump());
    // Bars gather every event of their row.
    CHECK(row["bin_sum"] == row["events"]);
    CHECK(row["bins"].get<std::size_t>() >= 1);
    rows[row["source"].get<std::string>()] = row["events"].get<std::size_t>();
  }
  CHECK(rows == expected);
  // Row order: timeline.hpp's sources, in its order.
  std::vector<std::string> order;
  for (const auto& row : parsed["rows"]) order.push_back(row["source"]);
  CHECK(order ==
        std::vector<std::string>{"MFT", "USN", "EVTX", "Registry", "Web log", "Webshell", "PE"});

  // The pivots: the window spans pivot1 - 2 h .. pivot2 + 2 h (4.5 h), so the lines stand
  // at 2/4.5 and 2.5/4.5 of the plot area (the stripes' extent).
  REQUIRE(!parsed["stripes"].empty());
  const double left = parsed["stripes"][0][0];
  const double width = parsed["stripes"][0][1];
  REQUIRE(parsed["pivots"].size() == 2);
  CHECK(parsed["pivots"][0].get<double>() == Approx(left + width * 2.0 / 4.5).margin(0.11));
  CHECK(parsed["pivots"][1].get<double>() == Approx(left + width * 2.5 / 4.5).margin(0.11));
  CHECK(text_has(parsed, "Time (UTC), 2026-03-02"));
}

TEST_CASE("html report: without a pivot there is no pivot line", "[html][investigate]") {
  auto report = fx::sample_report(50);
  for (auto& s : report.subjects) s.pivot = Pivot{};
  const auto parsed = parse_page(report, render(report));
  CHECK(parsed["problems"].empty());
  CHECK(parsed["pivots"].empty());
  CHECK(parsed["rows"].size() == fx::sources().size());
  std::size_t plotted = 0;
  for (const auto& row : parsed["rows"]) plotted += row["events"].get<std::size_t>();
  CHECK(plotted == 50);  // the range comes from the events themselves
}

TEST_CASE("html report: the timeline table is capped at 5000 rows", "[html][investigate]") {
  SECTION("under the cap every event has a row") {
    const auto report = fx::sample_report(300);
    const auto parsed = parse_page(report, render(report));
    CHECK(parsed["timeline_rows"].size() == 300);
    CHECK_FALSE(text_has(parsed, "were left out"));
  }
  SECTION("over the cap: 5000 rows, the count left out, severe events kept") {
    const auto report = fx::sample_report(6200);
    const auto parsed = parse_page(report, render(report));
    CHECK(parsed["problems"].empty());
    CHECK(parsed["timeline_rows"].size() == 5000);
    CHECK(text_has(parsed, "Showing 5,000 of 6,200 events: 1,200 events were left out"));
    std::size_t severe = 0;
    for (const auto& e : report.timeline) severe += e.severity >= Severity::medium ? 1 : 0;
    std::size_t severe_rows = 0;
    for (const auto& cls : parsed["timeline_rows"])
      severe_rows += (cls == "t-medium" || cls == "t-high" || cls == "t-critical") ? 1 : 0;
    REQUIRE(severe < 5000);
    CHECK(severe_rows == severe);
    // The plot still counts every event.
    std::size_t plotted = 0;
    for (const auto& row : parsed["rows"]) plotted += row["events"].get<std::size_t>();
    CHECK(plotted == 6200);
  }
}

TEST_CASE("html report: the same report gives the same page", "[html][investigate]") {
  const auto report = fx::sample_report();
  CHECK(render(report) == render(report));
}

TEST_CASE("html report: an empty report is still a well-formed page", "[html][investigate]") {
  InvestigationReport report;
  report.targets = {"<b>x</b>.exe"};
  report.nothing_readable = true;
  const auto parsed = parse_page(report, render(report));
  CHECK(parsed["problems"].empty());
  CHECK(parsed["open_at_end"].empty());
  CHECK(parsed["title"] == "sqltriage investigate \u2014 <b>x</b>.exe");
  CHECK(text_has(parsed, "No events in the window."));
  CHECK(text_has(parsed, "No findings."));
  CHECK(text_has(parsed, "No errors."));
  CHECK(text_has(parsed, "No evidence argument could be read"));
}

TEST_CASE("html report: 100k events keep the plot small", "[html][investigate]") {
  const auto report = fx::sample_report(100000);
  const auto page = render(report);
  const auto svg_begin = page.find("<svg");
  const auto svg_end = page.find("</svg>");
  REQUIRE(svg_begin != std::string::npos);
  REQUIRE(svg_end != std::string::npos);
  // 7 rows x at most 185 bins, each a rect with a short title: well under 1 MB.
  CHECK(svg_end - svg_begin < 1000000);
  const auto parsed = parse_page(report, page);
  std::size_t plotted = 0;
  for (const auto& row : parsed["rows"]) {
    plotted += row["events"].get<std::size_t>();
    CHECK(row["bins"].get<std::size_t>() <= 185);
  }
  CHECK(plotted == 100000);
  CHECK(parsed["timeline_rows"].size() == 5000);
}

TEST_CASE("html report: a finding's data is cut after 100000 characters", "[html][investigate]") {
  auto report = fx::sample_report(10);
  report.findings[3].data = {{"blob", std::string(150000, 'x') + "<tail>"}};
  const auto page = render(report);
  CHECK(page.find("cut after 100,000 characters") != std::string::npos);
  CHECK(page.find("&lt;tail&gt;") == std::string::npos);
  CHECK(page.find(std::string(99980, 'x')) != std::string::npos);
}

TEST_CASE("html text: escaping and the lossless byte convention", "[html]") {
  CHECK(html::escaped("<a href=\"x\">'&'</a>") ==
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  // Agrees with the JSON writer on bytes that are not UTF-8 and on genuine U+EF80-U+EFFF.
  for (const auto& s : {std::string("\xff"), std::string("a\xc3"), std::string("\xed\xa0\x80"),
                        std::string("\xee\xbe\x80\xee\xbf\xbf"), std::string("caf\xc3\xa9"),
                        std::string("\xf0\x9f\x98\x80 ok")})
    CHECK(html::escaped(s) == lossless(s));
  CHECK(html::escaped(std::string("a\0b\x7f", 4)) == "a\u2400b\u2421");
  CHECK(html::escaped("tab\there\nline") == "tab\there\nline");
  // Truncation counts characters, not bytes, and never splits one.
  CHECK(html::escaped("\xc3\xa9\xc3\xa9\xc3\xa9", 2) == "\xc3\xa9\xc3\xa9\u2026");
  CHECK(html::escaped("<<", 1) == "&lt;\u2026");
  CHECK(html::escaped("ab", 2) == "ab");
  // Text already in the lossless form (pretty JSON) keeps its U+EF80-U+EFFF characters.
  std::string kept;
  html::append_escaped_lossless(kept, "\uefff<\uef80");
  CHECK(kept == "\uefff&lt;\uef80");
  CHECK(html::escaped("\uef80") == "\uefee\uefbe\uef80");
  CHECK(html::grouped(0) == "0");
  CHECK(html::grouped(999) == "999");
  CHECK(html::grouped(1000) == "1,000");
  CHECK(html::grouped(1234567) == "1,234,567");
}

}  // namespace sqltriage::test
