// Builds one question's answer: cites findings (raising the answer's severity, capped where
// a finding says what could happen rather than what did), collects points, and caps their
// number so that a busy server gives a readable answer.
#pragma once

#include <algorithm>
#include <string>

#include "pipeline/investigate/context.hpp"

namespace sqltriage::investigation {

class AnswerBuilder {
 public:
  /// Points listed at most; the rest are counted in one last point.
  static constexpr std::size_t kMaxPoints = 25;

  AnswerBuilder(const Context& ctx, std::string id, std::string question) : ctx_(ctx) {
    q_.id = std::move(id);
    q_.question = std::move(question);
  }

  /// Cites a finding; its severity counts up to `cap`.
  void cite(std::size_t index, Severity cap = Severity::critical) {
    investigation::cite(q_.findings, index);
    q_.severity = std::max(q_.severity, std::min(ctx_.findings[index].severity, cap));
  }
  /// Adds a point (a readable line); beyond kMaxPoints only counted.
  void point(std::string line) {
    if (line.empty()) return;
    if (std::find(q_.points.begin(), q_.points.end(), line) != q_.points.end()) return;
    if (q_.points.size() < kMaxPoints) {
      q_.points.push_back(std::move(line));
    } else {
      ++more_;
    }
  }
  void missing(const std::string& what) {
    if (std::find(q_.missing.begin(), q_.missing.end(), what) == q_.missing.end())
      q_.missing.push_back(what);
  }
  void missing(const std::vector<std::string>& what) {
    for (const auto& w : what) missing(w);
  }

  void headline(std::string text) { q_.headline = std::move(text); }

  QuestionAnswer finish(Answer answer, std::string summary) {
    if (more_) q_.points.push_back("... and " + std::to_string(more_) + " more (see the cited findings)");
    q_.answer = answer;
    q_.summary = std::move(summary);
    return std::move(q_);
  }

  const Context& ctx() const { return ctx_; }

 private:
  const Context& ctx_;
  QuestionAnswer q_;
  std::size_t more_ = 0;
};

}  // namespace sqltriage::investigation
