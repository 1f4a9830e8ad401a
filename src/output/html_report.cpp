// The self-contained HTML page of `sqltriage investigate --html` (investigate.hpp).
//
// One file without any external reference: inline CSS, an inline SVG plot, no script. The
// Content-Security-Policy meta forbids every fetch besides data: images, so even a string
// that escaped escaping could not load anything. Sections, in order: run header and overall
// verdict; the answers of every subject at a glance; per subject the pivot, the four
// questions and the pivot's candidates; the plot; the timeline table (capped); every finding
// (anchor finding-N, N = its index in the findings document); the errors.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "output/html_plot.hpp"
#include "output/html_text.hpp"
#include "sqltriage/investigate.hpp"

namespace sqltriage {
namespace {

using html::escaped;
using html::grouped;

/// Rows of the timeline table at most; the rest are counted in a line above it.
constexpr std::size_t kTimelineRows = 5000;
/// Characters of a message in the timeline table (the finding holds the whole text).
constexpr std::size_t kMessageChars = 400;
/// Characters of one finding's pretty JSON data.
constexpr std::size_t kDataChars = 100000;
/// Supporting-finding links listed under a question.
constexpr std::size_t kQuestionLinks = 60;

constexpr const char* kQuestionNumbers[] = {"Q1", "Q2", "Q3", "Q4"};

std::string_view answer_class(Answer a) {
  switch (a) {
    case Answer::answered:
      return "ans-answered";
    case Answer::partly:
      return "ans-partly";
    case Answer::no_evidence:
      break;
  }
  return "ans-none";
}

std::string badge(Severity s) {
  const std::string name(to_string(s));
  return "<span class=\"sev sev-" + name + "\">" + name + "</span>";
}

std::string answer_badge(Answer a) {
  return "<span class=\"answer " + std::string(answer_class(a)) + "\">" +
         std::string(to_string(a)) + "</span>";
}

std::string time_text(std::optional<Filetime> t) {
  return t ? escaped(format_filetime(*t)) : "<span class=\"muted\">no time</span>";
}

std::string question_anchor(std::size_t subject, const QuestionAnswer& q, std::size_t number) {
  const std::string id = q.id.empty() ? "q" + std::to_string(number + 1) : q.id;
  std::string safe;
  for (const char c : id)
    safe += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-') ? c : '_';
  return "s" + std::to_string(subject + 1) + "-" + safe;
}

std::string artifact_text(const ArtifactRef& a) {
  std::string s = "<code>" + escaped(a.path) + "</code>";
  if (a.record) s += " record " + std::to_string(*a.record);
  if (a.offset) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(*a.offset));
    s += " offset " + std::to_string(*a.offset) + " (" + hex + ")";
  }
  return s;
}

std::string css() {
  std::string s = R"CSS(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; color: #1b2430; background: #ffffff;
  font: 14px/1.45 system-ui, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; }
.page { max-width: 1180px; margin: 0 auto; padding: 0 24px 48px; }
h1 { font-size: 24px; margin: 24px 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #cfd8dc;
  overflow-wrap: anywhere; }
h3 { font-size: 16px; margin: 18px 0 6px; overflow-wrap: anywhere; }
code, pre, .mono { font-family: "DejaVu Sans Mono", "Liberation Mono", Consolas, monospace;
  font-size: 12.5px; }
