// VtReports: JSON Lines of VirusTotal reports, indexed by hash; --vt-query.
#include <algorithm>
#include <cctype>
#include <functional>
#include <stdexcept>
#include <unordered_map>

#include "artifacts/hashsets/set_source.hpp"
#include "artifacts/hashsets/text_file.hpp"
#include "artifacts/hashsets/vt_report.hpp"
#include "sqltriage/hashsets.hpp"

namespace sqltriage::hashsets {

namespace {

/// Longest JSON line read; a v3 object with every engine's result is a few hundred KiB.
constexpr std::size_t kMaxVtLineBytes = 16 * 1024 * 1024;

std::string fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

struct VtReports::Impl {
  std::vector<VtReport> reports;
  std::unordered_map<std::string, std::size_t> by_hash;  // lower-case hex -> last report
  std::vector<Problem> problems;
};

VtReports::VtReports() : impl_(std::make_unique<Impl>()) {}
VtReports::~VtReports() = default;
VtReports::VtReports(VtReports&&) noexcept = default;
VtReports& VtReports::operator=(VtReports&&) noexcept = default;

void VtReports::add(const std::filesystem::path& path) {
  detail::TextFile f(path, path.string());
  detail::ProblemCount problems;
  std::string line;
  bool too_long = false;
  for (;;) {
    std::uint64_t number = f.line();
    if (!f.read_line(line, kMaxVtLineBytes, too_long)) break;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (too_long) {
      problems.note(number, "longer than " + std::to_string(kMaxVtLineBytes) + " bytes");
      continue;
    }
    auto value = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
      problems.note(number, "not valid JSON");
      continue;
    }
    VtReport report;
    std::string why;
    if (!detail::normalise_vt_report(value, report, why)) {
      problems.note(number, why);
      continue;
    }
    report.line = number;
    std::size_t index = impl_->reports.size();
    for (const std::string* h : {&report.md5, &report.sha1, &report.sha256})
      if (!h->empty()) impl_->by_hash[*h] = index;
    impl_->reports.push_back(std::move(report));
  }
  if (problems.count) impl_->problems.push_back({path.string(), problems.text()});
}

std::optional<VtReport> VtReports::lookup(const pe::Hashes& hashes) const {
  for (const std::string* h : {&hashes.sha256, &hashes.sha1, &hashes.md5}) {
    if (h->empty()) continue;
    auto it = impl_->by_hash.find(fold(*h));
    if (it != impl_->by_hash.end()) return impl_->reports[it->second];
  }
  return std::nullopt;
}

std::vector<VtReport> VtReports::query(std::string_view field, std::string_view value) const {
  std::string want = fold(value);
  std::function<bool(const VtReport&)> match;
  auto equal = [&](const std::optional<std::string>& s) { return s && fold(*s) == want; };
  if (field == "original-name") {
    match = [&](const VtReport& r) { return equal(r.original_filename); };
  } else if (field == "name") {
    match = [&](const VtReport& r) {
      return std::any_of(r.names.begin(), r.names.end(),
                         [&](const std::string& n) { return fold(n) == want; });
    };
  } else if (field == "company") {
    match = [&](const VtReport& r) {
      return r.company_name && fold(*r.company_name).find(want) != std::string::npos;
    };
  } else if (field == "sha256") {
    match = [&](const VtReport& r) { return r.sha256 == want; };
  } else if (field == "sha1") {
    match = [&](const VtReport& r) { return r.sha1 == want; };
  } else if (field == "md5") {
    match = [&](const VtReport& r) { return r.md5 == want; };
  } else {
    throw std::invalid_argument("unknown --vt-query field \"" + std::string(field) +
                                "\" (expected original-name, name, company, sha256, sha1 or md5)");
  }
  std::vector<VtReport> out;
  for (const auto& r : impl_->reports)
    if (match(r)) out.push_back(r);
  return out;
}

std::vector<Problem> VtReports::problems() const { return impl_->problems; }

std::size_t VtReports::size() const { return impl_->reports.size(); }

}  // namespace sqltriage::hashsets
