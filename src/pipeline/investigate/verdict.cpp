// The verdict: each subject's severity and assessment from its four answers, the report's
// overall assessment, and the verdict as JSON.
#include <set>

#include "pipeline/investigate/questions.hpp"
#include "core/ascii.hpp"

namespace sqltriage {

std::string_view to_string(Answer a) {
  switch (a) {
    case Answer::answered: return "answered";
    case Answer::partly: return "partly";
    case Answer::no_evidence: return "no evidence";
  }
  return "no evidence";
}

namespace investigation {

namespace {

std::string level_words(Severity s) {
  switch (s) {
    case Severity::critical:
    case Severity::high: return "Likely intrusion";
    case Severity::medium: return "Suspicious";
    case Severity::low: return "Unusual, probably benign";
    case Severity::info: break;
  }
  return "Nothing suspicious found";
}

nlohmann::ordered_json artifact_json(const ArtifactRef& a) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["path"] = a.path;
  if (a.record) j["record"] = *a.record;
  if (a.offset) j["offset"] = *a.offset;
  return j;
}

nlohmann::ordered_json time_json(const std::optional<Filetime>& t) {
  return t ? nlohmann::ordered_json(format_filetime(*t)) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json index_json(const std::optional<std::size_t>& i) {
  return i ? nlohmann::ordered_json(*i) : nlohmann::ordered_json(nullptr);
}

}  // namespace

std::vector<std::string> missing_artifacts(
    const Context& ctx, const std::vector<std::pair<std::string, std::string>>& needles) {
  std::vector<std::string> out;
  for (const auto& e : ctx.errors) {
    if (e.code != "missing" && e.code != "open_failed" && e.code != "truncated") continue;
    const std::string path = ascii_lower(e.artifact.path);
    for (const auto& [fragment, name] : needles) {
      if (path.find(ascii_lower(fragment)) == std::string::npos) continue;
      const std::string what = name + (e.code == "missing" ? "" : " (" + e.code + ")");
      if (std::find(out.begin(), out.end(), what) == out.end()) out.push_back(what);
    }
  }
  return out;
}

void assess_subject(const Context& ctx, Subject& s) {
  s.severity = Severity::info;
  std::set<std::size_t> cited;
  for (const auto& q : s.questions) {
    s.severity = std::max(s.severity, q.severity);
    cited.insert(q.findings.begin(), q.findings.end());
  }
  for (std::size_t i = 0; i < ctx.findings.size(); ++i) {
    const Finding& f = ctx.findings[i];
    if (f.severity >= Severity::low && !cited.count(i) && in_window(f, s.pivot) &&
        s.notable.size() < 100)
      s.notable.push_back(i);
  }
  std::string text = level_words(s.severity) + " (" + std::string(to_string(s.severity)) + "): " + s.path;
  std::string parts;
  for (const auto& q : s.questions)
    if (q.answer != Answer::no_evidence && !q.headline.empty() &&
        (q.severity >= Severity::low || s.severity == Severity::info))
      parts += (parts.empty() ? "" : "; ") + q.headline;
  text += parts.empty() ? "." : ": " + parts + ".";
  std::size_t open_questions = 0;
  for (const auto& q : s.questions) open_questions += q.answer == Answer::no_evidence;
  if (!s.found && open_questions == 4) {
    s.assessment = "Not found: " + s.path +
                   " is not in the evidence, and no event, registry entry or log names it.";
    return;
  }
  if (s.severity == Severity::info) {
    std::size_t open = 0;
    for (const auto& q : s.questions) open += q.answer == Answer::no_evidence;
    text += open == 4 ? " None of the four questions found evidence."
            : open    ? " " + std::to_string(open) + " of the four questions found no evidence."
                      : "";
  }
  s.assessment = std::move(text);
}

void assess_report(InvestigationReport& r) {
  r.overall = Severity::info;
  for (const auto& s : r.subjects) r.overall = std::max(r.overall, s.severity);
  std::string text;
  if (r.nothing_readable) {
    r.assessment = "Nothing could be read: no evidence argument opened, or none held a readable "
                   "artifact (see errors); the four questions are open.";
    return;
  }
  if (r.subjects.size() == 1) {
    text = r.subjects[0].assessment;
  } else {
    std::size_t raised = 0;
    for (const auto& s : r.subjects) raised += s.severity >= Severity::low;
    text = level_words(r.overall) + " (" + std::string(to_string(r.overall)) + "): " +
           std::to_string(r.subjects.size()) + " files matched, " + std::to_string(raised) +
           " raised.";
    for (const auto& s : r.subjects)
      if (s.severity == r.overall) {
        text += " Most severe: " + s.assessment;
        break;
      }
  }
  std::size_t unreadable = 0;
  for (const auto& e : r.errors)
    unreadable += e.code == "missing" || e.code == "open_failed" || e.code == "truncated";
  if (unreadable)
    text += " " + std::to_string(unreadable) +
            " artifact(s) were missing, unreadable or cut short (see errors and each question's missing).";
  r.assessment = std::move(text);
}

}  // namespace investigation

nlohmann::ordered_json verdict_json(const InvestigationReport& r) {
  using investigation::artifact_json;
  using investigation::index_json;
  using investigation::time_json;
  nlohmann::ordered_json v = nlohmann::ordered_json::object();
  v["overall"] = to_string(r.overall);
  v["assessment"] = r.assessment;
  v["targets"] = r.targets;
  auto subjects = nlohmann::ordered_json::array();
  for (const auto& s : r.subjects) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["path"] = s.path;
    j["found"] = s.found;
    j["finding"] = index_json(s.finding);
    j["severity"] = to_string(s.severity);
    j["assessment"] = s.assessment;
    nlohmann::ordered_json p = nlohmann::ordered_json::object();
    p["time"] = time_json(s.pivot.time);
    p["source"] = s.pivot.source;
    p["reason"] = s.pivot.reason;
    p["since"] = time_json(s.pivot.since);
    p["until"] = time_json(s.pivot.until);
    auto candidates = nlohmann::ordered_json::array();
    for (const auto& c : s.pivot.candidates) {
      nlohmann::ordered_json cj = nlohmann::ordered_json::object();
      cj["source"] = c.source;
      cj["time"] = format_filetime(c.time);
      cj["artifact"] = artifact_json(c.artifact);
      cj["trusted"] = c.trusted;
      cj["note"] = c.note;
      cj["finding"] = index_json(c.finding);
      candidates.push_back(std::move(cj));
    }
    p["candidates"] = std::move(candidates);
    j["pivot"] = std::move(p);
    auto questions = nlohmann::ordered_json::array();
    for (const auto& q : s.questions) {
      nlohmann::ordered_json qj = nlohmann::ordered_json::object();
      qj["id"] = q.id;
      qj["question"] = q.question;
      qj["answer"] = to_string(q.answer);
      qj["severity"] = to_string(q.severity);
      qj["summary"] = q.summary;
      qj["points"] = q.points;
      qj["findings"] = q.findings;
      qj["missing"] = q.missing;
      questions.push_back(std::move(qj));
    }
    j["questions"] = std::move(questions);
    j["notable"] = s.notable;
    subjects.push_back(std::move(j));
  }
  v["subjects"] = std::move(subjects);
  return v;
}

void write_report(const InvestigationReport& r, FindingSink& sink) {
  sink.begin(r.header);
  sink.section("verdict", verdict_json(r));
  for (const auto& f : r.findings) sink.finding(f);
  for (const auto& e : r.errors) sink.error(e);
  RunStats stats = r.stats;
  stats.findings = r.findings.size();
  stats.errors = r.errors.size();
  sink.end(stats);
}

}  // namespace sqltriage
