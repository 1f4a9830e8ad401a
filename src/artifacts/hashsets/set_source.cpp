#include "artifacts/hashsets/set_source.hpp"

#include "sqltriage/error.hpp"

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

std::optional<SetMatch> FileBackedSet::find(const pe::Hashes& hashes) const {
  for (const auto& [algorithm, digest] : wanted_digests(hashes)) {
    auto where = table_.find(algorithm, digest);
    if (!where) continue;
    SetMatch m{algorithm};
    try {
      TextFile f(path_, display_);
      f.seek(*where);
      if (!read_entry(f, algorithm, digest, m.entry)) {
        m.entry = nlohmann::ordered_json::object();
        m.entry["EntryUnavailable"] =
            "the " + std::string(format()) + " changed since it was loaded";
      }
    } catch (const ArtifactError& e) {
      m.entry = nlohmann::ordered_json::object();
      m.entry["EntryUnavailable"] = e.what();
    }
    return m;
  }
  return std::nullopt;
}

std::vector<std::string> FileBackedSet::notes() const {
  if (problems_.count == 0) return {};
  return {problems_.text()};
}

}  // namespace sqltriage::hashsets::detail
