// Every request of the evidence's web server access logs (see sources.hpp).
#include <stdexcept>
#include <utility>

#include "pipeline/timeline/sources.hpp"
#include "pipeline/weblog/locate.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/weblog.hpp"

namespace sqltriage::pipeline::timeline {

namespace {

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

template <typename T>
std::string or_dash(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "-";
}

std::string request_message(const weblog::Request& r) {
  std::string uri = r.uri_stem;
  if (!r.uri_query.empty()) uri += "?" + r.uri_query;
  return or_dash(r.client_ip) + " " + or_dash(r.method) + " " + or_dash(uri) + " " +
         or_dash(r.status) + " " + or_dash(r.bytes_sent);
}

void read_log(const weblog_scan::LogFile& log, const EventFn& add, std::vector<ErrorEntry>& errors,
              SourceCounts& counts) {
  const std::string& display = log.file.display_path;
  std::unique_ptr<weblog::Reader> reader;
  try {
    reader = weblog::Reader::open(open_artifact(log.file), display, log.logformat);
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(e, "open_failed"));
    return;
  } catch (const std::invalid_argument& e) {
    errors.push_back(make_error(display, "open_failed", e.what()));
    return;
  }
  ++counts.files;
  weblog::Request r;
  try {
    while (reader->next(r)) {
      if (!r.time) continue;
      TimelineEvent e;
      e.time = *r.time;
      e.source = "Web log";
      e.timestamp_desc = "Request";
      e.message = request_message(r);
      e.host = r.computer_name;
      e.user = r.username;
      e.artifact.path = display;
      e.artifact.record = r.line;
      e.artifact.offset = r.offset;
      add(std::move(e));
      ++counts.records;
    }
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(e, "record"));
  }
  if (reader->bad_line_count() > 0) {
    const auto& first = reader->bad_lines().front();
    errors.push_back(make_error(display, "record",
                                std::to_string(reader->bad_line_count()) +
                                    " malformed line(s) skipped; the first at line " +
                                    std::to_string(first.line) + ": " + first.reason,
                                first.offset));
  }
  if (auto t = reader->truncation()) errors.push_back(make_error(display, "truncated", *t));
}

}  // namespace

SourceCounts web_request_events(const Evidence& evidence, const EventFn& add,
                                std::vector<ErrorEntry>& errors) {
  SourceCounts counts;
  for (const auto& log : weblog_scan::locate_logs(evidence, errors))
    read_log(log, add, errors, counts);
  return counts;
}

}  // namespace sqltriage::pipeline::timeline
