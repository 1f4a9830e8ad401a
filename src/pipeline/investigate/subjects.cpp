// Which files are investigated, and when each was created (the pivot).
#include <algorithm>
#include <set>

#include "pipeline/investigate/questions.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/evtx_scan.hpp"

namespace sqltriage::investigation {

namespace {

bool is_path(std::string_view target) {
  return target.find('\\') != std::string_view::npos || target.find('/') != std::string_view::npos;
}

/// Whether a file path is what the target names: the same path, or the same file name.
bool matches_target(std::string_view path, std::string_view target) {
  if (is_path(target)) return same_path(path, target);
  return checks::iequals(checks::basename(path), target);
}

/// 1990-01-01 and one day after now: creation times outside are implausible.
constexpr Filetime kPlausibleFrom = 122'756'256'000'000'000ULL;

bool plausible(Filetime t, Filetime now) {
  return t >= kPlausibleFrom && t <= now + 864'000'000'000ULL;
}

std::optional<Filetime> data_time(const nlohmann::ordered_json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return parse_iso8601(it->get<std::string>());
}

std::string seconds_apart(Filetime a, Filetime b) {
  const Filetime d = a > b ? a - b : b - a;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.7f s", static_cast<double>(d) / 1e7);
  return buf;
}

/// Whether a subject of an earlier target already is the file `target` names.
bool known_already(const std::vector<Subject>& subjects, std::string_view target) {
  for (const auto& s : subjects)
    if (matches_target(s.path, target)) return true;
  return false;
}

}  // namespace

bool about(const Finding& f, const Subject& s) {
  const std::string& p = s.path;
  auto names = [&](std::string_view value) {
    if (value.empty()) return false;
    if (checks::names_target(value, p)) return true;
    // Registry and device paths name the file without its drive letter.
    if (s.found && p.size() > 2 && p[1] == ':') return checks::names_target(value, p.substr(2));
    return false;
  };
  if (f.type == "mft.entry" || f.type == "pe.file") return same_path(text(f, "Path"), p);
  if (f.type == "mft.usn") return same_path(text(f, "Path"), p) || names(text(f, "FileName"));
  if (f.type.starts_with("evtx.")) return evtx_finding_names_target(f, p) ||
                                          (s.found && p.size() > 2 && p[1] == ':' &&
                                           evtx_finding_names_target(f, p.substr(2)));
  if (f.type.starts_with("registry.")) {
    for (const auto& v : checks::registry_finding_paths(f))
      if (names(v)) return true;
    return false;
  }
  return false;
}

std::vector<Subject> find_subjects(const Context& ctx) {
  std::vector<Subject> out;
  for (const auto& target : ctx.options.targets) {
    std::vector<Subject> mine;
    auto add = [&](const std::string& path, std::optional<std::size_t> finding, bool found) {
      // A file named by two targets (its name and its path) is one subject.
      for (const auto* list : {&mine, &out})
        for (const auto& s : *list)
          if (same_path(s.path, path)) return;
      Subject s;
      s.path = path;
      s.finding = finding;
      s.found = found;
      mine.push_back(std::move(s));
    };
    for (std::size_t i = 0; i < ctx.findings.size(); ++i) {
      const Finding& f = ctx.findings[i];
      if (f.type == "mft.entry" && !flag(f, "Directory", false) &&
          matches_target(text(f, "Path"), target))
        add(text(f, "Path"), i, true);
    }
    if (mine.empty())
      for (std::size_t i = 0; i < ctx.findings.size(); ++i) {
        const Finding& f = ctx.findings[i];
        if (f.type == "pe.file" && matches_target(text(f, "Path"), target))
          add(text(f, "Path"), i, true);
      }
    if (mine.empty())
      for (const auto& f : ctx.findings) {
        if (!f.type.starts_with("evtx.")) continue;
        for (const char* key : {"TargetFilename", "Image", "NewProcessName", "ImagePath",
                                "ServiceFileName"}) {
          const std::string v = text(f, key);
          if (v.size() > 2 && v[1] == ':' && matches_target(v, target))
            add(v, std::nullopt, false);
        }
      }
    if (mine.empty() && !known_already(out, target)) add(target, std::nullopt, false);
    for (auto& s : mine) out.push_back(std::move(s));
  }
  return out;
}

void choose_pivot(const Context& ctx, Subject& s) {
  const Filetime now = ctx.options.now ? ctx.options.now : now_filetime();
  Pivot& p = s.pivot;
  auto candidate = [&](std::string source, Filetime t, const Finding& f, std::size_t index,
                       bool trusted, std::string note) {
    PivotCandidate c;
    c.source = std::move(source);
    c.time = t;
    c.artifact = f.artifact;
    c.trusted = trusted;
    c.note = std::move(note);
    c.finding = index;
    if (c.trusted && !plausible(t, now)) {
      c.trusted = false;
      c.note = "implausible time (before 1990 or in the future)";
    }
    p.candidates.push_back(std::move(c));
  };

  std::optional<std::uint64_t> entry;
  if (s.finding && ctx.findings[*s.finding].type == "mft.entry") {
    const Finding& f = ctx.findings[*s.finding];
    entry = number(f, "Entry");
    std::optional<Filetime> fn;
    if (auto it = f.data.find("$FILE_NAME"); it != f.data.end() && it->is_array())
      for (const auto& attr : *it)
        if (auto t = data_time(attr, "CreationTime"); t && (!fn || *t < *fn)) fn = t;
    if (fn) candidate("$FILE_NAME CreationTime", *fn, f, *s.finding, true, "");
    if (auto si = f.data.find("$STANDARD_INFORMATION"); si != f.data.end() && si->is_object())
      if (auto t = data_time(*si, "CreationTime"))
        candidate("$STANDARD_INFORMATION CreationTime", *t, f, *s.finding, false,
                  has_check(f, "timestomping")
                      ? "timestomped: earlier than $FILE_NAME CreationTime"
                      : "any program can set it (SetFileTime); shown for comparison");
  }
  for (std::size_t i = 0; i < ctx.findings.size(); ++i) {
    const Finding& f = ctx.findings[i];
    if (!f.time) continue;
    if (f.type == "mft.usn") {
      auto names = f.data.find("ReasonNames");
      bool create = false;
      if (names != f.data.end() && names->is_array())
        for (const auto& n : *names) create |= n.is_string() && n == "USN_REASON_FILE_CREATE";
      if (!create) continue;
      bool mine = same_path(text(f, "Path"), s.path);
      if (entry) {
        auto ref = f.data.find("FileReferenceNumber");
        mine = ref != f.data.end() && ref->is_object() && ref->value("Entry", 0ULL) == *entry;
      }
      if (mine) candidate("USN_REASON_FILE_CREATE", *f.time, f, i, true, "");
    } else if (f.type == "evtx.file_created" && same_path(text(f, "TargetFilename"), s.path)) {
      candidate("Sysmon 11", *f.time, f, i, true, "the event's TimeCreated: when Sysmon saw the file created");
    }
  }

  const PivotCandidate* best = nullptr;
  std::size_t trusted = 0;
  for (const auto& c : p.candidates)
    if (c.trusted) {
      ++trusted;
      if (!best || c.time < best->time) best = &c;
    }

  if (ctx.options.pivot) {
    p.time = ctx.options.pivot;
    p.source = "--pivot";
    p.reason = "given with --pivot";
    if (best) p.reason += "; the earliest trustworthy creation record, " + best->source + ", says " +
                          format_filetime(best->time);
  } else if (best) {
    p.time = best->time;
    p.source = best->source;
    if (trusted == 1) {
      p.reason = "the only trustworthy creation record";
    } else {
      Filetime latest = best->time;
      std::string others;
      for (const auto& c : p.candidates)
        if (c.trusted && &c != best) {
          latest = std::max(latest, c.time);
          others += (others.empty() ? "" : ", ") + c.source;
        }
      p.reason = "the earliest of " + std::to_string(trusted) + " trustworthy creation records (also " +
                 others + "; " +
                 (latest == best->time ? std::string("they agree to the 100 ns")
                                       : "the latest is " + seconds_apart(latest, best->time) + " later") +
                 ")";
    }
  } else {
    // No creation record: the first event naming the file, so that a window still exists.
    std::optional<std::size_t> first;
    for (std::size_t i = 0; i < ctx.findings.size(); ++i) {
      const Finding& f = ctx.findings[i];
      if (!f.time || !f.type.starts_with("evtx.") || !about(f, s)) continue;
      if (!first || *f.time < *ctx.findings[*first].time) first = i;
    }
    if (first) {
      const Finding& f = ctx.findings[*first];
      candidate("first event naming the file", *f.time, f, *first, false,
                "not a creation record: the file existed at least since then");
      p.time = f.time;
      p.source = "first event naming the file";
      p.reason = "no creation record ($FILE_NAME, USN journal, Sysmon 11) was found; the "
                 "earliest event naming the file stands in";
    }
  }
  if (p.time) {
    const Filetime w = ctx.options.window;
    p.since = *p.time > w ? *p.time - w : 0;
    // No later than 9999-12-31T23:59:59.9999999Z, the last time ISO-8601 text can carry.
    constexpr Filetime kLast = 2650467743999999999ULL;
    p.until = *p.time > kLast - std::min(w, kLast) ? kLast : *p.time + w;
  }
}

}  // namespace sqltriage::investigation
