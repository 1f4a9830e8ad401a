// One web-root file as a webshell.file finding: bytes, hashes, content facts, YARA matches.
#include "pipeline/webshell/file_finding.hpp"

#include <array>
#include <cmath>
#include <cstdio>

#include "artifacts/ntfs/volume.hpp"
#include "core/ascii.hpp"
#include "core/digest.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/mft.hpp"

namespace sqltriage::pipeline::webshell {

namespace {

using nlohmann::ordered_json;

/// The file type its first bytes show, when it is not text.
std::string magic_of(const std::vector<std::uint8_t>& b) {
  auto starts = [&](std::string_view sig) {
    return b.size() >= sig.size() &&
           std::equal(sig.begin(), sig.end(), b.begin(),
                      [](char s, std::uint8_t c) { return static_cast<std::uint8_t>(s) == c; });
  };
  if (starts("MZ")) return "PE";
  if (starts("\x7f"
             "ELF"))
    return "ELF";
  if (starts("PK\x03\x04")) return "ZIP";
  if (starts("\xff\xd8\xff")) return "JPEG";
  if (starts("\x89PNG")) return "PNG";
  if (starts("GIF87a") || starts("GIF89a")) return "GIF";
  if (starts(std::string_view("\0\0\1\0", 4))) return "ICO";
  if (starts("BM") && b.size() >= 14) return "BMP";
  return {};
}

/// The first server-script marker in the bytes (ASCII case-insensitive), or "". One pass: every
/// marker starts with '<', '$' or 'r', so only those bytes are compared further.
std::string script_marker(const std::vector<std::uint8_t>& b) {
  static constexpr std::array<std::string_view, 14> kMarkers = {"<?php",
                                                                "<%@ page",
                                                                "<%@page",
                                                                "<%@ language",
                                                                "<%@ webhandler",
                                                                "runat=\"server\"",
                                                                "runat=server",
                                                                "<jsp:",
                                                                "<cfexecute",
                                                                "request.form",
                                                                "request.querystring",
                                                                "$_post[",
                                                                "$_request[",
                                                                "runtime.getruntime"};
  for (std::size_t i = 0; i < b.size(); ++i) {
    const char first = ascii_lower(static_cast<char>(b[i]));
    if (first != '<' && first != '$' && first != 'r') continue;
    for (auto m : kMarkers) {
      if (m[0] != first || b.size() - i < m.size()) continue;
      std::size_t k = 1;
      while (k < m.size() && ascii_lower(static_cast<char>(b[i + k])) == m[k]) ++k;
      if (k == m.size()) return std::string(m);
    }
  }
  return {};
}

/// "Content": the binary type of the first bytes always; line and entropy figures for
/// scripts and the server-script marker for images only, where checks read them (these passes
/// over every byte cost more than the YARA scan of most files).
ordered_json content_of(const std::vector<std::uint8_t>& b, const std::string& kind) {
  const auto magic = magic_of(b);
  ordered_json j = {{"Magic", magic.empty() ? ordered_json() : ordered_json(magic)},
                    {"ServerScriptMarker", nullptr},
                    {"Lines", nullptr},
                    {"MaxLineLength", nullptr},
                    {"Entropy", nullptr}};
  if (kind == "image")
    if (auto m = script_marker(b); !m.empty()) j["ServerScriptMarker"] = m;
  if (kind != "script") return j;
  std::array<std::uint64_t, 256> counts{};
  std::uint64_t lines = b.empty() ? 0 : 1, longest = 0;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    ++counts[b[i]];
    if (b[i] == '\n') {
      ++lines;
      longest = std::max<std::uint64_t>(longest, i - line_start);
      line_start = i + 1;
    }
  }
  longest = std::max<std::uint64_t>(longest, b.size() - line_start);
  double entropy = 0;
  for (auto n : counts)
    if (n) {
      const double p = static_cast<double>(n) / static_cast<double>(b.size());
      entropy -= p * std::log2(p);
    }
  j["Lines"] = lines;
  j["MaxLineLength"] = longest;
  j["Entropy"] = std::round(entropy * 1000) / 1000;
  return j;
}

ordered_json matches_json(const std::vector<yara::RuleMatch>& matches) {
  auto out = ordered_json::array();
  for (const auto& m : matches) {
    auto strings = ordered_json::array();
    for (const auto& s : m.strings)
      strings.push_back({{"Identifier", s.identifier},
                         {"Offset", s.offset},
                         {"Length", s.length},
                         {"Data", escape_bytes(s.data)}});
    out.push_back({{"Rule", m.rule},
                   {"Namespace", m.ns},
                   {"Tags", m.tags},
                   {"Meta", m.meta},
                   {"Strings", std::move(strings)},
                   {"StringsTruncated", m.strings_truncated}});
  }
  return out;
}

std::string extension_of(const std::string& name) {
  const auto slash = name.find_last_of("\\/");
  const auto dot = name.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return {};
  return ascii_lower(std::string_view(name).substr(dot));
}

std::string url_of(const std::string& root_url, const std::string& relative) {
  if (root_url.empty()) return {};
  std::string out = root_url;
  if (out.empty() || out.back() != '/') out += '/';
  for (char c : relative) out += c == '\\' ? '/' : c;
  return out;
}

std::vector<std::uint8_t> read_all(const ByteSource& src, std::uint64_t size) {
  std::vector<std::uint8_t> buf(size);
  buf.resize(read_fully(src, 0, buf.data(), buf.size()));
  return buf;
}

}  // namespace

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

