// Opening the evidence arguments of a run, for the scans that take them all first.
#include "pipeline/open_inputs.hpp"

#include "sqltriage/error.hpp"

namespace sqltriage::pipeline {

std::vector<std::unique_ptr<Evidence>> open_inputs(const std::vector<std::filesystem::path>& inputs,
                                                   const EvidenceOptions& options,
                                                   DocumentHeader& header,
                                                   std::vector<ErrorEntry>& errors) {
  std::vector<std::unique_ptr<Evidence>> evidence;
  for (const auto& input : inputs) {
    try {
      auto ev = open_evidence(input, options);
      header.evidence.push_back({input.string(), ev->kind(), ev->layout()});
      for (auto& e : ev->open_errors()) errors.push_back(std::move(e));
      evidence.push_back(std::move(ev));
    } catch (const EvidenceError& e) {
      header.evidence.push_back({input.string(), "unreadable", {}});
      errors.push_back(make_error(input.string(), "open_failed", e.detail()));
    }
  }
  return evidence;
}

}  // namespace sqltriage::pipeline
