// read_cloudtrail: the three layouts of CloudTrail files, streamed record by record
// (json_splitter.hpp finds the records, cloudtrail_record.hpp reads each).
#include <array>
#include <optional>
#include <string_view>

#include "artifacts/aws/cloudtrail_record.hpp"
#include "artifacts/aws/cloudtrail_utf8.hpp"
#include "artifacts/aws/json_splitter.hpp"
#include "core/byte_stream.hpp"
#include "sqltriage/aws_cloudtrail.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::aws {

namespace {

/// Largest record read; a longer one is skipped as damaged.
constexpr std::size_t kMaxRecordBytes = 64ull << 20;

/// Keys a CloudTrail record may start with (files of one event object after another).
constexpr std::array<std::string_view, 9> kRecordKeys = {
    "eventVersion", "eventTime", "eventSource", "eventName",         "userIdentity",
    "eventID",      "awsRegion", "eventType",   "recipientAccountId"};

/// The first key of the object the lookahead starts with ("" when it cannot be read there).
std::string first_key(std::string_view look) {
  std::size_t i = 1;  // after '{'
  while (i < look.size() &&
         (look[i] == ' ' || look[i] == '\t' || look[i] == '\n' || look[i] == '\r'))
    ++i;
  if (i >= look.size() || look[i] != '"') return {};
  const auto end = look.find('"', i + 1);
  if (end == std::string_view::npos) return {};
  return std::string(look.substr(i + 1, end - i - 1));
}

/// Whether the first line of the lookahead is a whole compact object ("{...}" on one line).
bool compact_lines(std::string_view look) {
  auto line = look.substr(0, look.find('\n'));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  return line.size() > 2 && line.back() == '}';
}

class Reader {
 public:
  Reader(std::shared_ptr<const ByteSource> source, const std::string& display,
         const std::function<void(const CloudTrailEvent&)>& on_event,
         const std::function<void(ErrorEntry)>& on_error)
      : display_(display), on_event_(on_event), on_error_(on_error) {
    stream_ = stream::is_gzip(*source) ? stream::gzip_stream(source, display)
                                       : stream::plain_stream(source);
    split_ = std::make_unique<json::Splitter>(*stream_);
  }

  CloudTrailFileSummary read() {
    auto& sp = *split_;
    const int c = sp.peek();
    if (c != '{')
      throw ArtifactError(display_,
                          c < 0 ? "not a CloudTrail file: no JSON in it"
                                : "not a CloudTrail file: it does not start with a JSON object",
                          sp.offset());
    const auto look = sp.lookahead();
    const std::string key = first_key(look);
    bool lines = false;
    for (auto k : kRecordKeys) lines = lines || key == k;
    if (key == "Records" || key == "Events") {
      summary_.layout = key == "Records" ? "records" : "lookup-events";
      read_containers();
    } else if (lines) {
      summary_.layout = "event-lines";
      read_lines(compact_lines(look));
    } else {
      throw ArtifactError(display_,
                          "not a CloudTrail file: its first key is \"" + key.substr(0, 64) +
                              "\", not Records, Events or a CloudTrail record field",
                          sp.offset());
    }
    finish();
    return summary_;
  }

 private:
  void bad(std::uint64_t offset, const std::string& why) {
    ++summary_.bad_records;
    on_error_(make_error(display_, "record",
                         "record " + std::to_string(index_) + ": " + why + "; skipped", offset));
    ++index_;
  }

  /// The file ends inside the JSON: `where` in words; `started` is the offset of the unfinished
  /// record (or value), else the end of the file.
  void cut(const std::string& where, std::optional<std::uint64_t> started = std::nullopt) {
    if (cut_) return;
    cut_ = true;
    cut_where_ = where;
    cut_offset_ = started.value_or(split_->offset());
    if (started)
      cut_where_ += " that starts at offset " + std::to_string(*started) +
                    " (the file ends at offset " + std::to_string(split_->offset()) + ")";
  }

  void finish() {
    if (auto t = stream_->truncation()) {
      summary_.truncated = true;
      on_error_(make_error(display_, "truncated",
                           *t + (cut_ ? "; the text ends " + cut_where_ : std::string()) + "; " +
                               std::to_string(summary_.events) + " events before the cut were read",
                           cut_ ? cut_offset_ : split_->offset()));
    } else if (cut_) {
      summary_.truncated = true;
      on_error_(make_error(display_, "truncated",
                           "the file ends " + cut_where_ + "; " + std::to_string(summary_.events) +
                               " events before the cut were read",
                           cut_offset_));
    }
  }

  /// Parses text_ into event_; "" or why not.
  std::string parse(bool lookup) {
    return lookup ? record::parse_lookup_event(parser_, text_, scratch_, event_)
                  : record::parse_record(parser_, text_, event_);
  }

  /// One record's text: parsed and handed out, or reported.
  void handle(std::uint64_t offset, json::ValueEnd end, bool lookup) {
    using json::ValueEnd;
    if (end == ValueEnd::eof) return cut("inside a record", offset);
    if (end == ValueEnd::overlong)
      return bad(offset, "longer than " + std::to_string(kMaxRecordBytes >> 20) + " MiB");
    if (end == ValueEnd::line_end) return bad(offset, "the line ends inside the record");
    if (text_.empty() || text_[0] != '{') return bad(offset, "not a JSON object");
    event_ = CloudTrailEvent{};
    event_.offset = offset;
    event_.index = index_;
    std::string why = parse(lookup);
    if (why.ends_with(simdjson::error_message(simdjson::UTF8_ERROR))) {
      // Keep the record: its bytes that are not UTF-8 are carried through (cloudtrail_utf8.hpp).
      const std::size_t invalid = utf8::map_invalid(text_);
      event_ = CloudTrailEvent{};
      event_.offset = offset;
      event_.index = index_;
      if (invalid > 0) why = parse(lookup);
      if (why.empty()) {
        utf8::unmap(event_);
        on_error_(make_error(display_, "record",
                             "record " + std::to_string(index_) + " holds " +
                                 std::to_string(invalid) +
                                 " byte(s) that are not valid UTF-8; read with those bytes "
                                 "kept as they are (written as U+EF00 + byte in the output)",
                             offset));
      }
    }
    if (!why.empty()) return bad(offset, why);
    ++index_;
    ++summary_.events;
    on_event_(event_);
  }

