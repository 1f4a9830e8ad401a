// UploadMatcher: requests whose recorded size could have carried a file (weblog_analysis.hpp).
#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage::weblog {

bool UploadMatcher::matches(const Request& r) const {
  if (!r.bytes_received) return false;
  const std::uint64_t got = *r.bytes_received;
  return got >= size && got - size <= slack;  // [size, size + slack] without overflow
}

}  // namespace sqltriage::weblog
