// Q1: what is this executable? From the pe.file finding of the file (hashes, version info,
// Authenticode, masquerading and hash-set checks), else what events and Amcache say of it.
#include "pipeline/investigate/answer_builder.hpp"
#include "pipeline/investigate/questions.hpp"
#include "sqltriage/checks.hpp"

namespace sqltriage::investigation {

namespace {

/// "OriginalFilename X, CompanyName Y, ProductName Z" (the parts present).
std::string version_line(const nlohmann::ordered_json& vi) {
  std::string out;
  for (const char* key : {"OriginalFilename", "CompanyName", "ProductName", "FileDescription",
                          "FileVersion"}) {
    const std::string v = member_text(vi, key);
    if (v.empty()) continue;
    out += (out.empty() ? "" : ", ") + std::string(key) + " " + v;
  }
  return out;
}

bool member_flag(const nlohmann::ordered_json& obj, const char* key) {
  if (!obj.is_object()) return false;
  auto it = obj.find(key);
  return it != obj.end() && it->is_boolean() && it->get<bool>();
}

/// "signed by CN (issuer CN): ..." or "not signed".
std::string signature_line(const nlohmann::ordered_json& ac, bool* trusted) {
  *trusted = false;
  if (!ac.is_object() || !member_flag(ac, "Signed")) return "not signed (no Authenticode signature)";
  std::string signer, issuer;
  if (auto sigs = ac.find("Signatures"); sigs != ac.end() && sigs->is_array() && !sigs->empty()) {
    const auto& s0 = (*sigs)[0];
    if (auto it = s0.find("Signer"); s0.is_object() && it != s0.end() && it->is_object()) {
      signer = member_text(*it, "SubjectCN");
      issuer = member_text(*it, "Issuer");
    }
  }
  *trusted = member_flag(ac, "Trusted");
  std::string out = "signed by " + (signer.empty() ? std::string("an unnamed signer") : signer);
  // The issuer's CN (its distinguished name is in the finding).
  if (auto cn = issuer.find("CN="); cn != std::string::npos) {
    issuer = issuer.substr(cn + 3);
    issuer = issuer.substr(0, issuer.find(','));
  }
  if (!issuer.empty()) out += " (issued by " + issuer + ")";
  out += member_flag(ac, "Verified") ? ": signature valid" : ": signature NOT valid";
  out += *trusted ? ", chain trusted" : ", chain not trusted";
  return out;
}

}  // namespace

QuestionAnswer answer_what(const Context& ctx, const Subject& s) {
  AnswerBuilder b(ctx, "what", "What is this executable?");
  std::optional<std::size_t> pe;
  for (std::size_t i = 0; i < ctx.findings.size(); ++i)
    if (ctx.findings[i].type == "pe.file" && about(ctx.findings[i], s)) {
      pe = i;
      break;
    }

  if (pe) {
    const Finding& f = ctx.findings[*pe];
    b.cite(*pe);
    const auto& d = f.data;
    const std::string name(checks::basename(s.path));
    // The checks first: they are the reasons to worry.
    std::vector<const CheckHit*> hits;
    for (const auto& c : f.checks) hits.push_back(&c);
    std::stable_sort(hits.begin(), hits.end(),
                     [](const CheckHit* a, const CheckHit* c) { return a->severity > c->severity; });
    for (const auto* c : hits) b.point(std::string(to_string(c->severity)) + " " + c->id + ": " + c->reason);

    std::string facts = text(f, "FileType");
    if (auto size = number(f, "Size")) facts += (facts.empty() ? "" : ", ") + std::to_string(*size) + " bytes";
    const auto hashes = object(f, "Hashes");
    for (const char* h : {"SHA256", "SHA1", "MD5", "Imphash"}) {
      const std::string v = member_text(hashes, h);
      if (!v.empty()) facts += ", " + std::string(h) + " " + v;
    }
    b.point(facts);
    const auto vi = object(f, "VersionInfo");
    const std::string version = version_line(vi);
    const std::string original = member_text(vi, "OriginalFilename");
    if (!version.empty())
      b.point("version info: " + version +
              (!original.empty() && !checks::iequals(original, name)
                   ? " (the file is named " + name + ")"
                   : ""));
    else
      b.point("no version information");
    bool trusted = false;
    const std::string sig = signature_line(object(f, "Authenticode"), &trusted);
    b.point(sig);

    const std::string type = text(f, "FileType");
    std::string summary = type.empty() ? std::string("A file")
                          : type.starts_with("not ") ? "Not a PE file (" + type + ")"
                                                     : "A " + type;
    const std::string company = member_text(vi, "CompanyName");
    const std::string product = member_text(vi, "ProductName");
    if (!original.empty() || !product.empty()) {
      summary += " claiming to be " + (original.empty() ? product : original);
      if (!product.empty() && !original.empty()) summary += " (" + product + ")";
      if (!company.empty()) summary += " from " + company;
    }
    summary += "; " + sig + ".";
    if (!hits.empty()) {
      summary += " Raised by " + std::to_string(hits.size()) + " check(s): ";
      for (std::size_t i = 0; i < hits.size(); ++i) summary += (i ? ", " : "") + hits[i]->id;
      summary += ".";
    }
    std::string head = original.empty() ? name : "claims " + original;
    if (!company.empty()) head += " (" + company + ")";
    head += !member_flag(object(f, "Authenticode"), "Signed") ? ", unsigned"
            : trusted                                        ? ", signed and trusted"
                                                             : ", signed but not trusted";
    if (!hits.empty()) {
      head += ", raised by";
      for (std::size_t i = 0; i < hits.size() && i < 4; ++i) head += (i ? ", " : " ") + hits[i]->id;
    }
    b.headline(head);
    const bool complete = hashes.is_object() && !hashes.empty() && d.contains("Authenticode");
    return b.finish(complete ? Answer::answered : Answer::partly, summary);
  }

  // The file is not in the evidence (or not readable): what events and Amcache recorded.
  bool partial = false;
  for (std::size_t i = 0; i < ctx.findings.size(); ++i) {
    const Finding& f = ctx.findings[i];
    if (!about(f, s)) continue;
    if (f.type == "evtx.process_creation" && number(f, "EventID") == 1u &&
        same_path(text(f, "Image"), s.path)) {
      b.cite(i);
      b.point("Sysmon 1 recorded it: OriginalFileName " + text(f, "OriginalFileName") +
              ", Company " + text(f, "Company") + ", Product " + text(f, "Product") +
              (text(f, "Hashes").empty() ? "" : ", " + text(f, "Hashes")));
      partial = true;
    } else if (f.type == "registry.amcache") {
      b.cite(i);
      b.point("Amcache: " + f.summary + " (" + text(f, "Publisher") + ", " + text(f, "ProductName") + ")");
      partial = true;
    }
  }
  b.missing(s.found ? "the file's content (it could not be read)"
                    : "the file itself (not found in the evidence)");
  if (partial)
    return b.finish(Answer::partly, "The file could not be examined; events and Amcache describe it.");
  return b.finish(Answer::no_evidence,
                  "The file was not found in the evidence, and no event or Amcache entry describes it.");
}

}  // namespace sqltriage::investigation
