// JSON forms of hash-set hits and VirusTotal reports (docs: the pe findings' data fields).
#include <ctime>

#include "sqltriage/hashsets.hpp"

namespace sqltriage::hashsets {

std::string_view to_string(Verdict v) {
  return v == Verdict::known_good ? "known-good" : "known-bad";
}

nlohmann::ordered_json to_json(const Hit& hit) {
  nlohmann::ordered_json j;
  j["Set"] = hit.set;
  j["SetPath"] = hit.set_path;
  j["Format"] = hit.format;
  j["Verdict"] = std::string(to_string(hit.verdict));
  j["Algorithm"] = hit.algorithm;
  j["Entry"] = hit.entry;
  return j;
}

namespace {
template <typename T>
nlohmann::ordered_json optional_json(const std::optional<T>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

/// "YYYY-MM-DDThh:mm:ssZ" for Unix seconds.
std::string iso8601(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return std::to_string(unix_seconds);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
}  // namespace

nlohmann::ordered_json to_json(const VtReport& r) {
  nlohmann::ordered_json j;
  j["MD5"] = r.md5;
  j["SHA1"] = r.sha1;
  j["SHA256"] = r.sha256;
  j["Malicious"] = optional_json(r.malicious);
  j["Engines"] = optional_json(r.engines);
  j["Names"] = r.names;
  j["OriginalFilename"] = optional_json(r.original_filename);
  j["CompanyName"] = optional_json(r.company_name);
  j["Product"] = optional_json(r.product);
  j["SignedVerified"] = optional_json(r.signed_verified);
  j["Signers"] = r.signers;
  j["FirstSubmissionDate"] = r.first_submission_date
                                 ? nlohmann::ordered_json(iso8601(*r.first_submission_date))
                                 : nlohmann::ordered_json(nullptr);
  j["Line"] = r.line;
  return j;
}

}  // namespace sqltriage::hashsets
