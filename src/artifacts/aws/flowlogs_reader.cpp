// read_flowlogs: VPC flow log files line by line (plain or gzip), header or default layout,
// each record checked field by field.
#include <system_error>
#include <vector>

#include "artifacts/aws/flowlogs_fields.hpp"
#include "core/byte_stream.hpp"
#include "sqltriage/aws_flowlogs.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::aws {

namespace {

using flowlogs::Field;

/// Bad lines reported one by one per file; the rest are counted in one "limit" error.
constexpr std::uint64_t kBadLinesReported = 100;

/// The fields of the file's current layout and where they came from.
struct Layout {
  std::vector<Field> fields = flowlogs::default_layout();
  bool from_header = false;
};

/// A field that is not '-' but does not parse: why, for the error message.
std::string bad_value(std::string_view name, std::string_view text) {
  std::string shown(text.substr(0, 64));
  if (text.size() > 64) shown += "...";
  return "the " + std::string(name) + " field '" + shown + "' is not ";
}

/// Fills `r` from the fields of one line; returns the reason it cannot be read, or "".
std::string parse_record(const std::vector<Field>& layout,
                         const std::vector<std::string_view>& fields, FlowRecord& r) {
  for (std::size_t i = 0; i < layout.size(); ++i) {
    const std::string_view v = fields[i];
    if (v == "-") continue;
    switch (layout[i]) {
      case Field::other:
        break;
      case Field::version:
        if (!flowlogs::parse_number(v, 0xFFFF)) return bad_value("version", v) + "a number";
        break;
      case Field::account_id:
        r.account_id = v;
        break;
      case Field::interface_id:
        r.interface_id = v;
        break;
      case Field::instance_id:
        r.instance_id = v;
        break;
      case Field::srcaddr:
      case Field::dstaddr:
      case Field::pkt_srcaddr:
      case Field::pkt_dstaddr: {
        const char* names[] = {"srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"};
        const auto k = static_cast<int>(layout[i]) - static_cast<int>(Field::srcaddr);
        if (!flowlogs::is_address(v)) return bad_value(names[k], v) + "an IP address";
        std::string* out[] = {&r.srcaddr, &r.dstaddr, &r.pkt_srcaddr, &r.pkt_dstaddr};
        *out[k] = v;
        break;
      }
      case Field::srcport:
      case Field::dstport: {
        const auto n = flowlogs::parse_number(v, 65535);
        const bool src = layout[i] == Field::srcport;
        if (!n) return bad_value(src ? "srcport" : "dstport", v) + "a port number";
        (src ? r.srcport : r.dstport) = static_cast<std::uint32_t>(*n);
        break;
      }
      case Field::protocol: {
        const auto n = flowlogs::parse_number(v, 255);
        if (!n) return bad_value("protocol", v) + "a protocol number";
        r.protocol = static_cast<std::uint32_t>(*n);
        break;
      }
      case Field::packets:
      case Field::bytes: {
        const auto n = flowlogs::parse_number(v, UINT64_MAX);
        const bool packets = layout[i] == Field::packets;
        if (!n) return bad_value(packets ? "packets" : "bytes", v) + "a count";
        (packets ? r.packets : r.bytes) = *n;
        break;
      }
      case Field::start:
      case Field::end: {
        const auto t = flowlogs::parse_unix_seconds(v);
        const bool start = layout[i] == Field::start;
        if (!t) return bad_value(start ? "start" : "end", v) + "a time in Unix seconds";
        (start ? r.start : r.end) = t;
        break;
      }
      case Field::action:
        r.action = v;
        break;
      case Field::log_status:
        r.log_status = v;
        break;
      case Field::flow_direction:
        r.flow_direction = v;
        break;
    }
  }
  return {};
}

std::string join(const std::vector<std::string_view>& fields) {
  std::string out;
  for (const auto f : fields) {
    if (!out.empty()) out += ' ';
    out += f;
  }
  return out;
}

class Reader {
 public:
  Reader(const std::string& display, const std::function<void(const FlowRecord&)>& on_record,
         const std::function<void(ErrorEntry)>& on_error)
      : display_(display), on_record_(on_record), on_error_(on_error) {
    summary_.format = "default";
    summary_.fields = flowlogs::default_field_names();
  }