FileResult scan_file(const Candidate& c, const RootView& root, const yara::RuleSet& rules,
                     const FileScanLimits& limits, const VolumeContext* image,
                     const std::function<void(Finding&)>& judge, bool keep_every_file) {
  FileResult out;
  if (c.size > limits.max_size) {
    out.errors.push_back(make_error(c.display_path, "limit",
                                    "not scanned: " + std::to_string(c.size) +
                                        " bytes is over --max-size " +
                                        std::to_string(limits.max_size)));
    return out;
  }
  std::vector<std::uint8_t> bytes;
  try {
    std::shared_ptr<const ByteSource> src =
        c.mft_entry && image ? image->volume->open_stream(*c.mft_entry, "", c.display_path)
                             : open_host_file(c.host_path);
    const auto size = std::min<std::uint64_t>(src->size(), limits.max_size);
    bytes = read_all(*src, size);
  } catch (const ArtifactError& e) {
    out.errors.push_back(make_error(c.display_path, "open_failed", e.detail(), e.offset()));
    return out;
  } catch (const std::exception& e) {
    out.errors.push_back(make_error(c.display_path, "open_failed", e.what()));
    return out;
  }
  out.read = true;
  const auto result = rules.scan(bytes.data(), bytes.size(), limits.timeout_s);
  if (result.error)
    out.errors.push_back(
        make_error(c.display_path, "record", "YARA scan stopped: " + *result.error));

  // The MFT facts are built here, in the scanning thread, so a folder's files wait small.
  nlohmann::ordered_json mft;
  if (c.mft_entry && image) {
    try {
      mft::Entry entry;
      if (image->entry.source->read(*c.mft_entry, entry))
        mft = mft_scan::entry_finding(entry, c.display_path.substr(2), image->entry).data;
    } catch (const ArtifactError& e) {
      out.errors.push_back(make_error(e, "record"));
    }
  }

  Finding& f = out.finding;
  f.type = "webshell.file";
  f.artifact.path = c.display_path;
  if (c.mft_entry) f.artifact.record = c.mft_entry;
  auto& d = f.data;
  d["Path"] = c.display_path;
  d["WebRoot"] = root.json;
  d["RelativePath"] = c.relative_path;
  const auto url = url_of(root.url_path, c.relative_path);
  d["UrlPath"] = url.empty() ? ordered_json() : ordered_json(url);
  d["Kind"] = c.kind;
  d["Extension"] = extension_of(c.relative_path);
  d["Size"] = bytes.size();
  d["Hashes"] = nullptr;  // below, for the files that are reported
  d["Times"] = times_json(c.times);
  d["Siblings"] = siblings_json(c.siblings);
  if (mft.is_object() && mft.contains("Owner")) d["Owner"] = mft["Owner"];
  d["Content"] = content_of(bytes, c.kind);
  d["Matches"] = matches_json(result.matches);
  d["ScanError"] = result.error ? ordered_json(*result.error) : ordered_json();
  if (!mft.is_null()) d["MFT"] = std::move(mft);
  if (c.times.creation)
    f.time = c.times.creation;
  else if (c.times.last_write)
    f.time = c.times.last_write;
  judge(f);
  out.keep = keep_every_file || !f.checks.empty();
  // Hashing costs more than the YARA scan of most files: only for those reported.
  if (out.keep) {
    Digest md5("md5"), sha1("sha1"), sha256("sha256");
    for (auto* digest : {&md5, &sha1, &sha256}) digest->update(bytes.data(), bytes.size());
    d["Hashes"] = {
        {"MD5", md5.final_hex()}, {"SHA1", sha1.final_hex()}, {"SHA256", sha256.final_hex()}};
  }
  return out;
}

}  // namespace sqltriage::pipeline::webshell
