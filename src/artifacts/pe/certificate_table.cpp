// The attribute certificate table (PE Format, "The Attribute Certificate Table"): data
// directory 4 holds a FILE OFFSET and a size; the table is a run of WIN_CERTIFICATE entries
// (dwLength, wRevision, wCertificateType, bCertificate), each starting on an 8-byte
// boundary. Also the ranges the Authenticode image hash leaves out (AuthenticodeLayout).
#include "artifacts/pe/parse_context.hpp"

namespace sqltriage::pe::detail {

void read_certificate_table(ParseContext& ctx) {
  Info& info = ctx.info();
  if (info.directories.size() <= kSecurityDirectory) return;
  const auto dir = info.directories[kSecurityDirectory];
  if (dir.rva == 0 && dir.size == 0) return;
  const std::uint64_t field = ctx.directory_entry_offset(kSecurityDirectory);
  const std::uint64_t start = dir.rva;
  const std::uint64_t end = start + dir.size;
  if (dir.rva == 0 || dir.size < 8 || start >= ctx.size()) {
    ctx.problem(field, "certificate table [" + hex_offset(start) + ", " + hex_offset(end) +
                           ") lies outside the file (size " + std::to_string(ctx.size()) +
                           ") or is too small for a WIN_CERTIFICATE; not read");
    return;
  }
  std::uint64_t table_end = end;
  if (end > ctx.size()) {
    ctx.problem(field, "certificate table [" + hex_offset(start) + ", " + hex_offset(end) +
                           ") runs past the end of the file (size " + std::to_string(ctx.size()) +
                           "); cut at the end of the file");
    table_end = ctx.size();
  }
  if (start < info.size_of_headers)
    ctx.problem(field, "certificate table at " + hex_offset(start) +
                           " overlaps the headers (SizeOfHeaders " +
                           hex_offset(info.size_of_headers) + ")");
  info.authenticode.cert_table_offset = start;
  info.authenticode.cert_table_size = table_end - start;
  for (std::uint64_t at = start; at + 8 <= table_end;) {
    if (info.certificates.size() >= kMaxCertificateEntries) {
      ctx.problem(at, "more than " + std::to_string(kMaxCertificateEntries) +
                          " certificate table entries; the rest are not read");
      break;
    }
    const auto h = ctx.read(at, 8);
    if (h.size() < 8) break;
    CertificateEntry e;
    e.offset = at;
    e.length = le32(&h[0]);
    e.revision = le16(&h[4]);
    e.type = le16(&h[6]);
    if (e.length < 8) {
      ctx.problem(at, "WIN_CERTIFICATE with dwLength " + std::to_string(e.length) +
                          ", less than its header; the rest of the table is not read");
      break;
    }
    if (at + e.length > table_end) {
      ctx.problem(at, "WIN_CERTIFICATE of " + std::to_string(e.length) +
                          " bytes runs past the end of the certificate table at " +
                          hex_offset(table_end));
      info.certificates.push_back(e);
      break;
    }
    info.certificates.push_back(e);
    at += (std::uint64_t{e.length} + 7) & ~std::uint64_t{7};
  }
}

}  // namespace sqltriage::pe::detail
