// The findings document as one JSON object, streamed: the header is written by begin(), each
// finding on its own line inside "findings" as it arrives, and errors (held, they are few)
// with the stats by end(). The text is valid JSON whatever the counts.
#include <string>
#include <utility>
#include <vector>

#include "sqltriage/json_text.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage {
namespace {

class JsonWriter final : public FindingSink {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  void begin(const DocumentHeader& header) override {
    std::string text = to_json_text(to_json(header));
    text.pop_back();  // the closing '}': the document continues
    write(text);
  }

  void section(const std::string& name, const nlohmann::ordered_json& value) override {
    std::string text = ",";
    text += to_json_text(nlohmann::ordered_json(name));
    text += ':';
    text += to_json_text(value);
    if (findings_open_) {
      late_sections_.push_back(std::move(text));
    } else {
      write(text);
    }
  }

  void finding(const Finding& f) override { finding(f, to_json_text(to_json(f))); }

  void finding(const Finding&, const std::string& object_text) override {
    open_findings();
    write(findings_written_ == 0 ? "\n" : ",\n");
    write(object_text);
    ++findings_written_;
  }

  void error(const ErrorEntry& e) override { errors_.push_back(to_json_text(to_json(e))); }

  void end(const RunStats& stats) override {
    open_findings();
    std::string text = findings_written_ == 0 ? "" : "\n";
    text += "],\"errors\":[";
    for (std::size_t i = 0; i < errors_.size(); ++i) {
      text += i == 0 ? "\n" : ",\n";
      text += errors_[i];
    }
    if (!errors_.empty()) text += '\n';
    errors_.clear();

    text += ']';
    for (const auto& section : late_sections_) text += section;
    late_sections_.clear();
    text += ",\"stats\":";
    text += to_json_text(to_json(stats));
    text += "}\n";
    write(text);
    out_.flush();
  }

 private:
  void open_findings() {
    if (findings_open_) return;
    findings_open_ = true;
    write(",\"findings\":[");
  }

  void write(const std::string& text) {
    out_.write(text.data(), static_cast<std::streamsize>(text.size()));
  }

  std::ostream& out_;
  std::uint64_t findings_written_ = 0;
  bool findings_open_ = false;
  std::vector<std::string> late_sections_;  ///< sections that came after the findings
  std::vector<std::string> errors_;  ///< rendered error objects, written by end()
};

}  // namespace

std::unique_ptr<FindingSink> make_json_writer(std::ostream& out) {
  return std::make_unique<JsonWriter>(out);
}

}  // namespace sqltriage
