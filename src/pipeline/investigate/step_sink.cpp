// The sink each scan of the investigation writes to.
#include "pipeline/investigate/step_sink.hpp"

namespace sqltriage::investigation {

namespace {

std::string error_key(const ErrorEntry& e) {
  return e.artifact.path + '\n' + e.code + '\n' + e.message + '\n' +
         std::to_string(e.artifact.offset.value_or(0)) + '\n' +
         std::to_string(e.artifact.record.value_or(0));
}

}  // namespace

std::string finding_key(const Finding& f) {
  std::string key = f.type + '\n' + f.artifact.path + '\n' +
                    std::to_string(f.artifact.record.value_or(0)) + '\n' +
                    std::to_string(f.artifact.offset.value_or(0));
  if (!f.artifact.record && !f.artifact.offset) key += '\n' + f.summary;
  return key;
}

StepSink::StepSink(Context& ctx, Keep keep, Kept kept)
    : ctx_(ctx), keep_(std::move(keep)), kept_(std::move(kept)) {}

void StepSink::finding(const Finding& f) {
  if (keep_ && !keep_(f)) return;
  if (!ctx_.seen_findings.insert(finding_key(f)).second) return;
  ctx_.findings.push_back(f);
  if (kept_) kept_(ctx_.findings.back(), ctx_.findings.size() - 1);
}

void StepSink::error(const ErrorEntry& e) {
  if (!ctx_.seen_errors.insert(error_key(e)).second) return;
  ctx_.errors.push_back(e);
}

void StepSink::end(const RunStats& stats) {
  ctx_.totals.files += stats.files;
  ctx_.totals.records += stats.records;
}

}  // namespace sqltriage::investigation
