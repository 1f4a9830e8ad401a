// The Stacker and ClientTracker over many requests, so their lookup tables grow several times:
// which client addresses a resource keeps (the first kMaxTrackedIps distinct ones, in arrival
// order), when it says it dropped some, and which resources and user agents a client keeps
// (the first kMaxTrackedResources).
//
// Oracle: a plain model written in the test (std::map and std::set, the first N distinct
// values in arrival order) fed the same generated requests.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sqltriage/weblog_analysis.hpp"
#include "support.hpp"

namespace {

namespace wl = sqltriage::weblog;

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

struct ModelStack {
  std::string resource;
  std::uint64_t requests = 0;
  std::set<std::string> ips;
  bool truncated = false;
};

struct ModelClient {
  std::uint64_t requests = 0;
  std::set<std::string> resources, agents;
};

}  // namespace

TEST_CASE("weblog Stacker and ClientTracker keep the first addresses, resources and agents",
          "[weblog]") {
  std::uint64_t x = 77;
  const auto next = [&](std::uint64_t n) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return (x >> 33) % n;
  };
  wl::Stacker stacker(true);
  wl::ClientTracker tracker(std::nullopt, std::nullopt);
  std::map<std::string, ModelStack> stacks;
  std::map<std::string, ModelClient> clients;

  for (int i = 0; i < 200000; ++i) {
    wl::Request r;
    // Skewed: low numbers come up far more often, so a few resources reach over 1,000
    // addresses and a few addresses over 200 resources.
    const std::uint64_t res = next(60) * next(60);
    const std::uint64_t ip = next(70) * next(70);
    r.uri_stem = "/App/Page" + std::to_string(res) + (next(5) == 0 ? ".ASPX" : ".aspx");
    if (next(50) != 0) {
      r.client_ip = ip % 7 == 0
                        ? "2001:db8::" + std::to_string(ip)
                        : "198.51." + std::to_string(ip / 250) + "." + std::to_string(ip % 250);
    }
    if (next(10) != 0) r.user_agent = "agent+" + std::to_string(next(40) * next(10));
    r.method = "GET";
    r.status = 200;
    stacker.add(r);
    tracker.add(r);

    ModelStack& s = stacks[lower(r.uri_stem)];
    if (s.requests++ == 0) s.resource = r.uri_stem;
    if (!r.client_ip.empty() && !s.ips.contains(r.client_ip)) {
      if (s.ips.size() < wl::kMaxTrackedIps) {
        s.ips.insert(r.client_ip);
      } else {
        s.truncated = true;
      }
    }
    if (r.client_ip.empty()) continue;
    ModelClient& c = clients[r.client_ip];
    ++c.requests;
    if (c.resources.size() < wl::kMaxTrackedResources) c.resources.insert(r.uri_stem);
    if (!r.user_agent.empty() && c.agents.size() < wl::kMaxTrackedResources)
      c.agents.insert(r.user_agent);
  }

  const auto got = stacker.rarest();
  REQUIRE(got.size() == stacks.size());
  std::size_t truncated = 0;
  for (const auto& s : got) {
    INFO(s.resource);
    const auto it = stacks.find(lower(s.resource));
    REQUIRE(it != stacks.end());
    CHECK(s.resource == it->second.resource);
    CHECK(s.requests == it->second.requests);
    CHECK(s.client_ip_count == it->second.ips.size());
    const auto listed = stacker.client_ips(s);
    CHECK(std::set<std::string>(listed.begin(), listed.end()) == it->second.ips);
    CHECK(std::is_sorted(listed.begin(), listed.end()));
    CHECK(s.client_ips_truncated == it->second.truncated);
    truncated += s.client_ips_truncated;
  }
  CHECK(truncated > 0);  // the cap was reached

  const auto seen = tracker.clients();
  REQUIRE(seen.size() == clients.size());
  std::size_t capped = 0;
  for (const auto& c : seen) {
    INFO(c.client_ip);
    const auto it = clients.find(c.client_ip);
    REQUIRE(it != clients.end());
    CHECK(c.requests == it->second.requests);
    CHECK(c.resources == it->second.resources);
    CHECK(c.user_agents == it->second.agents);
    capped += c.resources.size() == wl::kMaxTrackedResources;
  }
  CHECK(capped > 0);
  CHECK(capped < seen.size());
}
