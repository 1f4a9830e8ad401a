// `sqltriage weblog`: find each evidence argument's access logs, stream every request through
// the upload matcher, the resource stacks and the client summaries, then emit the rare
// resources and the clients with the checks' verdicts.
#include "sqltriage/weblog_scan.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <system_error>
#include <unordered_set>

#include "core/ascii.hpp"
#include "pipeline/open_inputs.hpp"
#include "pipeline/pe/locate_files.hpp"
#include "pipeline/weblog/locate.hpp"
#include "pipeline/weblog/request_json.hpp"
#include "pipeline/webshell/walk.hpp"  // file_kind
#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage {

namespace {

using nlohmann::ordered_json;
using pipeline::emit_counted;
using pipeline::weblog_scan::LogFile;
using pipeline::weblog_scan::request_json;

/// Malformed lines reported one by one per file; the rest are counted in one "limit" error.
constexpr std::size_t kBadLinesReported = 100;

ordered_json iso_or_null(const std::optional<Filetime>& t) {
  return t ? ordered_json(format_filetime(*t)) : ordered_json();
}

template <typename Key>
ordered_json counts_json(const std::map<Key, std::uint64_t>& counts) {
  ordered_json out = ordered_json::object();
  for (const auto& [k, n] : counts) {
    if constexpr (std::is_same_v<Key, int>)
      out[std::to_string(k)] = n;
    else
      out[k] = n;
  }
  return out;
}

ordered_json strings_json(const std::set<std::string>& values) {
  ordered_json out = ordered_json::array();
  for (const auto& v : values) out.push_back(v);
  return out;
}

/// Whether a URL path names a server script (the webshell scan's script extensions).
bool is_script(const std::string& uri_stem) {
  const auto slash = uri_stem.find_last_of('/');
  return pipeline::webshell::file_kind(
             uri_stem.substr(slash == std::string::npos ? 0 : slash + 1)) == "script";
}

/// The folder of a Windows or host path (the path itself when it has none).
std::string folder_of(const std::string& path) {
  const auto cut = path.find_last_of("\\/");
  return cut == std::string::npos ? path : path.substr(0, cut);
}

/// "1 request", "2 requests".
std::string count_of(std::uint64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

void widen(std::optional<Filetime>& first, std::optional<Filetime>& last,
           const std::optional<Filetime>& t) {
  if (!t) return;
  if (!first || *t < *first) first = t;
  if (!last || *t > *last) last = t;
}

/// One stack of resources: the logs of one site (IIS: its W3SVC folder) or one server.
struct Group {
  std::string site;
  std::string folder;  ///< the folder of its first log: where the findings point
  weblog::Stacker stacker;
};

class WeblogScan {
 public:
  WeblogScan(const WeblogScanOptions& options, FindingSink& sink) : opt_(options), sink_(sink) {
    checks_.since = opt_.since;
    checks_.until = opt_.until;
    checks_.rare_ips = opt_.rare_ips;
    window_ = opt_.since || opt_.until;
  }

  ScanOutcome run(const std::string& command) {
    if (opt_.logformat) {  // a LogFormat that cannot be used stops the run before it starts
      weblog::Reader::open(std::make_shared<SplicedSource>(), "--format", opt_.logformat);
    }
    auto run = pipeline::start_run(command, opt_.inputs, opt_.evidence);
    sink_.begin(run.header);
    for (const auto& e : run.early) emit_counted(sink_, outcome_, e);
    for (const auto& ev : run.evidence) scan_evidence(*ev);
    if (!opt_.uploads.empty() && logs_read_ > 0 && !size_recorded_)
      emit_counted(
          sink_, outcome_,
          make_error(opt_.inputs.empty() ? std::string() : opt_.inputs.front().string(), "missing",
                     "no upload can be matched: no log read records the request size (IIS: "
                     "the cs-bytes field, off by default; Apache: %I of mod_logio); the " +
                         std::to_string(logs_read_) +
                         " log(s) cannot say which request "
                         "carried the file"));
    // Logs that were all damage count as unread; an empty but sound log does not.
    outcome_.nothing_readable =
        run.evidence.empty() || logs_read_ == 0 || (outcome_.stats.records == 0 && bad_lines_ > 0);
    outcome_.stats.files = logs_read_;
    pipeline::finish_run(run, sink_, outcome_);
    return outcome_;
  }

 private:
  void scan_evidence(const Evidence& ev) {
    evidence_path_ = ev.path().string();
    std::vector<ErrorEntry> errors;
    const auto logs = pipeline::weblog_scan::locate_logs(ev, errors);
    for (const auto& e : errors) emit_counted(sink_, outcome_, e);
    groups_.clear();
    client_uploads_.clear();
    in_window_.clear();
    clients_.emplace(std::nullopt, std::nullopt);  // all their requests; the window selects
    for (const auto& log : logs) read_log(log);
    report_bounds();
    emit_stacks();
    clients_.reset();
  }

  Group& group_for(const LogFile& log, bool case_insensitive) {
    const std::string site = !log.site.empty() ? log.site : log.server == "given" ? "" : log.server;
    const std::string key = site + (case_insensitive ? "\ni" : "\ns");
    auto it = groups_.find(key);
    if (it == groups_.end())
      it = groups_
               .emplace(key, Group{site, folder_of(log.file.display_path),
                                   weblog::Stacker(case_insensitive)})
               .first;
    return it->second;
  }

  /// A reader and where its format came from: "--format", "configuration <config:line>" or
  /// "detected".
  struct OpenLog {
    std::unique_ptr<weblog::Reader> reader;
    std::string format_source = "detected";
  };

  /// Whether the first lines of `source` read as requests with `logformat` (a configuration
  /// may have changed since older rotations were written).
  static bool fits(const std::shared_ptr<const ByteSource>& source, const std::string& path,
                   const std::string& logformat) {
    constexpr std::uint64_t kProbeLines = 20;
    auto probe = weblog::Reader::open(source, path, logformat);
    weblog::Request r;
    std::uint64_t good = 0;
    while (probe->lines() < kProbeLines && probe->next(r)) ++good;
    return good > 0 && good >= probe->bad_line_count();
  }

  OpenLog open_reader(const LogFile& log) {
    const auto& path = log.file.display_path;
    auto source = open_artifact(log.file);
    OpenLog out;
    out.reader = weblog::Reader::open(source, path);
    if (out.reader->format() == weblog::Format::w3c) return out;  // W3C names its own fields
    if (opt_.logformat) {
      out.reader = weblog::Reader::open(source, path, opt_.logformat);
      out.format_source = "--format";
    } else if (log.logformat) {
      try {
        if (fits(source, path, *log.logformat)) {
          out.reader = weblog::Reader::open(source, path, log.logformat);
          out.format_source = "configuration " + log.configured_at;
        } else {
          out.format_source = "detected (the LogFormat configured at " + log.configured_at +
                              " does not fit its first lines)";
        }
      } catch (const std::invalid_argument& e) {
        out.format_source = "detected (the LogFormat configured at " + log.configured_at +
                            " cannot be used: " + e.what() + ")";
      }
    }
    return out;
  }

  void read_log(const LogFile& log) {
    const auto& path = log.file.display_path;
    OpenLog opened;
    try {
      opened = open_reader(log);
    } catch (const ArtifactError& e) {
      emit_counted(sink_, outcome_, make_error(e.path(), "open_failed", e.detail(), e.offset()));
      return;
    } catch (const std::exception& e) {
      emit_counted(sink_, outcome_, make_error(path, "open_failed", e.what()));
      return;
    }
    auto& reader = opened.reader;
    const bool iis = reader->format() == weblog::Format::w3c || log.server == "IIS";
    Group& group = group_for(log, iis);
    weblog::Request request;
    std::uint64_t requests = 0, noise_requests = 0, uploads = 0;
    std::optional<Filetime> first, last;
    try {
      while (reader->next(request)) {
        ++requests;
        widen(first, last, request.time);
        const auto noise = opt_.noise ? opt_.noise->match(request.client_ip) : std::nullopt;
        if (!opt_.uploads.empty())
          uploads += match_upload(log, group.site, *reader, request, noise);
        if (noise) {
          ++noise_requests;
          continue;
        }
        group.stacker.add(request);
        clients_->add(request);
        if (window_ && in_window(request.time) && in_window_.size() < weblog::kMaxClients)
          in_window_.insert(request.client_ip);
      }
    } catch (const std::exception& e) {  // an I/O error of the evidence: the file ends here
      emit_counted(sink_, outcome_,
                   make_error(path, "open_failed",
                              std::string("reading stopped after line ") +
                                  std::to_string(reader->lines()) + ": " + e.what()));
    }
    ++logs_read_;
    outcome_.stats.records += requests;
    if (reader->records_request_size()) size_recorded_ = true;
    bad_lines_ += reader->bad_line_count();
    report_damage(path, *reader);

    Finding f;
    f.type = "weblog.log";
    f.artifact.path = path;
    f.summary =
        path + ": " + weblog::to_string(reader->format()) + " log, " +
        count_of(requests, "request") +
        (reader->bad_line_count() ? ", " + count_of(reader->bad_line_count(), "malformed line")
                                  : std::string()) +
        (first ? ", " + format_filetime(*first) + " to " + format_filetime(*last) : std::string());
    f.data["Server"] = log.server;
    f.data["Site"] = group.site;
    if (!log.site_name.empty()) f.data["SiteName"] = log.site_name;
    if (!log.configured_at.empty()) f.data["ConfiguredAt"] = log.configured_at;
    f.data["Format"] = weblog::to_string(reader->format());
    f.data["FormatSource"] = opened.format_source;
    f.data["Lines"] = reader->lines();
    f.data["Requests"] = requests;
    f.data["NoiseRequests"] = noise_requests;
    f.data["BadLines"] = reader->bad_line_count();
    f.data["FirstRequest"] = iso_or_null(first);
    f.data["LastRequest"] = iso_or_null(last);
    f.data["RecordsRequestSize"] = reader->records_request_size();
    if (!opt_.uploads.empty()) f.data["UploadMatches"] = uploads;
    f.data["Truncated"] = reader->truncation().has_value();
    emit_counted(sink_, outcome_, f);
  }

  bool in_window(const std::optional<Filetime>& t) const {
    return t && (!opt_.since || *t >= *opt_.since) && (!opt_.until || *t <= *opt_.until);
  }

  /// The requests the stacks and client summaries could not keep (weblog_analysis.hpp's
  /// bounds), so an incomplete picture says so.
  void report_bounds() {
    for (const auto& [key, group] : groups_)
      if (const auto n = group.stacker.untracked())
        emit_counted(sink_, outcome_,
                     make_error(group.folder, "limit",
                                std::to_string(n) + " requests of resources beyond the first " +
                                    std::to_string(weblog::kMaxResources) +
                                    " were counted but not stacked"));
    if (const auto n = clients_->untracked())
      emit_counted(
          sink_, outcome_,
          make_error(evidence_path_, "limit",
                     std::to_string(n) + " requests of client addresses beyond the first " +
                         std::to_string(weblog::kMaxClients) + " were counted but not summarised"));
  }

  /// Malformed lines (the first ones each, then a count) and a cut-off gzip stream.
  void report_damage(const std::string& path, const weblog::Reader& reader) {
    const auto& bad = reader.bad_lines();
    for (std::size_t i = 0; i < bad.size() && i < kBadLinesReported; ++i) {
      auto e =
          make_error(path, "record", "line " + std::to_string(bad[i].line) + ": " + bad[i].reason,
                     bad[i].offset);
      e.artifact.record = bad[i].line;
      emit_counted(sink_, outcome_, e);
    }
    if (reader.bad_line_count() > kBadLinesReported)
      emit_counted(sink_, outcome_,
                   make_error(path, "limit",
                              std::to_string(reader.bad_line_count() - kBadLinesReported) +
                                  " more malformed lines not listed (" +
                                  std::to_string(reader.bad_line_count()) + " in all)"));
    if (const auto t = reader.truncation())
      emit_counted(sink_, outcome_, make_error(path, "truncated", *t));
  }

  /// Emits a weblog.upload finding when `request` could have carried a target; returns 1 then.
  int match_upload(const LogFile& log, const std::string& site, const weblog::Reader& reader,
                   const weblog::Request& request, const std::optional<std::string>& noise) {
    const UploadTarget* best = nullptr;
    for (const auto& t : opt_.uploads) {
      if (!weblog::UploadMatcher{t.size, opt_.slack}.matches(request)) continue;
      if (!best || t.size > best->size) best = &t;  // the closest: the least slack used
    }
    if (!best) return 0;
    if (!noise) ++client_uploads_[request.client_ip];
    Finding f;
    f.type = "weblog.upload";
    f.time = request.time;
    f.artifact.path = log.file.display_path;
    f.artifact.record = request.line;
    f.artifact.offset = request.offset;
    const std::uint64_t sent = *request.bytes_received;
    f.summary = request.method + " " + request.uri_stem +
                (request.status ? " " + std::to_string(*request.status) : std::string()) +
                " from " + (request.client_ip.empty() ? "-" : request.client_ip) + ": " +
                std::to_string(sent) + " bytes, " + std::to_string(sent - best->size) +
                " over the " + std::to_string(best->size) + "-byte " + best->from;
    f.data = request_json(request);
    f.data["Line"] = request.line;
    f.data["Format"] = weblog::to_string(reader.format());
    f.data["Site"] = site;
    f.data["AddressClass"] = checks::classify_ip(request.client_ip);
    if (noise) f.data["Noise"] = *noise;
    f.data["TargetSize"] = best->size;
    f.data["Target"] = best->from;
    f.data["SizeOverTarget"] = sent - best->size;
    checks::apply_weblog_checks(f, checks_);
    emit_counted(sink_, outcome_, f);
    return 1;
  }

  /// A finding waiting for the --top selection; a resource's stack, whose client addresses
  /// are listed only when it is written (so they never all sit in memory).
  struct Pending {
    Finding finding;
    const Group* group = nullptr;
    const weblog::ResourceStack* stack = nullptr;
  };

  /// Emits up to --top findings of `all`, most severe first (stable: the given order within a
  /// severity), and a "limit" error for the rest.
  void emit_top(std::vector<Pending>& all, const char* what) {
    std::stable_sort(all.begin(), all.end(), [](const Pending& a, const Pending& b) {
      return a.finding.severity > b.finding.severity;
    });
    for (std::size_t i = 0; i < all.size() && i < opt_.top; ++i) {
      Pending& p = all[i];
      if (p.stack) {
        ordered_json ips = ordered_json::array();
        for (auto& ip : p.group->stacker.client_ips(*p.stack)) ips.push_back(std::move(ip));
        p.finding.data["ClientIps"] = std::move(ips);
      }
      emit_counted(sink_, outcome_, p.finding);
      p.finding = Finding();
    }
    if (all.size() > opt_.top)
      emit_counted(sink_, outcome_,
                   make_error(evidence_path_, "limit",
                              std::to_string(all.size() - opt_.top) + " more " + what +
                                  " not listed (--top " + std::to_string(opt_.top) + ")"));
  }

  /// The resource findings (checked on their counts), then the client findings.
  void emit_stacks() {
    std::set<std::string> rare_scripts;  // lower-cased
    std::vector<std::vector<weblog::ResourceStack>> stacks;
    stacks.reserve(groups_.size());
    std::vector<Pending> resources;
    for (const auto& [key, group] : groups_) {
      stacks.push_back(group.stacker.rarest());
      for (const auto& stack : stacks.back()) {
        Finding f = resource_finding(group, stack);
        if (!opt_.every_resource && f.checks.empty()) continue;
        for (const auto& c : f.checks)
          if (c.id == "rare_script_post_200") rare_scripts.insert(ascii_lower(stack.resource));
        resources.push_back({std::move(f), &group, &stack});
      }
    }
    emit_top(resources, "weblog.resource findings");

    std::vector<Pending> clients;
    clients_->for_each_client([&](weblog::ClientSummary&& c) {
      // The clients of the window, and those a check raised wherever they are.
      const bool active = in_window_.count(c.client_ip) > 0;
      Finding f = client_finding(c, rare_scripts, active);
      if (!active && f.checks.empty()) return;
      clients.push_back({std::move(f)});
    });
    emit_top(clients, "weblog.client findings");
  }

  /// A weblog.resource finding with its counts; ClientIps is left an empty list (in its place
  /// among the fields) for emit_stacks() to fill: the checks read ClientIpCount only.
  Finding resource_finding(const Group& group, const weblog::ResourceStack& s) const {
    Finding f;
    f.type = "weblog.resource";
    f.time = s.first_seen;
    f.artifact.path = group.folder;
    f.summary = s.resource + ": " + count_of(s.requests, "request") + " from " +
                std::to_string(s.client_ip_count) + (s.client_ips_truncated ? "+" : "") +
                " client address" + (s.client_ip_count == 1 ? "" : "es");
    f.data["Resource"] = s.resource;
    f.data["Site"] = group.site;
    f.data["Script"] = is_script(s.resource);
    f.data["Requests"] = s.requests;
    f.data["ClientIpCount"] = s.client_ip_count;
    f.data["ClientIps"] = ordered_json::array();
    f.data["ClientIpsTruncated"] = s.client_ips_truncated;
    f.data["Methods"] = counts_json(s.methods);
    f.data["Statuses"] = counts_json(s.statuses);
    f.data["Post200"] = s.post_200;
    f.data["FirstSeen"] = iso_or_null(s.first_seen);
    f.data["LastSeen"] = iso_or_null(s.last_seen);
    checks::apply_weblog_checks(f, checks_);
    return f;
  }

  Finding client_finding(const weblog::ClientSummary& c, const std::set<std::string>& rare_scripts,
                         bool active) const {
    Finding f;
    f.type = "weblog.client";
    f.time = c.first_seen;
    f.artifact.path = evidence_path_;
    f.summary = c.client_ip + " (" + c.address_class + "): " + count_of(c.requests, "request") +
                ", " + count_of(c.resources.size(), "resource") +
                (c.first_seen ? ", first at " + format_filetime(*c.first_seen) : std::string());
    f.data["c-ip"] = c.client_ip;
    f.data["AddressClass"] = c.address_class;
    f.data["FirstSeen"] = iso_or_null(c.first_seen);
    f.data["LastSeen"] = iso_or_null(c.last_seen);
    if (window_) f.data["InWindow"] = active;
    f.data["Requests"] = c.requests;
    f.data["Resources"] = strings_json(c.resources);
    f.data["UserAgents"] = strings_json(c.user_agents);
    f.data["Statuses"] = counts_json(c.statuses);
    const auto up = client_uploads_.find(c.client_ip);
    f.data["UploadMatches"] = up == client_uploads_.end() ? 0 : up->second;
    ordered_json reached = ordered_json::array();
    for (const auto& r : c.resources)
      if (rare_scripts.count(ascii_lower(r))) reached.push_back(r);
    f.data["RareScripts"] = std::move(reached);
    checks::apply_weblog_checks(f, checks_);
    return f;
  }

  const WeblogScanOptions& opt_;
  FindingSink& sink_;
  checks::WeblogCheckOptions checks_;
  ScanOutcome outcome_;
  std::uint64_t logs_read_ = 0;
  bool size_recorded_ = false;
  std::uint64_t bad_lines_ = 0;
  std::string evidence_path_;
  std::map<std::string, Group> groups_;
  std::optional<weblog::ClientTracker> clients_;
  std::map<std::string, std::uint64_t> client_uploads_;
  bool window_ = false;                        ///< a window was given
  std::unordered_set<std::string> in_window_;  ///< addresses with a request inside it
};

}  // namespace

std::vector<UploadTarget> resolve_upload_targets(const std::vector<std::filesystem::path>& inputs,
                                                 const EvidenceOptions& evidence,
                                                 const std::string& target) {
  std::vector<UploadTarget> out;
  std::set<std::uint64_t> seen;
  std::string empty;  // a file of that name with no bytes
  for (const auto& input : inputs) {
    std::unique_ptr<Evidence> ev;
    try {
      ev = open_evidence(input, evidence);
    } catch (const std::exception&) {
      continue;  // the scan reports the evidence that does not open
    }
    if (ev->kind() == "file") continue;
    std::vector<ErrorEntry> ignored;  // a target absent from one argument is no error
    for (const auto& f : pipeline::pe_scan::locate_files(*ev, {target}, ignored)) {
      try {
        const auto size = open_artifact(f)->size();
        if (size == 0) {  // nothing to match: every small request would fit
          empty = f.display_path;
          continue;
        }
        if (seen.insert(size).second) out.push_back({size, f.display_path});
      } catch (const std::exception&) {
        // unreadable there: its size is unknown
      }
    }
  }
  if (!out.empty()) return out;
  std::error_code ec;
  const std::filesystem::path host(target);
  if (empty.empty() && std::filesystem::is_regular_file(host, ec)) {
    const auto size = std::filesystem::file_size(host, ec);
    if (!ec && size > 0) return {{size, host.string()}};
    if (!ec) empty = host.string();
  }
  if (!empty.empty())
    throw std::invalid_argument("--target: " + empty +
                                " is empty: there is no size to match (give --size)");
  throw std::invalid_argument(
      "--target: '" + target +
      "' names no readable file of the evidence (a Windows path such as "
      "'C:\\ProgramData\\sqlserver.exe', or a file name); if the file is there but cannot be "
      "read (a damaged image), give its size with --size");
}

ScanOutcome scan_weblogs(const WeblogScanOptions& options, const std::string& command,
                         FindingSink& sink) {
  return WeblogScan(options, sink).run(command);
}

}  // namespace sqltriage
