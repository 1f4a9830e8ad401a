// Checks on what an executable is (see docs/checks.md): masquerading as a well-known or a
// Microsoft binary, signatures that do not hold, hash-set and VirusTotal hits.
#include <string>

#include "checks/evtx_parts.hpp"
#include "checks/windows_path.hpp"
#include "sqltriage/checks.hpp"
#include "sqltriage/known_binaries.hpp"

namespace sqltriage::checks {
namespace {

constexpr const char* kMasquerade = "T1036.005";
constexpr const char* kCodeSigning = "T1553.002";

using Json = nlohmann::ordered_json;
using detail::to_lower;

std::string text_at(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

bool flag_at(const Json& object, const char* key) {
  if (!object.is_object()) return false;
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

bool contains_nocase(std::string_view haystack, std::string_view needle) {
  return to_lower(haystack).find(to_lower(needle)) != std::string::npos;
}

/// A drive-letter path: the folder of a file found inside evidence can be judged; a host
/// path of a copied-out file cannot.
bool is_windows_path(std::string_view p) {
  return p.size() >= 3 && std::isalpha(static_cast<unsigned char>(p[0])) && p[1] == ':' &&
         (p[2] == '\\' || p[2] == '/');
}

/// "sqlservr.exe" from "SQLSERVR.EXE.MUI"; ".mui" is how resource-only satellites name the
/// binary they belong to.
std::string original_name(std::string_view value) {
  std::string out = to_lower(basename(value));
  if (out.size() > 4 && out.ends_with(".mui")) out.resize(out.size() - 4);
  return out;
}

std::string stem(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

/// Every signature the file has: embedded ones and those of catalogs listing it.
std::vector<const Json*> signatures(const Json& authenticode) {
  std::vector<const Json*> out;
  if (!authenticode.is_object()) return out;
  if (auto it = authenticode.find("Signatures"); it != authenticode.end() && it->is_array())
    for (const auto& s : *it) out.push_back(&s);
  if (auto it = authenticode.find("Catalogs"); it != authenticode.end() && it->is_array())
    for (const auto& c : *it)
      if (auto s = c.find("Signature"); s != c.end()) out.push_back(&*s);
  return out;
}

bool signed_by_microsoft(const Json& signature) {
  if (!signature.is_object()) return false;
  const auto signer = signature.find("Signer");
  if (signer == signature.end() || !signer->is_object()) return false;
  const auto subject = text_at(*signer, "Subject");
  return contains_nocase(subject, "O=Microsoft Corporation") ||
         contains_nocase(text_at(*signer, "SubjectCN"), "Microsoft");
}

std::string signer_cn(const Json& signature) {
  const auto signer = signature.find("Signer");
  return signer != signature.end() ? text_at(*signer, "SubjectCN") : std::string{};
}

void check_original_name(Finding& f, const std::string& path, const std::string& original) {
  if (original.empty()) return;
  const std::string on_disk = to_lower(basename(path));
  const std::string want = original_name(original);
  if (on_disk == want) return;
  // "sqlservr" as OriginalFilename: compare without the extension.
  if (want.find('.') == std::string::npos && stem(on_disk) == want) return;
  std::string reason = "File " + path + " has OriginalFilename " + original +
                       " in its version info but is named " + std::string(basename(path));
  if (const auto* known = find_known_binary(want))
    reason += "; " + known->name + " is " + known->description;
  f.add_check({"original_name_mismatch", Severity::medium, {kMasquerade}, reason + "."});
}

void check_microsoft_claim(Finding& f, const std::string& path, const Json& version,
                           const Json& authenticode) {
  const auto company = text_at(version, "CompanyName");
  const auto product = text_at(version, "ProductName");
  const bool claims =
      contains_nocase(company, "Microsoft") || contains_nocase(product, "Microsoft");
  if (!claims) return;
  const std::string claim = contains_nocase(company, "Microsoft")
                                ? "CompanyName \"" + company + "\""
                                : "ProductName \"" + product + "\"";
  bool verified_ms = false, trusted_ms = false;
  std::string detail;
  for (const auto* s : signatures(authenticode)) {
    if (!flag_at(*s, "Verified") || !signed_by_microsoft(*s)) continue;
    verified_ms = true;
    trusted_ms = trusted_ms || flag_at(*s, "Trusted");
    if (detail.empty()) detail = text_at(*s, "TrustDetail");
  }
  if (!verified_ms) {
    f.add_check({"microsoft_claim_unsigned",
                 Severity::high,
                 {kMasquerade},
                 "File " + path + " claims " + claim +
                     " but carries no verified Microsoft signature (embedded or by catalog)."});
  } else if (!trusted_ms) {
    // With the evidence's own root stores among the trust sources, a Microsoft-named
    // signer that reaches none of them is a forgery; without them it cannot be judged.
    bool windows_roots = false;
    if (auto it = authenticode.find("TrustSources"); it != authenticode.end() && it->is_array())
      for (const auto& src : *it)
        windows_roots = windows_roots || (text_at(src, "Source").starts_with("registry ") &&
                                          src.value("Certificates", 0) > 0);
    f.add_check({"microsoft_signature_untrusted",
                 windows_roots ? Severity::high : Severity::low,
                 windows_roots ? std::vector<std::string>{kMasquerade, kCodeSigning}
                               : std::vector<std::string>{},
                 "File " + path + " claims " + claim +
                     " and has a verified signature naming Microsoft whose chain reaches no "
                     "trusted root" +
                     std::string(windows_roots ? " of the evidence's own root stores" : "") +
                     (detail.empty() ? std::string(".") : ": " + detail + ".")});
  }
}

void check_known_binary_signer(Finding& f, const std::string& path, const std::string& original,
                               const Json& authenticode) {
  const auto* known = find_known_binary(basename(path));
  if (known == nullptr && !original.empty()) known = find_known_binary(original_name(original));
  if (known == nullptr || known->signer.empty()) return;
  const auto sigs = signatures(authenticode);
  std::vector<std::string> verified_signers;
  for (const auto* s : sigs) {
    if (!flag_at(*s, "Verified")) continue;
    const auto cn = signer_cn(*s);
    if (iequals(cn, known->signer) ||
        (signed_by_microsoft(*s) && contains_nocase(known->signer, "Microsoft")))
      return;
    verified_signers.push_back(cn);
  }
  if (!verified_signers.empty()) {
    std::string who;
    for (const auto& s : verified_signers) who += (who.empty() ? "" : ", ") + s;
    f.add_check({"known_binary_wrong_signer",
                 Severity::high,
                 {kMasquerade},
                 "File " + path + " is or claims to be " + known->name + " (" + known->description +
                     "), which " + known->signer + " signs, but is signed by " + who + "."});
    return;
  }
  // Windows signs most of its own files through catalogs: "unsigned" means something only
  // when the catalogs were there to search.
  if (flag_at(authenticode, "CatalogsSearched")) {
    f.add_check({"known_binary_unsigned",
                 Severity::high,
                 {kMasquerade},
                 "File " + path + " is or claims to be " + known->name + " (" + known->description +
                     ") but has no verified signature, embedded or in the evidence's catalogs."});
  }
}

void check_signature_integrity(Finding& f, const std::string& path, const Json& authenticode) {
  if (!authenticode.is_object()) return;
  const auto it = authenticode.find("Signatures");
  if (it == authenticode.end() || !it->is_array()) return;
  for (const auto& s : *it) {
    if (flag_at(s, "Verified")) continue;
    std::string why = !flag_at(s, "DigestMatches")
                          ? "the signed digest differs from the file's image hash (changed "
                            "after signing)"
                          : "the signature itself does not check out";
    f.add_check({"signature_invalid",
                 Severity::high,
                 {kCodeSigning},
                 "File " + path + ": Authenticode signature " +
                     std::to_string(s.value("Entry", 0)) + " does not verify: " + why + "."});
    return;
  }
}

void check_time_date_stamp(Finding& f, const std::string& path, const Json& pe,
                           const Json& authenticode, Filetime now) {
  if (!pe.is_object() || !pe.contains("TimeDateStampRaw")) return;
  const auto raw = pe["TimeDateStampRaw"].get<std::int64_t>();
  // Microsoft's reproducible builds store a hash there, not a time.
  for (const auto* s : signatures(authenticode))
    if (flag_at(*s, "Verified") && signed_by_microsoft(*s)) return;
  const std::int64_t now_s = filetime_to_unix_seconds(now);
  if (raw == 0) {
    f.add_check({"timedatestamp_zeroed",
                 Severity::low,
                 {},
                 "File " + path + " has a TimeDateStamp of 0 (the link time was erased)."});
  } else if (raw > now_s + 86400) {
    f.add_check({"timedatestamp_future",
                 Severity::low,
                 {},
                 "File " + path + " has a TimeDateStamp in the future (" +
                     text_at(pe, "TimeDateStamp") + "): forged or not a time."});
  }
}

void check_hash_sets(Finding& f, const std::string& path, const Json& hits) {
  if (!hits.is_array()) return;
  for (const auto& h : hits) {
    if (text_at(h, "Verdict") != "known-bad") continue;
    std::string what;
    if (auto e = h.find("Entry"); e != h.end() && e->is_object()) {
      for (const char* key : {"signature", "Signature", "Comment", "FileName", "file_name"})
        if (auto v = text_at(*e, key); !v.empty()) {
          what = " (" + v + ")";
          break;
        }
    }
    f.add_check({"hashset_known_bad",
                 Severity::critical,
                 {},
                 "File " + path + ": its " + text_at(h, "Algorithm") + " is in the known-bad set " +
                     text_at(h, "Set") + what + "."});
  }
}

void check_virustotal(Finding& f, const std::string& path, const Json& vt) {
  if (!vt.is_object() || !vt.contains("Malicious") || !vt["Malicious"].is_number()) return;
  const int malicious = vt["Malicious"].get<int>();
  if (malicious <= 0) return;
  std::string of;
  if (vt.contains("Engines") && vt["Engines"].is_number())
    of = " of " + std::to_string(vt["Engines"].get<int>());
  f.add_check({"virustotal_detections",
               malicious >= 3 ? Severity::high : Severity::medium,
               {},
               "File " + path + ": " + std::to_string(malicious) + of +
                   " engines flagged it in the VirusTotal report given."});
}

}  // namespace

void apply_pe_checks(Finding& f, Filetime now) {
  const auto& d = f.data;
  const std::string path = text_at(d, "Path");
  if (path.empty()) return;
  const Json empty = Json::object();
  const Json& version = d.contains("VersionInfo") ? d["VersionInfo"] : empty;
  const Json& authenticode = d.contains("Authenticode") ? d["Authenticode"] : empty;
  const Json& pe = d.contains("PE") ? d["PE"] : empty;
  const std::string original = text_at(version, "OriginalFilename");

  detail::FileSubject subject{detail::FileSubject::Kind::file_on_disk, path, {}};
  detail::check_lookalike_name(f, subject);
  if (is_windows_path(path)) detail::check_known_name_wrong_folder(f, subject);
  if (pe.is_object() && !pe.empty()) {
    check_original_name(f, path, original);
    check_microsoft_claim(f, path, version, authenticode);
    check_known_binary_signer(f, path, original, authenticode);
    check_signature_integrity(f, path, authenticode);
    check_time_date_stamp(f, path, pe, authenticode, now);
  }
  if (d.contains("HashSets")) check_hash_sets(f, path, d["HashSets"]);
  if (d.contains("VirusTotal")) check_virustotal(f, path, d["VirusTotal"]);
}

}  // namespace sqltriage::checks
