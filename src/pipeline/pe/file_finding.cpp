// One file's `pe.file` finding: the parts of the pe subcommand put together.
#include "pipeline/pe/file_finding.hpp"

#include <system_error>

#include "sqltriage/checks.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/pe.hpp"

namespace sqltriage::pipeline::pe_scan {
namespace {

using Json = nlohmann::ordered_json;

/// "PE32+ AMD64 WINDOWS_CUI" / "PE32 I386 DLL" / ".NET PE32 ..."
std::string describe_pe(const pe::Info& info) {
  std::string out = info.is_dotnet ? ".NET " : "";
  out += info.pe32_plus ? "PE32+ " : "PE32 ";
  out += pe::machine_name(info.machine);
  out += info.is_dll ? " DLL" : " " + pe::subsystem_name(info.subsystem);
  return out;
}

Json authenticode_json(const std::vector<authenticode::Signature>& sigs,
                       const std::vector<authenticode::CatalogMatch>& catalogs,
                       bool catalogs_searched, const authenticode::TrustStore& trust) {
  Json a = Json::object();
  bool verified = false, trusted = false;
  for (const auto& s : sigs) {
    verified = verified || s.verified;
    trusted = trusted || (s.verified && s.trusted);
  }
  for (const auto& c : catalogs) {
    verified = verified || c.signature.verified;
    trusted = trusted || (c.signature.verified && c.signature.trusted);
  }
  a["Signed"] = !sigs.empty() || !catalogs.empty();
  a["Verified"] = verified;
  a["Trusted"] = trusted;
  a["SignatureCount"] = sigs.size();
  Json list = Json::array();
  for (const auto& s : sigs) list.push_back(authenticode::to_json(s));
  a["Signatures"] = std::move(list);
  Json cats = Json::array();
  for (const auto& c : catalogs) cats.push_back(authenticode::to_json(c));
  a["Catalogs"] = std::move(cats);
  a["CatalogsSearched"] = catalogs_searched;
  Json sources = Json::array();
  for (const auto& [label, count] : trust.sources())
    sources.push_back(Json{{"Source", label}, {"Certificates", count}});
  a["TrustSources"] = std::move(sources);
  return a;
}

/// The signer to name in the summary: the first verified one, else the first.
std::string signature_summary(const Json& a) {
  if (!a.value("Signed", false)) return "unsigned";
  std::string who;
  auto signer_of = [](const Json& s) {
    auto it = s.find("Signer");
    return it != s.end() && it->is_object() ? it->value("SubjectCN", std::string{}) : "";
  };
  for (const auto& s : a["Signatures"])
    if (who.empty() && s.value("Verified", false)) who = signer_of(s);
  for (const auto& c : a["Catalogs"])
    if (who.empty() && c.contains("Signature")) who = signer_of(c["Signature"]);
  if (!a.value("Verified", false)) return "signature does NOT verify";
  return std::string(a.value("Trusted", false) ? "signed and trusted" : "signed (not trusted)") +
         (who.empty() ? "" : " by " + who);
}

}  // namespace

FileResult analyse_file(const ArtifactFile& file, const FileContext& ctx) {
  FileResult r;
  const std::string& path = file.display_path;
  std::shared_ptr<const ByteSource> src;
  try {
    src = open_artifact(file);
  } catch (const ArtifactError& e) {
    r.errors.push_back(make_error(e, "open_failed"));
    return r;
  } catch (const std::system_error& e) {
    r.errors.push_back(make_error(path, "open_failed", e.what()));
    return r;
  }

  Finding f;
  f.type = "pe.file";
  f.artifact.path = path;
  Json problems = Json::array();
  std::optional<pe::Info> info;
  bool mz = false;
  try {
    char magic[2] = {};
    mz = src->read_at(0, magic, 2) == 2 && magic[0] == 'M' && magic[1] == 'Z';
    // A file that starts like a program but is not a readable PE says why (read_pe names the
    // offset: e_lfanew out of the file, no "PE\0\0", headers cut short).
    if (mz) info = pe::read_pe(*src, path);
  } catch (const ArtifactError& e) {
    // "truncated" when the file ends too soon, "open_failed" when it is not a PE at all.
    const bool cut = e.detail().find("cut short") != std::string::npos ||
                     e.detail().find("past the end") != std::string::npos;
    r.errors.push_back(make_error(e, cut ? "truncated" : "open_failed"));
    problems.push_back(e.detail() + (e.offset() ? " (offset " + std::to_string(*e.offset()) + ")"
                                                : std::string{}));
  } catch (const std::system_error& e) {
    r.errors.push_back(make_error(path, "record", e.what()));
  }

  pe::Hashes hashes;
  try {
    hashes = pe::hash_file(*src, info ? &*info : nullptr, path);
  } catch (const ArtifactError& e) {
    r.errors.push_back(make_error(e, "record"));
    return r;  // without hashes there is nothing to report about the file
  } catch (const std::system_error& e) {
    r.errors.push_back(make_error(path, "record", e.what()));
    return r;
  }

  // Damage inside the PE: each problem is an error entry at its offset, and stays listed in
  // the finding's PE.Problems.
  if (info)
    for (const auto& p : info->problems)
      r.errors.push_back(make_error(path, "record", p, pe::problem_offset(p)));

  std::vector<authenticode::Signature> sigs;
  std::vector<authenticode::CatalogMatch> catalogs;
  bool catalogs_searched = false;
  if (info) {
    try {
      sigs = authenticode::verify_pe(*src, *info, hashes, ctx.trust, path);
    } catch (const ArtifactError& e) {
      r.errors.push_back(make_error(e, "record"));
    }
    bool verified = false;
    for (const auto& s : sigs) verified = verified || s.verified;
    if (!verified && ctx.catalogs) {
      if (const auto* index = ctx.catalogs()) {
        catalogs_searched = true;
        catalogs = index->find(hashes, ctx.trust);
      }
    }
  }

  auto& d = f.data;
  d["Path"] = path;
  d["Size"] = src->size();
  d["FileType"] = info ? describe_pe(*info)
                  : mz ? std::string("MZ file, not a readable PE")
                       : std::string("not a PE file");
  d["Hashes"] = pe::to_json(hashes, info ? &*info : nullptr);
  if (info) {
    d["PE"] = pe::to_json(*info);
    if (info->version_info) d["VersionInfo"] = pe::to_json(*info->version_info);
    d["Authenticode"] = authenticode_json(sigs, catalogs, catalogs_searched, ctx.trust);
  }
  const auto hits = ctx.hash_sets.lookup(hashes);
  if (!hits.empty()) {
    Json list = Json::array();
    for (const auto& h : hits) list.push_back(hashsets::to_json(h));
    d["HashSets"] = std::move(list);
  }
  if (auto report = ctx.vt_reports.lookup(hashes)) d["VirusTotal"] = hashsets::to_json(*report);
  if (!problems.empty()) d["Problems"] = std::move(problems);

  std::string summary = path + ": " + d["FileType"].get<std::string>() + ", " +
                        std::to_string(src->size()) + " bytes";
  if (info && info->version_info)
    if (auto o = info->version_info->get("OriginalFilename")) {
      summary += ", OriginalFilename " + *o;
      if (auto c = info->version_info->get("CompanyName")) summary += " (" + *c + ")";
    }
  if (info) summary += ", " + signature_summary(d["Authenticode"]);
  summary += ", SHA256 " + hashes.sha256;
  f.summary = std::move(summary);
  checks::apply_pe_checks(f, ctx.now);
  r.finding = std::move(f);
  return r;
}

}  // namespace sqltriage::pipeline::pe_scan
