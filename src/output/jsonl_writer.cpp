// JSON Lines: one object per line, each tagged with "record_type" and flushed at once, so a
// consumer (jq, a pipe, Timesketch-style ingestion) sees every record as soon as it exists.
#include <string>
#include <utility>

#include "sqltriage/json_text.hpp"
#include "sqltriage/output.hpp"

namespace sqltriage {
namespace {

class JsonlWriter final : public FindingSink {
 public:
  explicit JsonlWriter(std::ostream& out) : out_(out) {}

  void begin(const DocumentHeader& header) override {
    write_line(tagged("header", to_json(header)));
  }

  void finding(const Finding& f) override { finding(f, to_json_text(to_json(f))); }

  void finding(const Finding&, const std::string& object_text) override {
    // {"record_type":"finding", then the finding's members: its text without the '{'.
    std::string line = "{\"record_type\":\"finding\"";
    if (object_text.size() > 2) line += ',';
    line.append(object_text, 1, std::string::npos);
    line += '\n';
    out_.write(line.data(), static_cast<std::streamsize>(line.size()));
    out_.flush();
  }

  void error(const ErrorEntry& e) override { write_line(tagged("error", to_json(e))); }

  void section(const std::string& name, const nlohmann::ordered_json& value) override {
    if (value.is_object()) {
      write_line(tagged(name.c_str(), value));
    } else {
      write_line(tagged(name.c_str(), nlohmann::ordered_json{{"value", value}}));
    }
  }

  void end(const RunStats& stats) override { write_line(tagged("stats", to_json(stats))); }

 private:
  /// {"record_type": type} followed by the members of `object`.
  static nlohmann::ordered_json tagged(const char* type, nlohmann::ordered_json object) {
    nlohmann::ordered_json line = nlohmann::ordered_json::object();
    line["record_type"] = type;
    for (auto it = object.begin(); it != object.end(); ++it) line[it.key()] = std::move(*it);
    return line;
  }

  void write_line(const nlohmann::ordered_json& line) {
    std::string text = to_json_text(line);
    text += '\n';
    out_.write(text.data(), static_cast<std::streamsize>(text.size()));
    out_.flush();
  }

  std::ostream& out_;
};

}  // namespace

std::unique_ptr<FindingSink> make_jsonl_writer(std::ostream& out) {
  return std::make_unique<JsonlWriter>(out);
}

}  // namespace sqltriage
