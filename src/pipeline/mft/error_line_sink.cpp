// The sink of --bodyfile runs: stdout carries bodyfile lines, so errors go to a stream of
// their own (stderr), one line each.
#include <ostream>

#include "sqltriage/mft_scan.hpp"

namespace sqltriage {

namespace {

class ErrorLineSink final : public FindingSink {
 public:
  explicit ErrorLineSink(std::ostream& out) : out_(out) {}
  void begin(const DocumentHeader&) override {}
  void finding(const Finding&) override {}
  void error(const ErrorEntry& e) override {
    std::string line = "sqltriage: " + e.code + ": " + e.artifact.path;
    if (e.artifact.offset) line += " at offset " + std::to_string(*e.artifact.offset);
    if (e.artifact.record) line += " record " + std::to_string(*e.artifact.record);
    line += ": ";
    // One line per error, whatever the message holds.
    for (char c : e.message) line.push_back(c == '\n' || c == '\r' ? ' ' : c);
    out_ << line << '\n';
    out_.flush();
  }
  void end(const RunStats&) override {}

 private:
  std::ostream& out_;
};

}  // namespace

std::unique_ptr<FindingSink> make_error_line_sink(std::ostream& out) {
  return std::make_unique<ErrorLineSink>(out);
}

}  // namespace sqltriage
