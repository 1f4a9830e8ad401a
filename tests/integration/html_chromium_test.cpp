// The investigate HTML report rendered by headless Chromium (Debian's chromium package): the
// rendered DOM holds the four answers and the assessment, a screenshot is produced, and the
// page fetches nothing, even when evidence text holds markup that would fetch.
//
// A canary HTTP server on 127.0.0.1 records every request. A control page with one <img>
// pointing at it must reach it (so the canary works); the report, whose evidence strings hold
// <img>, <link>, <iframe>, @import and url() references to the canary, must not.
#include <fstream>
#include <iterator>
#include <sstream>

#include "support.hpp"
#include "unit/html_report_fixture.hpp"

namespace sqltriage::test {
namespace {

using json = nlohmann::json;

/// Serves the canary, fills its port into the pages, runs chromium on them and reports what
/// it saw. Arguments: report.html control.html work-folder.
const char* kDriver = R"PY(
import http.server, json, os, subprocess, sys, threading
from html.parser import HTMLParser

report, control, work = (os.path.abspath(a) for a in sys.argv[1:4])
hits = []

class Canary(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        hits.append(self.path)
        self.send_response(404)
        self.end_headers()
    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Canary)
threading.Thread(target=server.serve_forever, daemon=True).start()
port = str(server.server_address[1])
for path in (report, control):
    text = open(path, encoding="utf-8").read().replace("CANARYPORT", port)
    open(path, "w", encoding="utf-8").write(text)

def chromium(url, *args):
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-extensions", "--disable-dev-shm-usage", "--user-data-dir=" + os.path.join(work, "profile")]
    r = subprocess.run(cmd + list(args) + ["file://" + url], capture_output=True, timeout=120)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")

class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.ids, self.answers, self.text = {}, [], {}, []
        self.article, self.in_answer = None, False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a:
            self.ids.append(a["id"])
        cls = (a.get("class") or "").split()
        if tag == "article" and "question" in cls:
            self.article = a.get("id")
        self.in_answer = tag == "span" and "answer" in cls and self.article is not None
    def handle_endtag(self, tag):
        if tag == "article":
            self.article = None
        self.in_answer = False
    def handle_data(self, data):
        if self.in_answer:
            self.answers[self.article] = self.answers.get(self.article, "") + data
        self.text.append(data)

rc_control, _, err_control = chromium(control, "--dump-dom")
control_hits = list(hits)
hits.clear()
rc_dom, dom, err_dom = chromium(report, "--dump-dom")
rc_shot, _, err_shot = chromium(report, "--screenshot=" + os.path.join(work, "report.png"),
                                "--window-size=1280,2400", "--hide-scrollbars")
rc_offline, dom_offline, _ = chromium(report, "--host-resolver-rules=MAP * ~NOTFOUND", "--dump-dom")
parsed = Dom()
parsed.feed(dom)
print(json.dumps({
    "rc": [rc_control, rc_dom, rc_shot, rc_offline], "stderr": err_dom[-2000:] + err_shot[-2000:],
    "control_hits": control_hits, "report_hits": hits, "tags": parsed.tags, "ids": parsed.ids,
    "answers": parsed.answers, "text": "".join(parsed.text), "offline_same": dom_offline == dom,
}))
)PY";

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint32_t big_endian32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace

TEST_CASE("html report renders in headless chromium without fetching anything",
          "[html][investigate][chromium]") {
  if (!tool_or_skip("chromium")) return;
  auto report = html_fixture::sample_report();
  const std::string canary = "http://127.0.0.1:CANARYPORT/";
  report.findings[5].summary = "<img src=\"" + canary +
                               "img.png\"><link rel=\"stylesheet\" href=\"" + canary +
                               "link.css\"><iframe src=\"" + canary + "frame\"></iframe>";
  report.findings[6].data["excerpt"] = "<style>@import url(" + canary +
                                       "import.css); body{background:url(" + canary +
                                       "bg.png)}</style>";
  report.subjects[0].questions[1].points.push_back("<img src='" + canary + "point.png'>");

  TempDir tmp;
  std::ostringstream page;
  write_html_report(report, page);
  write_file(tmp.path() / "report.html", page.str());
  write_file(tmp.path() / "control.html",
             "<!DOCTYPE html><html><body><img src=\"" + canary + "control.png\"></body></html>");
  write_file(tmp.path() / "driver.py", kDriver);
  const auto r = run(
      "timeout 600 /usr/bin/python3 " + shell_quote((tmp.path() / "driver.py").string()) + " " +
      shell_quote((tmp.path() / "report.html").string()) + " " +
      shell_quote((tmp.path() / "control.html").string()) + " " + shell_quote(tmp.path().string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto seen = json::parse(r.out);
  INFO(seen["stderr"].get<std::string>());
  CHECK(seen["rc"] == json::array({0, 0, 0, 0}));

  // The canary works: the control page's image reached it. The report reached nothing.
  CHECK(seen["control_hits"] == json::array({"/control.png"}));
  CHECK(seen["report_hits"].empty());

  // The rendered DOM: the four answers of each subject, the assessment, every finding's
  // anchor, and no element made from evidence text.
  const json answers = {{"s1-what", "answered"}, {"s1-dropped", "partly"},
                        {"s1-ran", "answered"},  {"s1-reach", "no evidence"},
                        {"s2-what", "answered"}, {"s2-dropped", "partly"},
                        {"s2-ran", "answered"},  {"s2-reach", "no evidence"}};
  CHECK(seen["answers"] == answers);
  const auto text = seen["text"].get<std::string>();
  CHECK(text.find(report.assessment) != std::string::npos);
  CHECK(text.find(report.subjects[0].questions[1].summary) != std::string::npos);
  CHECK(text.find(html_fixture::kScript) != std::string::npos);  // shown as text
  std::size_t anchors = 0;
  for (const auto& id : seen["ids"])
    anchors += id.get<std::string>().rfind("finding-", 0) == 0 ? 1 : 0;
  CHECK(anchors == report.findings.size());
  for (const auto* tag : {"script", "img", "link", "iframe"})
    CHECK_FALSE(seen["tags"].contains(tag));
  CHECK(seen["tags"]["svg"] == 1);
  CHECK(seen["offline_same"] == true);

  // The screenshot: a PNG (signature, then the IHDR chunk) 1280 pixels wide, 2400 high.
  const auto png = read_all(tmp.path() / "report.png");
  REQUIRE(png.size() > 24);
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  CHECK(png.compare(12, 4, "IHDR") == 0);
  CHECK(big_endian32(png, 16) == 1280);
  CHECK(big_endian32(png, 20) == 2400);
  CHECK(png.size() > 20000);  // not a blank page
}

}  // namespace sqltriage::test