  /// {"Records": [...], ...} or {"Events": [...], "NextToken": ...}, possibly several such
  /// objects one after another.
  void read_containers() {
    auto& sp = *split_;
    const bool lookup = summary_.layout == "lookup-events";
    const std::string wanted = lookup ? "Events" : "Records";
    std::string key;
    for (;;) {
      int c = sp.peek();
      if (c < 0) return;
      if (c != '{') return damaged_structure("'{'");
      sp.advance();
      for (;;) {
        c = sp.peek();
        if (c < 0) return cut("inside the top-level object");
        if (c == '}') {
          sp.advance();
          break;
        }
        if (c == ',') {
          sp.advance();
          continue;
        }
        if (c != '"') return damaged_structure("a key, ',' or '}'");
        if (!sp.read_string(key)) return cut("inside a key");
        c = sp.peek();
        if (c < 0) return cut("after a key");
        if (c != ':') return damaged_structure("':'");
        sp.advance();
        c = sp.peek();
        if (c < 0) return cut("after a key");
        if (c == ',' || c == '}' || c == ']' || c == ':') return damaged_structure("a value");
        if (key != wanted || c != '[') {
          if (key == wanted) {
            ++summary_.bad_records;  // the file's records cannot be read: damage, not emptiness
            on_error_(
                make_error(display_, "record", wanted + " is not an array; skipped", sp.offset()));
          }
          const auto value_offset = sp.offset();
          if (sp.skip() == json::ValueEnd::eof)
            return cut("inside the value of \"" + key + "\"", value_offset);
          continue;
        }
        sp.advance();
        if (!read_array(lookup)) return;
      }
    }
  }

  /// The elements of the Records / Events array; false when the file ends inside it.
  bool read_array(bool lookup) {
    auto& sp = *split_;
    for (;;) {
      const int c = sp.peek();
      if (c < 0) {
        cut("inside the " + std::string(lookup ? "Events" : "Records") + " array");
        return false;
      }
      if (c == ']') {
        sp.advance();
        return true;
      }
      if (c == ',') {
        sp.advance();
        continue;
      }
      if (c == '}' || c == ':') {  // the array's structure is damaged: nothing after is sure
        damaged_structure("a record, ',' or ']' in the " +
                          std::string(lookup ? "Events" : "Records") + " array");
        return false;
      }
      const auto offset = sp.offset();
      const auto end = sp.capture(text_, kMaxRecordBytes);
      handle(offset, end, lookup);
      if (cut_) return false;
    }
  }

  /// One event object after another (one per line when `compact`).
  void read_lines(bool compact) {
    auto& sp = *split_;
    for (;;) {
      const int c = sp.peek();
      if (c < 0) return;
      const auto offset = sp.offset();
      if (c != '{') {
        bad(offset, "not a JSON object");
        if (compact)
          sp.skip_line();
        else if (sp.skip() == json::ValueEnd::eof)
          return cut("inside a value");
        continue;
      }
      handle(offset, sp.capture(text_, kMaxRecordBytes, compact), false);
      if (cut_) return;
    }
  }

  /// The file's structure (outside the records) is damaged: reported once, and the rest of
  /// the file is not read (counted as a damaged record, so that a file damaged before any
  /// record counts as unreadable).
  void damaged_structure(const std::string& expected) {
    const int c = split_->peek();
    std::string found = c < 0 ? std::string("the end") : std::string(1, static_cast<char>(c));
    if (c >= 0 && (c < 0x20 || c >= 0x7F)) found = "byte " + std::to_string(c);
    on_error_(make_error(display_, "record",
                         "the JSON structure is damaged here (expected " + expected + ", found " +
                             (c < 0 ? found : "'" + found + "'") +
                             "); the rest of the file is not read",
                         split_->offset()));
    ++summary_.bad_records;
  }

  const std::string& display_;
  const std::function<void(const CloudTrailEvent&)>& on_event_;
  const std::function<void(ErrorEntry)>& on_error_;
  std::unique_ptr<stream::ByteStream> stream_;
  std::unique_ptr<json::Splitter> split_;
  simdjson::ondemand::parser parser_;
  std::string text_;
  std::string scratch_;
  CloudTrailEvent event_;
  CloudTrailFileSummary summary_;
  std::uint64_t index_ = 0;
  bool cut_ = false;
  std::string cut_where_;
  std::uint64_t cut_offset_ = 0;
};

}  // namespace

std::string UserIdentity::session_name() const {
  if (type != "AssumedRole") return {};
  const auto slash = arn.find_last_of('/');
  return slash == std::string::npos ? std::string() : arn.substr(slash + 1);
}

CloudTrailFileSummary read_cloudtrail(std::shared_ptr<const ByteSource> source,
                                      const std::string& display,
                                      const std::function<void(const CloudTrailEvent&)>& on_event,
                                      const std::function<void(ErrorEntry)>& on_error) {
  Reader reader(std::move(source), display, on_event, on_error);
  return reader.read();
}

}  // namespace sqltriage::aws
