// Stacker: every resource with its requests, client addresses, methods and statuses
// (weblog_analysis.hpp).
//
// Per request: one hash lookup of the folded resource (folded into a reused buffer), one of
// the client address (interned to a number) and one probe of the set of (resource, address)
// pairs. rarest() copies the counters only; client_ips() lists one resource's addresses, from
// the pairs grouped by resource once.
#include <algorithm>
#include <string>
#include <vector>

#include "core/ascii.hpp"
#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage::weblog {
namespace {

bool is_post(const std::string& method) {
  return method.size() == 4 && ascii_lower(method[0]) == 'p' && ascii_lower(method[1]) == 'o' &&
         ascii_lower(method[2]) == 's' && ascii_lower(method[3]) == 't';
}

void widen(std::optional<Filetime>& first, std::optional<Filetime>& last, Filetime t) {
  if (!first || t < *first) first = t;
  if (!last || t > *last) last = t;
}

}  // namespace

Stacker::Stacker(bool case_insensitive) : case_insensitive_(case_insensitive) {}

void Stacker::add(const Request& r) {
  by_slot_.reset();  // the pairs may change
  std::string_view key = r.uri_stem;
  if (case_insensitive_) {
    key_.assign(r.uri_stem);
    for (char& c : key_) c = ascii_lower(c);
    key = key_;
  }
  std::uint32_t slot = 0;
  if (slots_.size() < kMaxResources) {
    slot = keys_.id(key);
  } else if (const auto known = keys_.find(key)) {
    slot = *known;
  } else {
    ++untracked_;  // a new resource past the bound: counted, not stacked
    return;
  }
  if (slot == slots_.size()) {
    slots_.emplace_back();
    slots_.back().resource = r.uri_stem;
  }
  ResourceStack& s = slots_[slot];
  ++s.requests;
  if (!r.client_ip.empty()) {
    const std::uint32_t ip = ips_.id(r.client_ip);
    if (!seen_.contains(slot, ip)) {
      if (s.client_ip_count < kMaxTrackedIps) {
        seen_.insert(slot, ip);
        ++s.client_ip_count;
      } else {
        s.client_ips_truncated = true;
      }
    }
  }
  if (!r.method.empty()) ++s.methods[r.method];
  if (r.status) ++s.statuses[*r.status];
  if (r.time) widen(s.first_seen, s.last_seen, *r.time);
  if (r.status == 200 && is_post(r.method)) ++s.post_200;
}

std::vector<ResourceStack> Stacker::rarest() const {
  std::vector<ResourceStack> out(slots_.begin(), slots_.end());
  // Resources are distinct, so the order is total: no tie is left to the input order.
  std::sort(out.begin(), out.end(), [](const ResourceStack& a, const ResourceStack& b) {
    if (a.client_ip_count != b.client_ip_count) return a.client_ip_count < b.client_ip_count;
    if (a.requests != b.requests) return a.requests < b.requests;
    return a.resource < b.resource;
  });
  return out;
}

std::vector<std::string> Stacker::client_ips(const ResourceStack& stack) const {
  std::string_view key = stack.resource;
  std::string folded;
  if (case_insensitive_) {
    folded = stack.resource;
    for (char& c : folded) c = ascii_lower(c);
    key = folded;
  }
  const auto slot = keys_.find(key);
  if (!slot) return {};
  if (!by_slot_) by_slot_ = seen_.by_group(slots_.size());
  return detail::sorted_names(*by_slot_, *slot, ips_);
}

std::size_t Stacker::resources() const { return slots_.size(); }

}  // namespace sqltriage::weblog
