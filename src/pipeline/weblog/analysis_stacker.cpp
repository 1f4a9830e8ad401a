// Stacker: every resource with its requests, client addresses, methods and statuses
// (weblog_analysis.hpp).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/ascii.hpp"
#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage::weblog {
namespace {

bool is_post(const std::string& method) {
  return method.size() == 4 && ascii_lower(method) == "post";
}

void widen(std::optional<Filetime>& first, std::optional<Filetime>& last, Filetime t) {
  if (!first || t < *first) first = t;
  if (!last || t > *last) last = t;
}

}  // namespace

Stacker::Stacker(bool case_insensitive) : case_insensitive_(case_insensitive) {}

void Stacker::add(const Request& r) {
  auto [it, inserted] =
      stacks_.try_emplace(case_insensitive_ ? ascii_lower(r.uri_stem) : r.uri_stem);
  ResourceStack& s = it->second;
  if (inserted) s.resource = r.uri_stem;
  ++s.requests;
  if (!r.client_ip.empty() && !s.client_ips.contains(r.client_ip)) {
    if (s.client_ips.size() < kMaxTrackedIps) {
      s.client_ips.insert(r.client_ip);
    } else {
      s.client_ips_truncated = true;
    }
  }
  if (!r.method.empty()) ++s.methods[r.method];
  if (r.status) ++s.statuses[*r.status];
  if (r.time) widen(s.first_seen, s.last_seen, *r.time);
  if (r.status == 200 && is_post(r.method)) ++s.post_200;
}

std::vector<ResourceStack> Stacker::rarest() const {
  std::vector<ResourceStack> out;
  out.reserve(stacks_.size());
  for (const auto& [key, stack] : stacks_) out.push_back(stack);
  std::stable_sort(out.begin(), out.end(), [](const ResourceStack& a, const ResourceStack& b) {
    if (a.client_ips.size() != b.client_ips.size()) {
      return a.client_ips.size() < b.client_ips.size();
    }
    if (a.requests != b.requests) return a.requests < b.requests;
    return a.resource < b.resource;
  });
  return out;
}

std::size_t Stacker::resources() const { return stacks_.size(); }

}  // namespace sqltriage::weblog
