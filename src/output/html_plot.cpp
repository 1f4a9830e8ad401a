// The events-per-source SVG plot of the HTML report (see html_plot.hpp).
#include "output/html_plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string_view>

#include "output/html_text.hpp"

namespace sqltriage::html {
namespace {

/// timeline.hpp's sources, in its order.
constexpr std::array<std::string_view, 11> kKnownSources = {
    "MFT",      "USN", "EVTX",       "Registry", "Prefetch", "Web log",
    "Webshell", "PE",  "CloudTrail", "Flow log", "IAM"};

constexpr Filetime kMinute = 60 * kTicksPerSecond;
constexpr std::size_t kTooltipMessages = 3;
constexpr std::size_t kTooltipChars = 100;

struct Bin {
  std::size_t count = 0;
  std::array<std::size_t, 5> by_severity{};
  Severity max = Severity::info;
  std::vector<std::size_t> first;  ///< indices of the first kTooltipMessages events
};

std::string number(double v) {
  // One decimal is enough for screen coordinates and keeps the output stable.
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", v);
  std::string s = buffer;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

/// "YYYY-MM-DD", "hh:mm" and "hh:mm:ss" of a FILETIME (format_filetime's fields).
struct TimeParts {
  std::string date, minutes, seconds;
};
TimeParts parts(Filetime t) {
  const std::string text = format_filetime(t);
  const auto tpos = text.find('T');
  return {text.substr(0, tpos), text.substr(tpos + 1, 5), text.substr(tpos + 1, 8)};
}

/// A tick step (seconds) that puts at most about eight ticks across `span_s`.
std::int64_t tick_step(double span_s) {
  static constexpr std::array<std::int64_t, 22> kSteps = {
      1,    2,    5,    10,    15,    30,    60,    120,    300,    600,     900,
      1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000, 31536000};
  for (const auto step : kSteps)
    if (span_s / static_cast<double>(step) <= 8.0) return step;
  return static_cast<std::int64_t>(std::ceil(span_s / 8.0 / 31536000.0)) * 31536000;
}

}  // namespace

const char* severity_colour(Severity s) {
  switch (s) {
    case Severity::critical:
      return "#7b1fa2";
    case Severity::high:
      return "#c62828";
    case Severity::medium:
      return "#ef6c00";
    case Severity::low:
      return "#f9c23c";
    case Severity::info:
      break;
  }
  return "#90a4ae";
}

std::vector<std::string> plot_sources(const std::vector<TimelineEvent>& events) {
  std::vector<std::string> known, other;
  for (const auto& e : events) {
    const bool is_known =
        std::find(kKnownSources.begin(), kKnownSources.end(), e.source) != kKnownSources.end();
    auto& list = is_known ? known : other;
    if (std::find(list.begin(), list.end(), e.source) == list.end()) list.push_back(e.source);
  }
  std::sort(known.begin(), known.end(), [](const std::string& a, const std::string& b) {
    return std::find(kKnownSources.begin(), kKnownSources.end(), a) <
           std::find(kKnownSources.begin(), kKnownSources.end(), b);
  });
  std::sort(other.begin(), other.end());
  known.insert(known.end(), other.begin(), other.end());
  return known;
}

std::string events_plot_svg(const std::vector<TimelineEvent>& events, Filetime start, Filetime end,
                            const std::vector<PlotPivot>& pivots, std::size_t* outside,
                            const PlotLayout& layout) {
  if (end < start) std::swap(start, end);
  if (end == start) {
    start = start >= kMinute ? start - kMinute : 0;
    end = end + 2 * kMinute;
  }
  const double span = static_cast<double>(end - start);
  const int plot_width = layout.width - layout.label_width - layout.right_margin;
  const auto bins = static_cast<std::size_t>(std::max(1, plot_width / layout.bin_width));
  const double bin_px = static_cast<double>(plot_width) / static_cast<double>(bins);
  const auto x_of = [&](Filetime t) {
    return layout.label_width + static_cast<double>(t - start) / span * plot_width;
  };

  // Count the events per row and bin.
  std::size_t left_out = 0;
  const auto sources = plot_sources(events);
  std::map<std::string, std::size_t> row_of;
  for (std::size_t r = 0; r < sources.size(); ++r) row_of[sources[r]] = r;
  std::vector<std::vector<Bin>> grid(sources.size(), std::vector<Bin>(bins));
  std::vector<std::size_t> row_count(sources.size(), 0);
  std::size_t max_count = 0;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.time < start || e.time > end) {
      ++left_out;
      continue;
    }
    const auto b = std::min(bins - 1, static_cast<std::size_t>(static_cast<double>(e.time - start) /
                                                               span * static_cast<double>(bins)));
    const auto r = row_of[e.source];
    auto& bin = grid[r][b];
    ++bin.count;
    ++bin.by_severity[static_cast<std::size_t>(e.severity)];
    bin.max = std::max(bin.max, e.severity);
    if (bin.first.size() < kTooltipMessages) bin.first.push_back(i);
    ++row_count[r];
    max_count = std::max(max_count, bin.count);
  }
  if (outside != nullptr) *outside = left_out;

