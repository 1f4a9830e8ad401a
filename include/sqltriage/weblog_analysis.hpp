// What the web logs say about the investigation: requests whose body could have carried a file
// of a given size (upload matching), every resource stacked by how many requests and client
// addresses reached it (rare resources, scripts answered 200 to POST), and each client address
// around the pivot. Pure accumulators fed one Request at a time (weblog.hpp), so they are
// tested without files. Memory grows with the distinct resources, addresses and user agents and
// with the (resource, address) and (client, name) pairs kept (at most kMaxTrackedIps and
// kMaxTrackedResources a group), 16 to 32 bytes a pair, not with requests.
//
// Units: sizes in bytes; times are UTC FILETIMEs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/filetime.hpp"
#include "sqltriage/weblog.hpp"

namespace sqltriage::weblog {

/// --noise FILE: addresses and networks to leave out of the stacks.
class NoiseFilter {
 public:
  /// Reads one address or CIDR per line ("203.0.113.7", "198.51.100.0/24", "2001:db8::/32";
  /// '#' comments and blank lines skipped), or a CSV with a header that has an "ip" column
  /// (case-insensitive; a GreyNoise export) and optionally a "classification" column, which is
  /// kept as the label. The CSV is RFC 4180 (quoted fields may hold commas, "" and line ends);
  /// a list line may end in a "# comment". Host bits past a prefix are ignored
  /// ("198.51.100.7/24" is 198.51.100.0/24); ::ffff:a.b.c.d/n (n >= 96) is the IPv4 network
  /// a.b.c.d/(n - 96). Throws std::invalid_argument "<display> line N: ..." for an entry that
  /// is not an address or network (zones such as "%eth0" included), a CSV row without the ip
  /// column or a quoted field never closed.
  static NoiseFilter parse(const std::string& text, const std::string& display);

  /// Command-line values (--source-ip, --vpc-cidr), each one address or CIDR block as parse()
  /// reads them. Throws std::invalid_argument "<option> <value>: not an IPv4 or IPv6 address or
  /// CIDR block" for any other value (one holding a comment, comma or line end included).
  static NoiseFilter from_values(const std::vector<std::string>& values, const std::string& option);

  /// The label of the entry that covers `address` ("noise" when the list has none), or
  /// std::nullopt when no entry covers it (or `address` is not an address). The most specific
  /// entry (longest prefix) wins, the first in the list among equal ones. `address` may be
  /// "[...]"-bracketed or carry a "%zone"; ::ffff:a.b.c.d is matched as a.b.c.d. One binary
  /// search per prefix length: O(33 or 129 x log entries).
  std::optional<std::string> match(const std::string& address) const;

  /// Entries read (duplicates included).
  std::size_t size() const;

 private:
  struct Net {
    std::vector<std::uint8_t> bytes;  ///< 4 or 16
    unsigned prefix = 0;
    std::string label;
  };
  std::vector<Net> nets_;  ///< masked to prefix; sorted by (bytes length, bytes, prefix)
};

/// --size / --slack: requests whose request size lies in [size, size + slack].
struct UploadMatcher {
  std::uint64_t size = 0;
  std::uint64_t slack = 64 * 1024;
  /// Whether `r` could have carried the file: it records a request size (bytes_received) in
  /// the range. Never matches a request without bytes_received. No overflow near UINT64_MAX.
  bool matches(const Request& r) const;
};

/// One resource (path without query; ASCII case-folded for IIS logs) as stacked: its counts
/// only. The client addresses themselves are listed by Stacker::client_ips(), for the resources
/// a caller reports, so handing out every resource costs memory per resource, not per address.
struct ResourceStack {
  std::string resource;  ///< as first seen (original case)
  std::uint64_t requests = 0;
  /// Distinct non-empty client addresses: exact up to kMaxTrackedIps, then kMaxTrackedIps
  /// (the first ones seen are kept) with client_ips_truncated set.
  std::size_t client_ip_count = 0;
  bool client_ips_truncated = false;  ///< more than kMaxTrackedIps distinct addresses seen
  std::map<std::string, std::uint64_t> methods;   ///< as logged; requests without one not counted
  std::map<int, std::uint64_t> statuses;          ///< requests without a status not counted
  std::optional<Filetime> first_seen, last_seen;  ///< earliest / latest time, whatever the order
  std::uint64_t post_200 = 0;                     ///< POST (any case) requests answered 200
};

inline constexpr std::size_t kMaxTrackedIps = 1000;

/// Resources one Stacker stacks, and addresses one ClientTracker summarises: past these, a
/// request of a new resource or address is counted (untracked()) but not kept, so a scan of
/// millions of random paths or a flood from millions of addresses cannot exhaust memory.
inline constexpr std::size_t kMaxResources = 250000;
inline constexpr std::size_t kMaxClients = 250000;

namespace detail {
/// Strings numbered 0, 1, 2, ... in the order first seen: an open-addressing table (at most
/// half full) of (hash tag, number) words over the strings kept in order.
class Interner {
 public:
  /// The number of `s`, the next one when it is new.
  std::uint32_t id(std::string_view s);
  /// The number of `s`, or std::nullopt when it was never given to id().
  std::optional<std::uint32_t> find(std::string_view s) const;
  const std::string& name(std::uint32_t id) const { return names_[id]; }
  std::size_t size() const { return names_.size(); }

