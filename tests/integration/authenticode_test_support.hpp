// Helpers shared by the Authenticode tests: the certificate table read with a few lines of
// bounds-checked code of their own (so the tests do not depend on pe::read_pe), and the
// independent tools' answers (osslsigncode verify, openssl x509).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/authenticode.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/pe.hpp"
#include "support.hpp"

namespace sqltriage::test::authenticode_support {

inline std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline void write_bytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream out(p, std::ios::binary);
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

inline std::uint32_t u32(const std::vector<std::uint8_t>& d, std::size_t at) {
  REQUIRE(at + 4 <= d.size());
  return d[at] | d[at + 1] << 8 | d[at + 2] << 16 | static_cast<std::uint32_t>(d[at + 3]) << 24;
}
inline std::uint16_t u16(const std::vector<std::uint8_t>& d, std::size_t at) {
  REQUIRE(at + 2 <= d.size());
  return static_cast<std::uint16_t>(d[at] | d[at + 1] << 8);
}

/// pe::Info with only what verify_pe reads: the WIN_CERTIFICATE entries of the certificate
/// table (PE Format: data directory 4 holds a file offset and size; entries 8-aligned).
inline pe::Info certificate_table(const std::filesystem::path& path) {
  const auto d = read_bytes(path);
  pe::Info info;
  info.file_size = d.size();
  const std::uint32_t pe_off = u32(d, 0x3c);
  const std::size_t opt = pe_off + 24;
  const bool plus = u16(d, opt) == 0x20b;
  const std::size_t dirs = opt + (plus ? 112 : 96);
  const std::uint32_t offset = u32(d, dirs + 4 * 8), size = u32(d, dirs + 4 * 8 + 4);
  for (std::uint64_t at = offset; at + 8 <= std::uint64_t{offset} + size && at + 8 <= d.size();) {
    pe::CertificateEntry e;
    e.offset = at;
    e.length = u32(d, at);
    e.revision = u16(d, at + 4);
    e.type = u16(d, at + 6);
    info.certificates.push_back(e);
    if (e.length == 0) break;
    at += (e.length + 7ULL) & ~7ULL;
  }
  return info;
}

/// The bytes of certificate table entry `index` after its 8-byte header.
inline std::vector<std::uint8_t> certificate_blob(const std::filesystem::path& path,
                                                  std::size_t index) {
  const auto info = certificate_table(path);
  REQUIRE(index < info.certificates.size());
  const auto d = read_bytes(path);
  const auto& e = info.certificates[index];
  REQUIRE(e.offset + e.length <= d.size());
  return {d.begin() + static_cast<std::ptrdiff_t>(e.offset + 8),
          d.begin() + static_cast<std::ptrdiff_t>(e.offset + e.length)};
}

inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

inline std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

/// Every value of lines "KEY : VALUE" / "KEY: VALUE" (trimmed) in tool output, in order.
inline std::vector<std::string> values_of(const std::string& text, const std::string& key) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const std::string t = trim(line);
    if (t.rfind(key, 0) != 0) continue;
    const auto colon = t.find(':', key.size());
    if (colon == std::string::npos || trim(t.substr(key.size(), colon - key.size())) != "")
      continue;
    out.push_back(trim(t.substr(colon + 1)));
  }
  return out;
}

struct OsslVerify {
  int exit_code = -1;
  std::string out;
  std::vector<std::string> current;     ///< "Current message digest", lower-case, per signature
  std::vector<std::string> calculated;  ///< "Calculated message digest"
};

inline OsslVerify osslsigncode_verify(const std::string& args) {
  const auto r = run("osslsigncode verify " + args + " 2>&1");
  OsslVerify v;
  v.exit_code = r.exit_code;
  v.out = r.out + r.err;
  // The digest is the first word ("... MISMATCH!!!" may follow it).
  auto first_word = [](const std::string& s) { return lower(s.substr(0, s.find(' '))); };
  for (auto& s : values_of(v.out, "Current message digest")) v.current.push_back(first_word(s));
  for (auto& s : values_of(v.out, "Calculated message digest"))
    v.calculated.push_back(first_word(s));
  return v;
}

/// osslsigncode's "Feb 20 14:00:00 2023 GMT" as "2023-02-20T14:00:00".
inline std::string ossl_time_iso(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%b %d %H:%M:%S %Y");
  REQUIRE_FALSE(in.fail());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

/// The Authenticode hashes as osslsigncode calculated them (by digest length).
inline pe::Hashes hashes_from(const OsslVerify& v) {
  pe::Hashes h;
  for (const auto& c : v.calculated) {
    if (c.size() == 40) h.authenticode_sha1 = c;
    if (c.size() == 64) h.authenticode_sha256 = c;
  }
  return h;
}

inline std::vector<authenticode::Signature> verify_file(const std::filesystem::path& path,
                                                        const pe::Hashes& hashes,
                                                        const authenticode::TrustStore& trust) {
  const auto source = open_host_file(path);
  return authenticode::verify_pe(*source, certificate_table(path), hashes, trust, path.string());
}

/// `openssl x509 -in PEM -noout ARG` output after the "name=" prefix, trimmed.
inline std::string x509_field(const std::filesystem::path& pem, const std::string& arg) {
  const auto r = run("openssl x509 -in " + shell_quote(pem.string()) + " -noout " + arg);
  REQUIRE(r.exit_code == 0);
  const auto eq = r.out.find('=');
  REQUIRE(eq != std::string::npos);
  return trim(r.out.substr(eq + 1));
}

/// A fingerprint "AB:CD:..." as lower-case hex without colons.
inline std::string fingerprint_hex(std::string f) {
  f.erase(std::remove(f.begin(), f.end(), ':'), f.end());
  return lower(f);
}

}  // namespace sqltriage::test::authenticode_support
