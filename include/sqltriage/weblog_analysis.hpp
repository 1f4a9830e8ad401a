// What the web logs say about the investigation: requests whose body could have carried a file
// of a given size (upload matching), every resource stacked by how many requests and client
// addresses reached it (rare resources, scripts answered 200 to POST), and each client address
// around the pivot. Pure accumulators fed one Request at a time (weblog.hpp), so they are
// tested without files and memory grows with distinct resources and addresses, not requests.
//
// Units: sizes in bytes; times are UTC FILETIMEs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
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

/// One resource (path without query; ASCII case-folded for IIS logs) as stacked.
struct ResourceStack {
  std::string resource;  ///< as first seen (original case)
  std::uint64_t requests = 0;
  std::set<std::string> client_ips;  ///< distinct, at most kMaxTrackedIps kept; empty not counted
  bool client_ips_truncated = false;
  std::map<std::string, std::uint64_t> methods;   ///< as logged; requests without one not counted
  std::map<int, std::uint64_t> statuses;          ///< requests without a status not counted
  std::optional<Filetime> first_seen, last_seen;  ///< earliest / latest time, whatever the order
  std::uint64_t post_200 = 0;                     ///< POST (any case) requests answered 200
};

inline constexpr std::size_t kMaxTrackedIps = 1000;

/// Stacks resources over any number of requests and files.
class Stacker {
 public:
  /// `case_insensitive`: fold resource names (IIS).
  explicit Stacker(bool case_insensitive);
  void add(const Request& r);
  /// Every resource, in order of fewest distinct client addresses, then fewest requests, then
  /// name.
  std::vector<ResourceStack> rarest() const;
  std::size_t resources() const;

 private:
  bool case_insensitive_;
  std::map<std::string, ResourceStack> stacks_;
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
  /// By first_seen, then address; addresses never seen with a time last.
  std::vector<ClientSummary> clients() const;

 private:
  std::optional<Filetime> since_, until_;
  std::map<std::string, ClientSummary> clients_;
};

}  // namespace sqltriage::weblog