 private:
  std::vector<std::string> names_;
  std::vector<std::uint64_t> table_;  ///< (hash >> 32) << 32 | (id + 1); 0 is a free cell
};

/// A set of (group, id) pairs of 32-bit numbers: open addressing over one 64-bit word a pair,
/// at most half full, so a lookup is one or two probes of one array.
class PairSet {
 public:
  bool contains(std::uint32_t group, std::uint32_t id) const;
  /// Adds the pair; false when it was there already.
  bool insert(std::uint32_t group, std::uint32_t id);
  std::size_t size() const { return count_; }
  /// The pairs grouped: the ids of group g are ids[start[g] .. start[g + 1]), in no order.
  /// Pairs of groups >= the `groups` given are left out. 4 bytes a pair and 8 a group.
  struct Groups {
    std::vector<std::size_t> start;  ///< groups + 1 entries
    std::vector<std::uint32_t> ids;
  };
  /// One counting pass over the table and one filling pass.
  Groups by_group(std::size_t groups) const;

 private:
  std::vector<std::uint64_t> table_;  ///< (group << 32 | id) + 1; 0 is a free cell
  std::size_t count_ = 0;
};
/// The names of group `g`'s ids in `groups`, in byte order (std::string's <): an empty list
/// for a group past the end.
std::vector<std::string> sorted_names(const PairSet::Groups& groups, std::size_t g,
                                      const Interner& names);
}  // namespace detail

/// Stacks resources over any number of requests and files.
class Stacker {
 public:
  /// `case_insensitive`: fold resource names (IIS).
  explicit Stacker(bool case_insensitive);
  void add(const Request& r);
  /// Requests of resources not stacked because kMaxResources were stacked already.
  std::uint64_t untracked() const { return untracked_; }
  /// Every resource with its counts (no addresses), in order of fewest distinct client
  /// addresses (client_ip_count), then fewest requests, then name. O(resources log resources).
  std::vector<ResourceStack> rarest() const;
  /// The client addresses kept for `stack` (one of rarest()'s, found by its resource name) in
  /// byte order: client_ip_count of them. Empty for a resource this Stacker never saw. The
  /// first call after add() groups the kept (resource, address) pairs by resource once (4
  /// bytes a pair, kept until the next add()); each call then sorts its own addresses only.
  /// Not safe to call concurrently on one Stacker.
  std::vector<std::string> client_ips(const ResourceStack& stack) const;
  std::size_t resources() const;

 private:
  /// One resource: its counters (client_ip_count is the number of its pairs in seen_).
  using Slot = ResourceStack;

  bool case_insensitive_;
  std::uint64_t untracked_ = 0;
  std::string key_;          ///< the folded resource being added (reused)
  detail::Interner keys_;    ///< resource keys; a key's id is its slot
  std::vector<Slot> slots_;  ///< in first-seen order
  detail::Interner ips_;     ///< client addresses
  detail::PairSet seen_;     ///< (slot, address id) pairs kept
  mutable std::optional<detail::PairSet::Groups> by_slot_;  ///< seen_ grouped, for client_ips()
};

/// One client address as seen in the logs.
struct ClientSummary {
  std::string client_ip;
  std::string address_class;  ///< checks::classify_ip: "private", "loopback", "public", ...
  std::optional<Filetime> first_seen, last_seen;
  std::uint64_t requests = 0;
  std::set<std::string> resources;    ///< uri_stem as logged, at most kMaxTrackedResources kept
  std::set<std::string> user_agents;  ///< non-empty, at most kMaxTrackedResources kept
  std::map<int, std::uint64_t> statuses;
};

inline constexpr std::size_t kMaxTrackedResources = 200;

/// Summarises client addresses over the requests inside [since, until] (each optional, both
/// inclusive). With either bound set, a request without a time is outside the window; a request
/// without a client address is never summarised.
class ClientTracker {
 public:
  ClientTracker(std::optional<Filetime> since, std::optional<Filetime> until);
  void add(const Request& r);
  /// Requests (inside the window) of addresses not summarised because kMaxClients were
  /// summarised already.
  std::uint64_t untracked() const { return untracked_; }
  /// By first_seen, then address; addresses never seen with a time last.
  std::vector<ClientSummary> clients() const;
  /// Calls `visit` with each of clients()' summaries in the same order, one at a time: a
  /// client's resource and user agent sets exist only while it is visited, so the memory
  /// beyond the tables is 4 bytes a kept (client, name) pair and one client's sets.
  void for_each_client(const std::function<void(ClientSummary&&)>& visit) const;

 private:
  /// One address: resources and user_agents left empty until it is visited (they are the
  /// pairs in resources_ and agents_).
  struct Client {
    ClientSummary summary;
    std::size_t resources = 0, agents = 0;  ///< kept, at most kMaxTrackedResources each
  };

  std::optional<Filetime> since_, until_;
  std::uint64_t untracked_ = 0;
  detail::Interner addresses_;  ///< an address's id is its place in clients_
  std::vector<Client> clients_;
  detail::Interner resource_names_, agent_names_;
  detail::PairSet resources_, agents_;  ///< (client, resource / user agent id) pairs kept
};

}  // namespace sqltriage::weblog