  FlowFileSummary read(stream::ByteStream& in) {
    stream::LineSplitter lines(in);
    stream::LineView line;
    try {
      while (lines.next(line)) take(line);
    } catch (const ArtifactError&) {
      throw;
    } catch (const std::exception& e) {  // an I/O error of the file: it ends here
      throw ArtifactError(display_, "reading stopped after line " + std::to_string(lines.lines()) +
                                        ": " + e.what());
    }
    if (summary_.bad_lines > kBadLinesReported)
      on_error_(make_error(display_, "limit",
                           std::to_string(summary_.bad_lines - kBadLinesReported) +
                               " more bad lines not listed (" + std::to_string(summary_.bad_lines) +
                               " in all)"));
    if (const auto t = in.truncation()) {
      summary_.truncated = true;
      on_error_(make_error(display_, "truncated",
                           *t + " (after line " + std::to_string(lines.lines()) + ")"));
    }
    return summary_;
  }

 private:
  void take(const stream::LineView& line) {
    if (line.overlong_bytes) {
      bad(line, std::to_string(line.overlong_bytes) + " bytes, longer than a flow record can be");
      return;
    }
    if (first_line_ && !line.text.empty() && flowlogs::looks_binary(line.text))
      throw ArtifactError(display_,
                          "not flow-log text: binary data in line " + std::to_string(line.number),
                          line.offset);
    flowlogs::split_fields(line.text, fields_);
    if (fields_.empty()) return;  // blank line
    first_line_ = false;
    if (flowlogs::is_header(fields_)) {
      layout_.fields.clear();
      for (const auto f : fields_) layout_.fields.push_back(flowlogs::field_of(f));
      if (!layout_.from_header) {  // the first header names the file's fields
        summary_.fields = join(fields_);
        if (summary_.fields != flowlogs::default_field_names()) summary_.format = "custom";
      }
      layout_.from_header = true;
      return;
    }
    if (fields_.size() != layout_.fields.size()) {
      bad(line, std::to_string(fields_.size()) + " fields, the " +
                    (layout_.from_header ? "header names " : "default format has ") +
                    std::to_string(layout_.fields.size()));
      return;
    }
    if (flowlogs::looks_binary(line.text)) {
      bad(line, "binary data");
      return;
    }
    record_ = FlowRecord();
    record_.line = line.number;
    record_.offset = line.offset;
    if (const auto why = parse_record(layout_.fields, fields_, record_); !why.empty()) {
      bad(line, why);
      return;
    }
    ++summary_.records;
    on_record_(record_);
  }

  void bad(const stream::LineView& line, const std::string& why) {
    if (++summary_.bad_lines > kBadLinesReported) return;
    auto e = make_error(display_, "record", "line " + std::to_string(line.number) + ": " + why,
                        line.offset);
    e.artifact.record = line.number;
    on_error_(std::move(e));
  }

  const std::string& display_;
  const std::function<void(const FlowRecord&)>& on_record_;
  const std::function<void(ErrorEntry)>& on_error_;
  FlowFileSummary summary_;
  Layout layout_;
  bool first_line_ = true;
  std::vector<std::string_view> fields_;
  FlowRecord record_;
};

}  // namespace

FlowFileSummary read_flowlogs(std::shared_ptr<const ByteSource> source, const std::string& display,
                              const std::function<void(const FlowRecord&)>& on_record,
                              const std::function<void(ErrorEntry)>& on_error) {
  std::unique_ptr<stream::ByteStream> in;
  try {
    in = stream::is_gzip(*source) ? stream::gzip_stream(source, display)
                                  : stream::plain_stream(source);
  } catch (const ArtifactError&) {
    throw;
  } catch (const std::exception& e) {
    throw ArtifactError(display, std::string("cannot be read: ") + e.what());
  }
  return Reader(display, on_record, on_error).read(*in);
}

}  // namespace sqltriage::aws
