// VirusTotal report shapes (VirusTotal API v2 "file/report" and API v3 file objects):
// v3: attributes.{md5, sha1, sha256, names, last_analysis_stats, signature_info,
//     exiftool, first_submission_date (Unix seconds)}; v2: md5, sha1, sha256, positives,
//     total, submission_names, first_seen ("YYYY-MM-DD hh:mm:ss", UTC),
//     additional_info.{sigcheck, exiftool}. sigcheck and signature_info share their keys
//     ("original name", product, verified, signers, copyright, description).
#include "artifacts/hashsets/vt_report.hpp"

#include <cctype>

#include "artifacts/hashsets/digest.hpp"
#include "sqltriage/filetime.hpp"

namespace sqltriage::hashsets::detail {

namespace {

using json = nlohmann::json;

const json* member(const json* obj, const char* key) {
  if (!obj || !obj->is_object()) return nullptr;
  auto it = obj->find(key);
  return it == obj->end() ? nullptr : &*it;
}

std::optional<std::string> text(const json* obj, const char* key) {
  const json* v = member(obj, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<std::int64_t> integer(const json* obj, const char* key) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_unsigned() && v->get<std::uint64_t>() <= INT64_MAX)
    return static_cast<std::int64_t>(v->get<std::uint64_t>());
  return std::nullopt;
}

std::optional<int> small_int(const json* obj, const char* key) {
  auto v = integer(obj, key);
  if (!v || *v < 0 || *v > 1000000) return std::nullopt;
  return static_cast<int>(*v);
}

std::vector<std::string> strings(const json* obj, const char* key) {
  std::vector<std::string> out;
  const json* v = member(obj, key);
  if (!v || !v->is_array()) return out;
  for (const auto& e : *v)
    if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

template <typename T>
void fill(std::optional<T>& field, std::optional<T> value) {
  if (!field && value) field = std::move(value);
}

/// Lower-cased hash; false when present but not `digits` hex digits.
bool take_hash(const json* obj, const char* key, std::size_t digits, std::string& out,
               std::string& why) {
  auto v = text(obj, key);
  if (!v || v->empty()) return true;
  Algorithm a{};
  DigestBytes d{};
  if (v->size() != digits || !parse_hex_digest(*v, a, d)) {
    why = std::string(key) + " is not " + std::to_string(digits) + " hex digits";
    return false;
  }
  out = to_hex(d.data(), digits / 2);
  return true;
}

/// sigcheck (v2) and signature_info (v3) share their keys.
void signature_fields(const json* sig, VtReport& out) {
  if (!sig || !sig->is_object()) return;
  fill(out.original_filename, text(sig, "original name"));
  fill(out.product, text(sig, "product"));
  if (auto verified = text(sig, "verified")) out.signed_verified = *verified == "Signed";
  if (auto signers = text(sig, "signers")) out.signers = *signers;
}

void exiftool_fields(const json* exif, VtReport& out) {
  fill(out.original_filename, text(exif, "OriginalFileName"));
  fill(out.original_filename, text(exif, "OriginalFilename"));
  fill(out.product, text(exif, "ProductName"));
}

std::optional<std::string> company(const json* exif, const json* sig) {
  if (auto c = text(exif, "CompanyName")) return c;
  return text(sig, "copyright");
}

}  // namespace

bool normalise_vt_report(const json& value, VtReport& out, std::string& why) {
  out = VtReport{};
  if (!value.is_object()) {
    why = "not a JSON object";
    return false;
  }
  const json* obj = &value;
  if (const json* data = member(obj, "data"); data && data->is_object()) obj = data;
  const json* attributes = member(obj, "attributes");
  const json* hashes = nullptr;
  if (attributes && attributes->is_object()) {  // API v3
    hashes = attributes;
    const json* stats = member(attributes, "last_analysis_stats");
    out.malicious = small_int(stats, "malicious");
    if (stats && stats->is_object()) {
      int engines = 0;
      bool any = false;
      for (const char* k : {"harmless", "malicious", "suspicious", "undetected"})
        if (auto n = small_int(stats, k)) {
          engines += *n;
          any = true;
        }
      if (any) out.engines = engines;
    }
    out.names = strings(attributes, "names");
    const json* sig = member(attributes, "signature_info");
    const json* exif = member(attributes, "exiftool");
    signature_fields(sig, out);
    exiftool_fields(exif, out);
    out.company_name = company(exif, sig);
    out.first_submission_date = integer(attributes, "first_submission_date");
  } else if (member(obj, "md5") || member(obj, "sha256") || member(obj, "sha1") ||
             member(obj, "positives") || member(obj, "additional_info")) {  // API v2
    hashes = obj;
    out.malicious = small_int(obj, "positives");
    out.engines = small_int(obj, "total");
    out.names = strings(obj, "submission_names");
    const json* info = member(obj, "additional_info");
    const json* sig = member(info, "sigcheck");
    const json* exif = member(info, "exiftool");
    signature_fields(sig, out);
    exiftool_fields(exif, out);
    out.company_name = company(exif, sig);
    if (auto seen = text(obj, "first_seen"))
      if (auto ft = parse_iso8601(*seen)) out.first_submission_date = filetime_to_unix_seconds(*ft);
  } else {
    why = "neither a VirusTotal v3 file object nor a v2 file report";
    return false;
  }
  if (!take_hash(hashes, "md5", 32, out.md5, why) ||
      !take_hash(hashes, "sha1", 40, out.sha1, why) ||
      !take_hash(hashes, "sha256", 64, out.sha256, why))
    return false;
  if (out.sha256.empty() && attributes) {  // v3: the object's id is its SHA-256
    if (!take_hash(obj, "id", 64, out.sha256, why)) return false;
  }
  if (out.md5.empty() && out.sha1.empty() && out.sha256.empty()) {
    why = "no md5, sha1 or sha256";
    return false;
  }
  return true;
}

}  // namespace sqltriage::hashsets::detail
