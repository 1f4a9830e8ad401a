#include "artifacts/hashsets/set_source.hpp"

namespace sqltriage::hashsets::detail {

std::string ProblemCount::text() const {
  if (count == 0) return {};
  return std::to_string(count) + (count == 1 ? " line" : " lines") +
         " not understood (first at line " + std::to_string(first_line) + ": " + first_reason + ")";
}

std::vector<std::pair<Algorithm, DigestBytes>> wanted_digests(const pe::Hashes& hashes) {
  std::vector<std::pair<Algorithm, DigestBytes>> out;
  for (const std::string* hex : {&hashes.sha256, &hashes.sha1, &hashes.md5}) {
    Algorithm a{};
    DigestBytes d{};
    if (parse_hex_digest(*hex, a, d)) out.emplace_back(a, d);
  }
  return out;
}

}  // namespace sqltriage::hashsets::detail
