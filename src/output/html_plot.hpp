// The HTML report's plot: the window's timeline events per source over time, as inline SVG.
//
// One row per TimelineEvent::source (the sources in timeline.hpp's order, then any other in
// alphabetical order), a time axis in UTC, and the events binned into columns of a few
// pixels: a bin's bar grows with the logarithm of its event count and takes the colour of
// its most severe event. The SVG's size is bounded by rows x bins whatever the number of
// events. Each pivot is a vertical dashed line. Tooltips are SVG <title> elements.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sqltriage/filetime.hpp"
#include "sqltriage/timeline.hpp"

namespace sqltriage::html {

struct PlotPivot {
  Filetime time = 0;
  std::string label;    ///< short text above the line, e.g. "pivot 1"
  std::string tooltip;  ///< full text for the line's <title>
};

/// Geometry of the plot, in SVG user units (CSS pixels at 100%).
struct PlotLayout {
  int width = 1100;       ///< whole SVG
  int label_width = 150;  ///< left column with the source names
  int right_margin = 24;
  int top_margin = 34;  ///< room for the pivot labels
  int row_height = 28;
  int axis_height = 46;
  int bin_width = 5;  ///< the plot area is split into (width - label - right) / bin_width bins
};

/// The SVG element for the events with start <= time <= end (others are left out and
/// counted in `*outside` when given). start == end is widened by a minute on each side.
/// All text is HTML-escaped; the result holds no script and no external reference.
std::string events_plot_svg(const std::vector<TimelineEvent>& events, Filetime start, Filetime end,
                            const std::vector<PlotPivot>& pivots, std::size_t* outside = nullptr,
                            const PlotLayout& layout = {});

/// Fill colour of a severity ("#rrggbb"), shared by the plot and the page's badges; text on
/// it is readable in black for info/low/medium and in white for high/critical.
const char* severity_colour(Severity s);

/// The rows' order: the known sources in timeline.hpp's order, then others alphabetically.
std::vector<std::string> plot_sources(const std::vector<TimelineEvent>& events);

}  // namespace sqltriage::html