  const int rows_height = static_cast<int>(sources.size()) * layout.row_height;
  const int height = layout.top_margin + rows_height + layout.axis_height;
  const int plot_right = layout.label_width + plot_width;
  const int rows_bottom = layout.top_margin + rows_height;
  std::string s;
  s += "<svg class=\"plot\" role=\"img\" viewBox=\"0 0 " + std::to_string(layout.width) + " " +
       std::to_string(height) + "\" width=\"" + std::to_string(layout.width) + "\" height=\"" +
       std::to_string(height) +
       "\" font-family=\"sans-serif\" font-size=\"12\" aria-labelledby=\"plot-title\">\n";
  s += "<title id=\"plot-title\">Events per source, " + escaped(format_filetime(start)) + " to " +
       escaped(format_filetime(end)) + "</title>\n";

  // Rows: stripe, label, bars.
  for (std::size_t r = 0; r < sources.size(); ++r) {
    const int top = layout.top_margin + static_cast<int>(r) * layout.row_height;
    s += "<g class=\"row\" data-source=\"" + escaped(sources[r]) + "\" data-events=\"" +
         std::to_string(row_count[r]) + "\">\n";
    s += "<rect class=\"stripe\" x=\"" + std::to_string(layout.label_width) + "\" y=\"" +
         std::to_string(top) + "\" width=\"" + std::to_string(plot_width) + "\" height=\"" +
         std::to_string(layout.row_height) + "\" fill=\"" + (r % 2 == 0 ? "#f4f6f8" : "#ffffff") +
         "\"/>\n";
    s += "<text x=\"" + std::to_string(layout.label_width - 8) + "\" y=\"" +
         std::to_string(top + layout.row_height / 2 + 4) + "\" text-anchor=\"end\">" +
         escaped(sources[r], 16) + " (" + grouped(row_count[r]) + ")</text>\n";
    for (std::size_t b = 0; b < bins; ++b) {
      const auto& bin = grid[r][b];
      if (bin.count == 0) continue;
      const double scale = max_count <= 1 ? 1.0
                                          : std::log1p(static_cast<double>(bin.count)) /
                                                std::log1p(static_cast<double>(max_count));
      const double h = (layout.row_height - 6) * (0.35 + 0.65 * scale);
      const double x = layout.label_width + static_cast<double>(b) * bin_px;
      const double y = top + layout.row_height - 3 - h;
      const Filetime bin_start =
          start + static_cast<Filetime>(span * static_cast<double>(b) / static_cast<double>(bins));
      const Filetime bin_end = start + static_cast<Filetime>(span * static_cast<double>(b + 1) /
                                                             static_cast<double>(bins));
      s += "<rect class=\"bin sev-" + std::string(to_string(bin.max)) + "\" data-count=\"" +
           std::to_string(bin.count) + "\" x=\"" + number(x) + "\" y=\"" + number(y) +
           "\" width=\"" + number(std::max(1.0, bin_px - 1.0)) + "\" height=\"" + number(h) +
           "\" fill=\"" + severity_colour(bin.max) + "\"><title>";
      std::string tip = sources[r] + ": " + std::to_string(bin.count) +
                        (bin.count == 1 ? " event, " : " events, ") + parts(bin_start).seconds +
                        " to " + parts(bin_end).seconds + " UTC (";
      bool first = true;
      for (int sev = 4; sev >= 0; --sev) {
        if (bin.by_severity[static_cast<std::size_t>(sev)] == 0) continue;
        if (!first) tip += ", ";
        first = false;
        tip += std::to_string(bin.by_severity[static_cast<std::size_t>(sev)]) + " " +
               std::string(to_string(static_cast<Severity>(sev)));
      }
      tip += ")";
      s += escaped(tip);
      for (const auto i : bin.first) {
        s += "\n";
        s += escaped(parts(events[i].time).seconds + " " + events[i].timestamp_desc + ": ");
        append_escaped(s, events[i].message, kTooltipChars);
      }
      if (bin.count > bin.first.size())
        s += "\n\u2026 " + grouped(bin.count - bin.first.size()) + " more";
      s += "</title></rect>\n";
    }
    s += "</g>\n";
  }

