// The sink each scan of the investigation writes to: it keeps the findings the step wants
// (in the context's list, once each), the errors (once each) and the totals.
#pragma once

#include <functional>
#include <string>
#include <unordered_set>

#include "pipeline/investigate/context.hpp"

namespace sqltriage::investigation {

class StepSink final : public FindingSink {
 public:
  /// What to do with a finding the scan emitted: keep it in the report, or not.
  using Keep = std::function<bool(const Finding&)>;
  /// Called with each kept finding and its index in ctx.findings.
  using Kept = std::function<void(const Finding&, std::size_t)>;

  StepSink(Context& ctx, Keep keep, Kept kept = {});

  void begin(const DocumentHeader& header) override {
    if (ctx_.on_begin) ctx_.on_begin(header);
  }
  void finding(const Finding& f) override;
  void error(const ErrorEntry& e) override;
  void end(const RunStats& stats) override;

 private:
  Context& ctx_;
  Keep keep_;
  Kept kept_;
};

/// The key under which a finding is kept once: type, artifact path, record and offset, and
/// for findings without a record the summary.
std::string finding_key(const Finding& f);

}  // namespace sqltriage::investigation
