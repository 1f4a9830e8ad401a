// Reader::open and the one Reader behind it: bytes (plain or gzip) → lines → format detection
// → W3C or LogFormat parsing, with malformed lines counted as BadLines.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <utility>

#include "core/byte_stream.hpp"
#include "artifacts/weblog/logformat.hpp"
#include "artifacts/weblog/request_reset.hpp"
#include "artifacts/weblog/w3c.hpp"
#include "sqltriage/weblog.hpp"

namespace sqltriage::weblog {
namespace {

constexpr std::size_t kKeptBadLines = 1000;
// Non-empty lines looked at to choose between NCSA combined and common.
constexpr std::size_t kDetectLines = 8;
// Lines and bytes held for detection at most: binary and overlong lines do not count towards
// kDetectLines (blank ones are not held), and a log that starts with millions of them must not
// be held whole.
constexpr std::size_t kMaxHeldLines = 1000;
constexpr std::size_t kMaxHeldBytes = 4u << 20;

// A line kept from detection, replayed by next().
struct HeldLine {
  std::string text;
  std::uint64_t number = 0;
  std::uint64_t offset = 0;
  bool terminated = true;
  std::uint64_t overlong_bytes = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i];
    char b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

// The first control byte (other than tab) in `text`: binary data, not a log line.
std::optional<std::size_t> control_byte(std::string_view text) {
  // Eight bytes at a time: a word with no byte below 0x20 and none equal to 0x7F is skipped
  // (both tests are exact about whether such a byte exists); the byte loop below then starts
  // at the first word that may hold one (a tab, or a control byte).
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t start = 0;
  for (; start + 8 <= text.size(); start += 8) {
    std::uint64_t w;
    std::memcpy(&w, text.data() + start, 8);
    const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
    const std::uint64_t del = w ^ (kOnes * 0x7F);
    const std::uint64_t is_del = (del - kOnes) & ~del & kHighs;
    if ((below_space | is_del) != 0) break;
  }
  for (std::size_t i = start; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) return i;
  }
  return std::nullopt;
}

// A W3C directive line: "#Software:", "#Version:", "#Fields:", "#Date:" ...
bool is_w3c_directive(std::string_view text) {
  return starts_with_nocase(text, "#Software:") || starts_with_nocase(text, "#Version:") ||
         starts_with_nocase(text, "#Fields:") || starts_with_nocase(text, "#Date:") ||
         starts_with_nocase(text, "#Start-Date:") || starts_with_nocase(text, "#Remark:");
}

class LogReader final : public Reader {
 public:
  explicit LogReader(std::unique_ptr<stream::ByteStream> stream)
      : stream_(std::move(stream)), splitter_(*stream_) {}

  // With a LogFormat given: every line is read with it.
  void use_logformat(const std::string& logformat) {
    primary_.emplace(logformat);
    if (logformat == "common")
      format_ = Format::ncsa_common;
    else if (logformat == "combined")
      format_ = Format::ncsa_combined;
    else if (logformat == "vhost_combined")
      format_ = Format::vhost_combined;
    else
      format_ = Format::logformat;
  }

  // Without: W3C when a directive comes first, else NCSA combined, common or vhost_combined,
  // decided by the first line one of them parses (a log that mixes them, as Apache's can after
  // a configuration change, reads each line with another when the first does not fit).
  void detect() {
    stream::LineView view;
    std::size_t looked = 0;
    bool decided = false;
    std::size_t held_bytes = 0;
    while (looked < kDetectLines && held_.size() < kMaxHeldLines && held_bytes < kMaxHeldBytes &&
           splitter_.next(view)) {
      const std::string_view text = trim(view.text);
      if (view.overlong_bytes == 0 && text.empty()) continue;  // blank: nothing to replay
      held_bytes += view.text.size();
      held_.push_back(HeldLine{std::string(view.text), view.number, view.offset, view.terminated,
                               view.overlong_bytes});
      if (view.overlong_bytes != 0 || control_byte(text)) continue;
      ++looked;
      if (text.front() == '#') {
        if (is_w3c_directive(text)) {
          format_ = Format::w3c;
          return;
        }
        continue;
      }
      Request probe;
      if (!detail::LogFormat(detail::kCombinedLogFormat).parse(text, probe)) {
        set_ncsa(Format::ncsa_combined);
        decided = true;
        break;
      }
      probe = Request{};
      if (!detail::LogFormat(detail::kCommonLogFormat).parse(text, probe)) {
        set_ncsa(Format::ncsa_common);
        decided = true;
        break;
      }
      probe = Request{};
      if (!detail::LogFormat(detail::kVhostCombinedLogFormat).parse(text, probe)) {
        set_ncsa(Format::vhost_combined);
        decided = true;
        break;
      }
    }
    if (!decided) set_ncsa(Format::ncsa_combined);
  }

  bool next(Request& out) override {
    while (!held_.empty()) {
      const HeldLine held = std::move(held_.front());
      held_.pop_front();
      stream::LineView view;
      view.text = held.text;
      view.number = held.number;
      view.offset = held.offset;
      view.terminated = held.terminated;
      view.overlong_bytes = held.overlong_bytes;
      if (process(view, out)) return true;
    }
    stream::LineView view;
    while (splitter_.next(view))
      if (process(view, out)) return true;
    return false;
  }

