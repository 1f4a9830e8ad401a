// The findings model: severity names, recording check hits, and the readers' exception.
#include "sqltriage/finding.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "sqltriage/error.hpp"

namespace sqltriage {
namespace {

constexpr std::array<std::string_view, 5> kSeverityNames = {"info", "low", "medium", "high",
                                                            "critical"};

bool iequals_ascii(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

std::string artifact_error_text(const std::string& path, const std::string& message,
                                const std::optional<std::uint64_t>& offset) {
  std::string text = path + ": " + message;
  if (offset) text += " (offset " + std::to_string(*offset) + ")";
  return text;
}

}  // namespace

std::string_view to_string(Severity s) {
  const auto index = static_cast<std::size_t>(s);
  return index < kSeverityNames.size() ? kSeverityNames[index] : std::string_view("info");
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (std::size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (iequals_ascii(text, kSeverityNames[i])) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

void Finding::add_check(CheckHit hit) {
  severity = std::max(severity, hit.severity);
  for (const auto& technique : hit.attack) {
    if (std::find(attack.begin(), attack.end(), technique) == attack.end())
      attack.push_back(technique);
  }
  checks.push_back(std::move(hit));
}

ArtifactError::ArtifactError(std::string path, std::string message,
                             std::optional<std::uint64_t> offset)
    : std::runtime_error(artifact_error_text(path, message, offset)),
      path_(std::move(path)),
      detail_(std::move(message)),
      offset_(offset) {}

}  // namespace sqltriage