  // Time axis.
  s += "<g class=\"axis\">\n";
  s += "<line x1=\"" + std::to_string(layout.label_width) + "\" y1=\"" +
       std::to_string(rows_bottom) + "\" x2=\"" + std::to_string(plot_right) + "\" y2=\"" +
       std::to_string(rows_bottom) + "\" stroke=\"#37474f\"/>\n";
  const double span_s = span / static_cast<double>(kTicksPerSecond);
  const std::int64_t step = tick_step(span_s);
  const std::int64_t start_s = filetime_to_unix_seconds(start);
  std::int64_t tick = (start_s / step) * step;
  if (tick < start_s) tick += step;
  std::string previous_date;
  for (int n = 0; n < 40; ++n, tick += step) {
    constexpr std::int64_t kEpochSeconds =
        static_cast<std::int64_t>(kFiletimeUnixEpoch / kTicksPerSecond);
    if (tick < -kEpochSeconds) continue;
    const auto since_1601 = static_cast<std::uint64_t>(tick + kEpochSeconds);
    if (since_1601 > UINT64_MAX / kTicksPerSecond) break;
    const Filetime t = since_1601 * kTicksPerSecond;
    if (t < start) continue;
    if (t > end) break;
    const double x = x_of(t);
    const auto p = parts(t);
    std::string label = step >= 86400 ? p.date : step < 60 ? p.seconds : p.minutes;
    if (step < 86400 && p.date != previous_date && !previous_date.empty())
      label = p.date.substr(5) + " " + label;
    previous_date = p.date;
    s += "<line class=\"tick\" x1=\"" + number(x) + "\" y1=\"" + std::to_string(layout.top_margin) +
         "\" x2=\"" + number(x) + "\" y2=\"" + std::to_string(rows_bottom + 5) +
         "\" stroke=\"#cfd8dc\"/>\n";
    s += "<text x=\"" + number(x) + "\" y=\"" + std::to_string(rows_bottom + 18) +
         "\" text-anchor=\"middle\">" + escaped(label) + "</text>\n";
  }
  const auto first_date = parts(start).date;
  const auto last_date = parts(end).date;
  s += "<text class=\"axis-title\" x=\"" + std::to_string(layout.label_width + plot_width / 2) +
       "\" y=\"" + std::to_string(rows_bottom + 38) + "\" text-anchor=\"middle\">Time (UTC), " +
       escaped(first_date == last_date ? first_date : first_date + " to " + last_date) +
       "</text>\n";
  s += "</g>\n";

  // Pivots.
  for (const auto& pivot : pivots) {
    if (pivot.time < start || pivot.time > end) continue;
    const double x = x_of(pivot.time);
    s += "<g class=\"pivot\" data-time=\"" + escaped(format_filetime(pivot.time)) + "\">";
    s += "<title>" + escaped(pivot.tooltip) + "</title>";
    s += "<line x1=\"" + number(x) + "\" y1=\"" + std::to_string(layout.top_margin - 14) +
         "\" x2=\"" + number(x) + "\" y2=\"" + std::to_string(rows_bottom) +
         "\" stroke=\"#111111\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/>";
    s += "<text x=\"" + number(x) + "\" y=\"" + std::to_string(layout.top_margin - 18) +
         "\" text-anchor=\"middle\" font-weight=\"bold\">" + escaped(pivot.label, 24) +
         "</text></g>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace sqltriage::html