  Format format() const override { return format_; }
  const std::vector<BadLine>& bad_lines() const override { return bad_lines_; }
  std::uint64_t bad_line_count() const override { return bad_line_count_; }
  std::uint64_t lines() const override { return splitter_.lines() - held_.size(); }
  bool records_request_size() const override { return records_request_size_; }
  std::optional<std::string> truncation() const override { return stream_->truncation(); }

 private:
  // The detected format first, the other NCSA formats for the lines it does not fit.
  void set_ncsa(Format f) {
    format_ = f;
    const char* names[] = {"combined", "common", "vhost_combined"};
    const char* chosen = f == Format::ncsa_common      ? "common"
                         : f == Format::vhost_combined ? "vhost_combined"
                                                       : "combined";
    primary_.emplace(chosen);
    for (const char* n : names)
      if (std::string_view(n) != chosen) fallbacks_.emplace_back(n);
  }

  void bad(const stream::LineView& view, std::string reason) {
    ++bad_line_count_;
    if (bad_lines_.size() < kKeptBadLines)
      bad_lines_.push_back(BadLine{view.number, view.offset, std::move(reason)});
  }

  // Reads one line: true when it was a request (in `out`).
  bool process(const stream::LineView& view, Request& out) {
    if (view.overlong_bytes != 0) {
      bad(view, "line of " + std::to_string(view.overlong_bytes) +
                    " bytes is longer than the 1 MiB limit");
      return false;
    }
    const std::string_view text = trim(view.text);
    if (text.empty()) return false;
    if (const auto at = control_byte(text)) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X",
                    static_cast<unsigned>(static_cast<unsigned char>(text[*at])));
      bad(view, std::string("binary data: byte ") + hex + " at column " + std::to_string(*at + 1));
      return false;
    }
    if (!view.terminated && stream_->truncation()) {
      bad(view, "cut off where the compressed stream ends");
      return false;
    }

    std::optional<std::string> error;
    if (format_ == Format::w3c) {
      if (text.front() == '#') {
        directive(text);
        return false;
      }
      if (!have_columns_) {
        error = "no #Fields: directive before this line";
      } else {
        out.line = view.number;
        out.offset = view.offset;
        error = detail::parse_w3c_line(text, columns_, directive_date_, scratch_, dates_, out);
        if (!error && columns_.has_request_size) records_request_size_ = true;
      }
    } else {
      error = parse_logformat(text, out);
    }
    if (error) {
      if (!view.terminated) *error += " (last line, no line end)";
      bad(view, std::move(*error));
      return false;
    }
    out.line = view.number;
    out.offset = view.offset;
    return true;
  }

  std::optional<std::string> parse_logformat(std::string_view text, Request& out) {
    detail::reset_request(out);
    auto error = primary_->parse(text, out);
    if (!error) {
      if (primary_->records_request_size()) records_request_size_ = true;
      return std::nullopt;
    }
    for (const auto& fallback : fallbacks_) {
      detail::reset_request(out);
      if (!fallback.parse(text, out)) {
        if (fallback.records_request_size()) records_request_size_ = true;
        return std::nullopt;
      }
    }
    return error;
  }

  void directive(std::string_view text) {
    if (starts_with_nocase(text, "#Fields:")) {
      columns_ = detail::w3c_columns(w3c_field_names(std::string(text.substr(8))));
      have_columns_ = true;
    } else if (starts_with_nocase(text, "#Date:")) {
      std::vector<std::string_view> parts;
      detail::split_w3c_fields(text.substr(6), parts);
      directive_date_ = parts.empty() ? std::string() : std::string(parts.front());
    }
  }

  std::unique_ptr<stream::ByteStream> stream_;
  stream::LineSplitter splitter_;
  std::deque<HeldLine> held_;
  Format format_ = Format::w3c;
  std::vector<BadLine> bad_lines_;
  std::uint64_t bad_line_count_ = 0;
  bool records_request_size_ = false;
  // W3C
  detail::W3cColumns columns_;
  bool have_columns_ = false;
  std::string directive_date_;
  std::vector<std::string_view> scratch_;
  detail::W3cDateCache dates_;
  // LogFormat (NCSA detected: the detected one, the others as fallbacks)
  std::optional<detail::LogFormat> primary_;
  std::vector<detail::LogFormat> fallbacks_;
};

}  // namespace

const char* to_string(Format f) {
  switch (f) {
    case Format::w3c:
      return "w3c";
    case Format::ncsa_common:
      return "ncsa_common";
    case Format::ncsa_combined:
      return "ncsa_combined";
    case Format::vhost_combined:
      return "vhost_combined";
    case Format::logformat:
      return "logformat";
  }
  return "unknown";
}

std::unique_ptr<Reader> Reader::open(std::shared_ptr<const ByteSource> source, std::string display,
                                     const std::optional<std::string>& logformat) {
  if (!source) throw std::invalid_argument("weblog::Reader::open: no source");
  std::unique_ptr<stream::ByteStream> stream = stream::is_gzip(*source)
                                                   ? stream::gzip_stream(source, display)
                                                   : stream::plain_stream(source);
  auto reader = std::make_unique<LogReader>(std::move(stream));
  if (logformat)
    reader->use_logformat(*logformat);
  else
    reader->detect();
  return reader;
}

}  // namespace sqltriage::weblog