code { overflow-wrap: anywhere; }
a { color: #0d47a1; }
.muted { color: #607080; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #d5dde3; padding: 4px 8px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #eceff1; font-weight: 600; }
table.run th { width: 140px; }
table.run td, table.run th { border: none; padding: 2px 8px 2px 0; background: none; }
.sev { display: inline-block; min-width: 58px; text-align: center; padding: 0 8px;
  border-radius: 10px; border: 1px solid #37474f; font-size: 12px; font-weight: 700;
  text-transform: uppercase; letter-spacing: 0.03em; white-space: nowrap; }
.answer { display: inline-block; padding: 0 8px; border-radius: 4px; font-weight: 700;
  font-size: 12.5px; border: 1px solid; white-space: nowrap; }
.ans-answered { color: #1b5e20; border-color: #2e7d32; background: #e8f5e9; }
.ans-partly { color: #6d4c00; border-color: #b26a00; background: #fff4e0; }
.ans-none { color: #455a64; border-color: #78909c; background: #eceff1; }
.verdict { display: flex; gap: 16px; align-items: center; margin: 16px 0; padding: 14px 18px;
  border: 2px solid #37474f; border-left-width: 12px; border-radius: 6px; background: #fafbfc; }
.verdict .sev { font-size: 15px; padding: 3px 14px; flex-shrink: 0; white-space: nowrap; }
.verdict p { margin: 0; font-size: 16px; font-weight: 600; }
nav { margin: 8px 0 0; padding: 8px 0; border-top: 1px solid #e0e6ea;
  border-bottom: 1px solid #e0e6ea; }
nav a { margin-right: 16px; }
.questions { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr));
  gap: 12px; }
.question { border: 1px solid #cfd8dc; border-left-width: 8px; border-radius: 6px;
  padding: 10px 14px; background: #ffffff; }
.question.ans-answered { border-left-color: #2e7d32; background: #ffffff; color: inherit; }
.question.ans-partly { border-left-color: #b26a00; background: #ffffff; color: inherit; }
.question.ans-none { border-left-color: #90a4ae; background: #ffffff; color: inherit; }
.question h3 { margin: 0 0 6px; }
.qnum { color: #607080; margin-right: 6px; }
.question .line { margin: 0 0 6px; display: flex; gap: 8px; align-items: center; }
.question ul { margin: 6px 0; padding-left: 20px; }
.question li { overflow-wrap: anywhere; }
.missing { color: #8a4b00; }
.refs a, .cited a, td a { white-space: nowrap; }
.pivot-line { margin: 6px 0 12px; padding: 8px 12px; background: #f4f6f8; border-radius: 6px; }
.legend span.swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px;
  border: 1px solid #37474f; vertical-align: -2px; }
svg.plot { max-width: 100%; height: auto; display: block; }
.plot text { fill: #1b2430; }
table.timeline td:nth-child(1), table.timeline td:nth-child(2), table.timeline td:nth-child(3), td.time { white-space: nowrap; }
table.candidates th { white-space: nowrap; }
table.timeline td { font-size: 13px; }
.finding { border: 1px solid #d5dde3; border-left-width: 8px; border-radius: 6px;
  padding: 8px 14px; margin: 12px 0; }
.finding h3 { margin: 0 0 4px; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
.finding .summary { margin: 4px 0; font-weight: 600; overflow-wrap: anywhere; }
.finding p { margin: 4px 0; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa;
  border: 1px solid #e0e6ea; border-radius: 4px; padding: 8px; margin: 6px 0; }
.note { padding: 6px 10px; background: #fff8e1; border: 1px solid #ffe082; border-radius: 4px; }
footer { margin-top: 36px; color: #607080; font-size: 12px; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav { display: none; }
  .page { max-width: none; padding: 0; }
  .question, .finding, .verdict, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
}
)CSS";
  for (int i = 0; i <= 4; ++i) {
    const auto sev = static_cast<Severity>(i);
    const std::string name(to_string(sev));
    const std::string colour = html::severity_colour(sev);
    const bool dark = sev >= Severity::high;
    s += ".sev-" + name + " { background: " + colour +
         "; color: " + (dark ? "#ffffff" : "#000000") + "; }\n";
    s +=
        ".verdict.v-" + name + ", .finding.f-" + name + " { border-left-color: " + colour + "; }\n";
    s += "tr.t-" + name + " td:first-child { border-left: 5px solid " + colour + "; }\n";
    s += ".legend .swatch.sev-" + name + " { background: " + colour + "; }\n";
  }
  return s;
}

/// Buffers the page and writes it out in pieces, so a large report is not held twice.
class Page {
 public:
  explicit Page(std::ostream& out) : out_(out) {}
  Page& operator<<(const std::string& s) {
    buffer_ += s;
    if (buffer_.size() > (1U << 20)) flush();
    return *this;
  }
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }

 private:
  std::ostream& out_;
  std::string buffer_;
};

std::string finding_link(const InvestigationReport& r, std::size_t index) {
  if (index >= r.findings.size())
    return "<span class=\"muted\">#" + std::to_string(index) + " (not in this report)</span>";
  return "<a href=\"#finding-" + std::to_string(index) + "\">#" + std::to_string(index) + " " +
         escaped(r.findings[index].type) + "</a>";
}

std::string title_target(const InvestigationReport& r) {
  std::string t;
  const auto add = [&t](const std::string& s) { t += (t.empty() ? "" : ", ") + s; };
  for (const auto& target : r.targets) add(target);
  if (t.empty())
    for (const auto& subject : r.subjects) add(subject.path);
  return t.empty() ? "(no target)" : t;
}

void write_head(const InvestigationReport& r, Page& page) {
  page << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"sqltriage " SQLTRIAGE_VERSION
          "\">\n"
          "<title>sqltriage investigate \u2014 " +
              escaped(title_target(r), 200) + "</title>\n<style>" + css() +
              "</style>\n</head>\n<body>\n<div class=\"page\">\n";
}

void write_run_header(const InvestigationReport& r, Page& page) {
  page << "<header>\n<h1>sqltriage investigate \u2014 " + escaped(title_target(r)) + "</h1>\n";
  page << "<table class=\"run\">\n";
  std::string evidence;
  for (const auto& e : r.header.evidence) {
    if (!evidence.empty()) evidence += "<br>";
    evidence += "<code>" + escaped(e.path) + "</code> <span class=\"muted\">(" + escaped(e.kind) +
                (e.layout.empty() ? "" : ", " + escaped(e.layout)) + ")</span>";
  }
  page << "<tr><th>Evidence</th><td>" +
              (evidence.empty() ? "<span class=\"muted\">none</span>" : evidence) + "</td></tr>\n";
  std::string targets;
  for (const auto& t : r.targets)
    targets += (targets.empty() ? "" : ", ") + ("<code>" + escaped(t) + "</code>");
  page << "<tr><th>Target</th><td>" +
              (targets.empty() ? "<span class=\"muted\">none</span>" : targets) + "</td></tr>\n";
  page << "<tr><th>Started</th><td>" + escaped(format_filetime(r.header.started)) + "</td></tr>\n";
  char elapsed[32];
  std::snprintf(elapsed, sizeof elapsed, "%.2f", r.stats.elapsed_s);
  page << "<tr><th>Run</th><td>" + grouped(r.stats.files) + " artifacts read, " +
              grouped(r.stats.records) + " records, " + grouped(r.findings.size()) + " findings, " +
              grouped(r.errors.size()) + " errors, " + elapsed + " s</td></tr>\n";
  page << "<tr><th>Tool</th><td>sqltriage " SQLTRIAGE_VERSION "</td></tr>\n</table>\n";
  if (r.nothing_readable)
    page << "<p class=\"note\">No evidence argument could be read: nothing below comes from "
            "evidence.</p>\n";
  const std::string sev(to_string(r.overall));
  page << "<section class=\"verdict v-" + sev + "\" id=\"verdict\">" + badge(r.overall) + "<p>" +
              (r.assessment.empty() ? "No assessment." : escaped(r.assessment)) +
              "</p></section>\n";

  // The answers at a glance.
  if (!r.subjects.empty()) {
    page << "<table class=\"glance\">\n<thead><tr><th>Subject</th>";
    for (std::size_t q = 0; q < 4; ++q) {
      const auto& first = r.subjects.front().questions[q];
      page << "<th>" + std::string(kQuestionNumbers[q]) + " " +
                  escaped(first.question.empty() ? first.id : first.question) + "</th>";
    }
    page << "<th>Severity</th></tr></thead>\n<tbody>\n";
    for (std::size_t s = 0; s < r.subjects.size(); ++s) {
      const auto& subject = r.subjects[s];
      page << "<tr><td><a href=\"#subject-" + std::to_string(s + 1) + "\"><code>" +
                  escaped(subject.path) + "</code></a></td>";
      for (std::size_t q = 0; q < 4; ++q)
        page << "<td><a href=\"#" + question_anchor(s, subject.questions[q], q) + "\">" +
                    answer_badge(subject.questions[q].answer) + "</a></td>";
      page << "<td>" + badge(subject.severity) + "</td></tr>\n";
    }
    page << "</tbody>\n</table>\n";
  }

  page << "<nav>";
  for (std::size_t s = 0; s < r.subjects.size(); ++s)
    page << "<a href=\"#subject-" + std::to_string(s + 1) + "\">Subject " + std::to_string(s + 1) +
                "</a>";
  page << "<a href=\"#plot\">Plot</a><a href=\"#timeline\">Timeline</a>"
          "<a href=\"#findings\">Findings</a><a href=\"#errors\">Errors</a></nav>\n</header>\n";
}

/// Which questions cite each finding: finding index -> links.
std::map<std::size_t, std::vector<std::string>> citations(const InvestigationReport& r) {
  std::map<std::size_t, std::vector<std::string>> cited;
  for (std::size_t s = 0; s < r.subjects.size(); ++s) {
    const auto& subject = r.subjects[s];
    const std::string who = r.subjects.size() > 1 ? "subject " + std::to_string(s + 1) + " " : "";
    if (subject.finding)
      cited[*subject.finding].push_back("<a href=\"#subject-" + std::to_string(s + 1) + "\">" +
                                        (who.empty() ? "the subject" : who + "(the file)") +
                                        "</a>");
    for (std::size_t q = 0; q < 4; ++q)
      for (const auto index : subject.questions[q].findings) {
        auto& links = cited[index];
        const std::string link = "<a href=\"#" + question_anchor(s, subject.questions[q], q) +
                                 "\">" + who + kQuestionNumbers[q] + "</a>";
        if (std::find(links.begin(), links.end(), link) == links.end()) links.push_back(link);
      }
  }
  return cited;
}

void write_question(const InvestigationReport& r, std::size_t s, std::size_t number,
                    const QuestionAnswer& q, Page& page) {
  const std::string cls(answer_class(q.answer));
  page << "<article class=\"question " + cls + "\" id=\"" + question_anchor(s, q, number) +
              "\">\n<h3><span class=\"qnum\">" + kQuestionNumbers[number] + "</span>" +
              escaped(q.question.empty() ? q.id : q.question) + "</h3>\n";
  page << "<p class=\"line\">" + answer_badge(q.answer) + badge(q.severity) + "</p>\n";
  if (!q.summary.empty()) page << "<p class=\"qsummary\">" + escaped(q.summary) + "</p>\n";
  if (!q.points.empty()) {
    page << "<ul class=\"points\">\n";
    for (const auto& point : q.points) page << "<li>" + escaped(point) + "</li>\n";
    page << "</ul>\n";
  }
  if (!q.missing.empty()) {
    std::string missing;
    for (const auto& m : q.missing) missing += (missing.empty() ? "" : "; ") + escaped(m);
    page << "<p class=\"missing\"><strong>Missing:</strong> " + missing + "</p>\n";
  }
  if (!q.findings.empty()) {
    std::string links;
    for (std::size_t i = 0; i < q.findings.size() && i < kQuestionLinks; ++i)
      links += (i == 0 ? "" : ", ") + finding_link(r, q.findings[i]);
    if (q.findings.size() > kQuestionLinks)
      links += " and " + grouped(q.findings.size() - kQuestionLinks) + " more";
    page << "<p class=\"refs\"><strong>Findings:</strong> " + links + "</p>\n";
  } else {
    page << "<p class=\"refs muted\">No supporting finding.</p>\n";
  }
  page << "</article>\n";
}

void write_subject(const InvestigationReport& r, std::size_t s, Page& page) {
  const auto& subject = r.subjects[s];
  page << "<section class=\"subject\" id=\"subject-" + std::to_string(s + 1) + "\">\n<h2>" +
              (r.subjects.size() > 1 ? "Subject " + std::to_string(s + 1) + ": " : "") + "<code>" +
              escaped(subject.path) + "</code> " + badge(subject.severity) + "</h2>\n";
  if (!subject.assessment.empty())
    page << "<p class=\"assessment\"><strong>" + escaped(subject.assessment) + "</strong></p>\n";
  if (subject.found)
    page << "<p>Found in the evidence" +
                (subject.finding ? ": " + finding_link(r, *subject.finding) : std::string()) +
                ".</p>\n";
  else
    page << "<p class=\"missing\">Not found in the evidence.</p>\n";

  const auto& pivot = subject.pivot;
  page << "<div class=\"pivot-line\"><strong>Pivot:</strong> ";
  if (pivot.time) {
    page << escaped(format_filetime(*pivot.time)) + " <span class=\"muted\">from</span> " +
                escaped(pivot.source);
    if (!pivot.reason.empty()) page << " \u2014 " + escaped(pivot.reason);
    if (pivot.since && pivot.until)
      page << "<br><strong>Window:</strong> " + escaped(format_filetime(*pivot.since)) + " to " +
                  escaped(format_filetime(*pivot.until));
  } else {
    page << "none" + (pivot.reason.empty() ? std::string() : " \u2014 " + escaped(pivot.reason));
  }
  page << "</div>\n<div class=\"questions\">\n";
  for (std::size_t q = 0; q < 4; ++q) write_question(r, s, q, subject.questions[q], page);
  page << "</div>\n";

  if (!pivot.candidates.empty()) {
    page << "<h3>Pivot candidates</h3>\n<table class=\"candidates\">\n<thead><tr><th>Source</th>"
            "<th>Time (UTC)</th><th>Trusted</th><th>Note</th><th>Artifact</th><th>Finding</th>"
            "</tr></thead>\n<tbody>\n";
    for (const auto& c : pivot.candidates) {
      const bool chosen = pivot.time && c.time == *pivot.time && c.source == pivot.source;
      page << "<tr" + std::string(chosen ? " class=\"chosen\"" : "") + "><td>" + escaped(c.source) +
                  (chosen ? " <strong>(chosen)</strong>" : "") + "</td><td class=\"time\">" +
                  escaped(format_filetime(c.time)) + "</td><td>" + (c.trusted ? "yes" : "no") +
                  "</td><td>" + escaped(c.note) + "</td><td>" + artifact_text(c.artifact) +
                  "</td><td>" + (c.finding ? finding_link(r, *c.finding) : std::string()) +
                  "</td></tr>\n";
    }
    page << "</tbody>\n</table>\n";
  }
  page << "</section>\n";
}

void write_plot(const InvestigationReport& r, Page& page) {
  page << "<section id=\"plot\">\n<h2>Events per source</h2>\n";
  std::optional<Filetime> start, end;
  std::vector<html::PlotPivot> pivots;
  const bool several = r.subjects.size() > 1;
  for (std::size_t s = 0; s < r.subjects.size(); ++s) {
    const auto& p = r.subjects[s].pivot;
    if (p.since) start = start ? std::min(*start, *p.since) : *p.since;
    if (p.until) end = end ? std::max(*end, *p.until) : *p.until;
    if (p.time)
      pivots.push_back({*p.time, several ? "pivot " + std::to_string(s + 1) : "pivot",
                        "Pivot" + (several ? " of subject " + std::to_string(s + 1) : "") + ": " +
                            format_filetime(*p.time) + " (" + p.source + ")" +
                            (p.reason.empty() ? "" : ". " + p.reason)});
  }
  if (!start || !end) {
    for (const auto& e : r.timeline) {
      start = start ? std::min(*start, e.time) : e.time;
      end = end ? std::max(*end, e.time) : e.time;
    }
    for (const auto& p : pivots) {
      start = start ? std::min(*start, p.time) : p.time;
      end = end ? std::max(*end, p.time) : p.time;
    }
  }
  if (r.timeline.empty() || !start || !end) {
    page << "<p class=\"muted\">No events in the window.</p>\n</section>\n";
    return;
  }
  std::size_t outside = 0;
  const auto svg = html::events_plot_svg(r.timeline, *start, *end, pivots, &outside);
  page << "<p class=\"muted\">" + grouped(r.timeline.size() - outside) + " events from " +
              escaped(format_filetime(*start)) + " to " + escaped(format_filetime(*end)) +
              ", one row per source. Each bar gathers the events of a few pixels of time: its "
              "height grows with their number (logarithmic), its colour is their highest "
              "severity. Hover a bar for its events; the dashed line is the pivot.</p>\n";
  page << svg;
  page << "<p class=\"legend\">Severity:";
  for (int i = 4; i >= 0; --i) {
    const std::string name(to_string(static_cast<Severity>(i)));
    page << "<span class=\"swatch sev-" + name + "\"></span>" + name;
  }
  page << "</p>\n";
  if (outside > 0)
    page << "<p class=\"note\">" + grouped(outside) +
                " events outside the window are not plotted.</p>\n";
  page << "</section>\n";
}

/// Indices of the timeline rows shown: all when they fit, else every event of medium severity
/// or above first, then those nearest a pivot; in timeline order.
std::vector<std::size_t> shown_rows(const InvestigationReport& r) {
  std::vector<std::size_t> rows(r.timeline.size());
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = i;
  if (rows.size() <= kTimelineRows) return rows;
  std::vector<Filetime> pivots;
  for (const auto& s : r.subjects)
    if (s.pivot.time) pivots.push_back(*s.pivot.time);
  const auto distance = [&](Filetime t) {
    Filetime best = pivots.empty() ? t : ~Filetime{0};
    for (const auto p : pivots) best = std::min(best, t > p ? t - p : p - t);
    return best;
  };
  std::vector<std::pair<std::pair<int, Filetime>, std::size_t>> keyed;
  keyed.reserve(rows.size());
  for (const auto i : rows) {
    const auto& e = r.timeline[i];
    keyed.push_back({{e.severity >= Severity::medium ? 0 : 1, distance(e.time)}, i});
  }
  std::nth_element(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(kTimelineRows),
                   keyed.end());
  rows.clear();
  for (std::size_t k = 0; k < kTimelineRows; ++k) rows.push_back(keyed[k].second);
  std::sort(rows.begin(), rows.end());
  return rows;
}

void write_timeline(const InvestigationReport& r, Page& page) {
  page << "<section id=\"timeline\">\n<h2>Timeline</h2>\n";
  if (r.timeline.empty()) {
    page << "<p class=\"muted\">No events in the window.</p>\n</section>\n";
    return;
  }
  const auto rows = shown_rows(r);
  if (rows.size() < r.timeline.size())
    page << "<p class=\"note\" id=\"timeline-cap\">Showing " + grouped(rows.size()) + " of " +
                grouped(r.timeline.size()) +
                " events: " + grouped(r.timeline.size() - rows.size()) +
                " events were left out (kept first: every event of medium severity or above, "
                "then the events nearest the pivot). The plot counts every event; the findings "
                "document holds them all.</p>\n";
  page << "<table class=\"timeline\">\n<thead><tr><th>Time (UTC)</th><th>Source</th>"
          "<th>Meaning</th><th>Message</th><th>Severity</th><th>Finding</th></tr></thead>\n"
          "<tbody>\n";
  for (const auto i : rows) {
    const auto& e = r.timeline[i];
    const std::string sev(to_string(e.severity));
    std::string row = "<tr class=\"t-" + sev + "\"><td>" + escaped(format_filetime(e.time)) +
                      "</td><td>" + escaped(e.source) + "</td><td>" + escaped(e.timestamp_desc) +
                      "</td><td>";
    html::append_escaped(row, e.message, kMessageChars);
    row += "</td><td>" + badge(e.severity) + "</td><td>" +
           (e.finding ? finding_link(r, *e.finding) : std::string()) + "</td></tr>\n";
    page << row;
  }
  page << "</tbody>\n</table>\n</section>\n";
}

void write_findings(const InvestigationReport& r, Page& page) {
  page << "<section id=\"findings\">\n<h2>Findings</h2>\n";
  if (r.findings.empty()) {
    page << "<p class=\"muted\">No findings.</p>\n</section>\n";
    return;
  }
  // Counts per type, in first-seen order.
  struct TypeCount {
    std::size_t count = 0, first = 0;
    Severity max = Severity::info;
  };
  std::vector<std::string> order;
  std::map<std::string, TypeCount> types;
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const auto& f = r.findings[i];
    auto [it, added] = types.try_emplace(f.type, TypeCount{0, i, f.severity});
    if (added) order.push_back(f.type);
    ++it->second.count;
    it->second.max = std::max(it->second.max, f.severity);
  }
  page << "<p>" + grouped(r.findings.size()) +
              " findings. The number of each is its index in the findings document's "
              "<code>findings</code> array.</p>\n<table class=\"types\">\n<thead><tr><th>Type</th>"
              "<th>Count</th><th>Highest severity</th><th>First</th></tr></thead>\n<tbody>\n";
  for (const auto& type : order) {
    const auto& c = types[type];
    page << "<tr><td><code>" + escaped(type) + "</code></td><td>" + grouped(c.count) + "</td><td>" +
                badge(c.max) + "</td><td>" + finding_link(r, c.first) + "</td></tr>\n";
  }
  page << "</tbody>\n</table>\n";

  const auto cited = citations(r);
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    const auto& f = r.findings[i];
    const std::string n = std::to_string(i);
    std::string a = "<article class=\"finding f-" + std::string(to_string(f.severity)) +
                    "\" id=\"finding-" + n + "\">\n<h3><a href=\"#finding-" + n + "\">#" + n +
                    "</a> <code>" + escaped(f.type) + "</code> " + badge(f.severity) +
                    " <span class=\"muted\">" + time_text(f.time) + "</span></h3>\n";
    a += "<p class=\"summary\">" + escaped(f.summary) + "</p>\n";
    a += "<p><strong>Artifact:</strong> " + artifact_text(f.artifact) + "</p>\n";
    if (const auto it = cited.find(i); it != cited.end()) {
      a += "<p class=\"cited\"><strong>Supports:</strong> ";
      for (std::size_t k = 0; k < it->second.size(); ++k) a += (k ? ", " : "") + it->second[k];
      a += "</p>\n";
    }
    if (!f.attack.empty()) {
      a += "<p><strong>ATT&amp;CK:</strong> ";
      for (std::size_t k = 0; k < f.attack.size(); ++k) a += (k ? ", " : "") + escaped(f.attack[k]);
      a += "</p>\n";
    }
    if (!f.checks.empty()) {
      a += "<table class=\"checks\">\n<thead><tr><th>Check</th><th>Severity</th><th>ATT&amp;CK</th>"
           "<th>Reason</th></tr></thead>\n<tbody>\n";
      for (const auto& c : f.checks) {
        std::string attack;
        for (const auto& t : c.attack) attack += (attack.empty() ? "" : ", ") + escaped(t);
        a += "<tr><td><code>" + escaped(c.id) + "</code></td><td>" + badge(c.severity) +
             "</td><td>" + attack + "</td><td>" + escaped(c.reason) + "</td></tr>\n";
      }
      a += "</tbody>\n</table>\n";
    }
    a += "<pre class=\"data\">";
    const auto json = html::pretty_json(f.data);
    if (html::append_escaped_lossless(a, json, kDataChars))
      a += "\n(cut after " + grouped(kDataChars) +
           " characters: the findings document holds the whole data)";
    a += "</pre>\n</article>\n";
    page << a;
  }
  page << "</section>\n";
}

void write_errors(const InvestigationReport& r, Page& page) {
  page << "<section id=\"errors\">\n<h2>Errors</h2>\n";
  if (r.errors.empty()) {
    page << "<p class=\"muted\">No errors.</p>\n</section>\n";
    return;
  }
  page << "<p>What could not be read, and where.</p>\n<table class=\"errors\">\n<thead><tr>"
          "<th>Artifact</th><th>Code</th><th>Message</th></tr></thead>\n<tbody>\n";
  for (const auto& e : r.errors)
    page << "<tr><td>" + artifact_text(e.artifact) + "</td><td><code>" + escaped(e.code) +
                "</code></td><td>" + escaped(e.message) + "</td></tr>\n";
  page << "</tbody>\n</table>\n</section>\n";
}

}  // namespace

void write_html_report(const InvestigationReport& report, std::ostream& out) {
  Page page(out);
  write_head(report, page);
  write_run_header(report, page);
  page << "<main>\n";
  for (std::size_t s = 0; s < report.subjects.size(); ++s) write_subject(report, s, page);
  write_plot(report, page);
  write_timeline(report, page);
  write_findings(report, page);
  write_errors(report, page);
  page << "</main>\n<footer>Written by sqltriage " SQLTRIAGE_VERSION " from the run started " +
              escaped(format_filetime(report.header.started)) +
              ". One self-contained file: no script, no network access.</footer>\n</div>\n"
              "</body>\n</html>\n";
  page.flush();
}

}  // namespace sqltriage
