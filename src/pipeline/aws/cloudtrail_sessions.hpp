// Internal to the cloudtrail scan: who used each instance role session's credentials, and
// from where, folded over the calls (bounded: kMaxSessions sessions, kMaxValues addresses and
// user agents per session; past those, counts go on and `dropped` says how many values were
// not kept).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/aws_cloudtrail.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::aws {

inline constexpr std::size_t kMaxSessions = 10000;
inline constexpr std::size_t kMaxValues = 1000;

/// One instance role session: the instance id (the session name) under one role.
struct Session {
  std::string instance_id;
  std::string role_arn;
  std::string account_id;
  /// sourceIPAddress values that are IPv4/IPv6 addresses -> calls
  std::map<std::string, std::uint64_t> addresses;
  /// the other sourceIPAddress values (service names such as "AWS Internal", a wrong-typed
  /// value as written) -> calls
  std::map<std::string, std::uint64_t> source_names;
  std::map<std::string, std::uint64_t> user_agents;  ///< userAgent -> calls
  std::map<std::string, std::uint64_t> access_keys;  ///< accessKeyId -> calls
  std::uint64_t calls = 0;
  std::uint64_t dropped = 0;  ///< values not kept (over kMaxValues)
  /// calls whose address was not kept (addresses already held kMaxValues others)
  std::uint64_t address_calls_not_kept = 0;
  std::optional<Filetime> first, last;
  /// The file and record offset of the session's first call (earliest eventTime; the first
  /// read when no call has a time).
  std::string first_file;
  std::uint64_t first_offset = 0;
};

class Sessions {
 public:
  /// Counts `event` (read from the file `display`) when it was made with an instance role's
  /// credentials.
  void add(const CloudTrailEvent& event, const std::string& display);
  /// Folds another file's sessions in.
  void merge(Sessions&& other);
  /// Sessions not kept because kMaxSessions was reached (their calls are not counted).
  std::uint64_t sessions_dropped() const { return sessions_dropped_; }
  const std::map<std::string, Session>& all() const { return sessions_; }

 private:
  Session* slot(const std::string& instance, const std::string& role);
  std::map<std::string, Session> sessions_;  ///< key: instance id "\n" role ARN
  std::uint64_t sessions_dropped_ = 0;
};

/// The aws.credential_use finding of a session; `instance_ips` are the addresses the checks
/// compare with (listed in data so the reader sees what was known; when empty, the summary
/// says the theft check could not run).
Finding credential_use_finding(const Session& session,
                               const std::vector<std::string>& instance_ips);

}  // namespace sqltriage::aws
