// The PE headers (PE Format: MS-DOS stub, COFF file header, optional header, data
// directories, section table), the overlay and the Authenticode layout; the other
// structures are read by their own parts (imports.cpp, resources.cpp, ...).
#include <algorithm>
#include <array>

#include "artifacts/pe/parse_context.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::pe {


namespace {

constexpr std::uint16_t kMagicPe32 = 0x10B;
constexpr std::uint16_t kMagicPe32Plus = 0x20B;
constexpr std::size_t kDosHeaderSize = 64;
constexpr std::size_t kCoffHeaderSize = 20;
constexpr std::size_t kSectionHeaderSize = 40;

std::string section_name(const std::uint8_t* p) {
  std::string out;
  for (int i = 0; i < 8 && p[i] != 0; ++i) {
    const auto c = p[i];
    if (c >= 0x20 && c < 0x7F && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Headers {
  std::uint64_t coff = 0;      // file offset of the COFF header
  std::uint64_t optional = 0;  // of the optional header
  std::uint16_t optional_size = 0;
  std::uint16_t section_count = 0;
};

Headers read_headers(detail::ParseContext& ctx) {
  Info& info = ctx.info();
  const auto& path = ctx.display();
  if (ctx.size() < 2) throw ArtifactError(path, "not a PE file: shorter than an MZ signature", 0);
  const auto dos = ctx.read(0, kDosHeaderSize);
  if (dos.size() < 2 || dos[0] != 'M' || dos[1] != 'Z')
    throw ArtifactError(path, "not a PE file: no MZ signature", 0);
  if (dos.size() < kDosHeaderSize)
    throw ArtifactError(path,
                        "MS-DOS header cut short: the file ends after " +
                            std::to_string(dos.size()) + " of its 64 bytes",
                        dos.size());
  info.pe_offset = le32(&dos[0x3C]);
  const std::uint64_t pe = info.pe_offset;
  if (pe + 4 + kCoffHeaderSize > ctx.size())
    throw ArtifactError(path,
                        "e_lfanew " + hex_offset(pe) + " points past the end of the file (size " +
                            std::to_string(ctx.size()) + "): no PE header",
                        0x3C);
  const auto sig = ctx.read(pe, 4 + kCoffHeaderSize);
  if (sig[0] != 'P' || sig[1] != 'E' || sig[2] != 0 || sig[3] != 0)
    throw ArtifactError(path, "not a PE file: no PE signature where e_lfanew points", pe);
  const std::uint8_t* coff = &sig[4];
  Headers h;
  h.coff = pe + 4;
  info.machine = le16(coff);
  h.section_count = le16(coff + 2);
  info.time_date_stamp = le32(coff + 4);
  h.optional_size = le16(coff + 16);
  info.characteristics = le16(coff + 18);
  info.is_dll = (info.characteristics & 0x2000) != 0;
  h.optional = h.coff + kCoffHeaderSize;
  return h;
}

void read_optional_header(detail::ParseContext& ctx, const Headers& h) {
  Info& info = ctx.info();
  const auto& path = ctx.display();
  if (h.optional_size < 2)
    throw ArtifactError(path,
                        "no optional header (SizeOfOptionalHeader " +
                            std::to_string(h.optional_size) + "): an object file, not an image",
                        h.coff + 16);
  const auto opt = ctx.read(h.optional, h.optional_size);
  if (opt.size() < 2)
    throw ArtifactError(path, "optional header cut short by the end of the file", h.optional);
  const std::uint16_t magic = le16(opt.data());
  if (magic != kMagicPe32 && magic != kMagicPe32Plus)
    throw ArtifactError(path, "unknown optional header magic " + hex_offset(magic), h.optional);
  info.pe32_plus = magic == kMagicPe32Plus;
  const std::size_t fixed = info.pe32_plus ? 112 : 96;
  if (h.optional_size < fixed)
    throw ArtifactError(path,
                        "SizeOfOptionalHeader " + std::to_string(h.optional_size) +
                            " is smaller than the " + std::to_string(fixed) + " bytes of a " +
                            (info.pe32_plus ? "PE32+" : "PE32") + " optional header",
                        h.coff + 16);
  if (opt.size() < fixed)
    throw ArtifactError(path,
                        "optional header cut short: the file ends after " +
                            std::to_string(opt.size()) + " of its " + std::to_string(fixed) +
                            " fixed bytes",
                        h.optional + opt.size());
  const std::uint8_t* p = opt.data();
  info.linker_major = p[2];
  info.linker_minor = p[3];
  info.entry_point = le32(p + 16);
  info.image_base = info.pe32_plus ? le64(p + 24) : le32(p + 28);
  ctx.section_alignment = le32(p + 32);
  ctx.file_alignment = le32(p + 36);
  info.size_of_headers = le32(p + 60);
  info.checksum = le32(p + 64);
  info.subsystem = le16(p + 68);
  info.dll_characteristics = le16(p + 70);
  info.authenticode.checksum_offset = h.optional + 64;
  const std::uint32_t declared = le32(p + (info.pe32_plus ? 108 : 92));
  const std::size_t room = (h.optional_size - fixed) / 8;
  std::size_t count = std::min<std::size_t>({declared, 16, room});
  if (declared > 16)
    ctx.problem(h.optional + fixed - 4, "NumberOfRvaAndSizes " + std::to_string(declared) +
                                            " is more than 16; only 16 are read");
  if (opt.size() < fixed + count * 8) {
    ctx.problem(h.optional + opt.size(), "data directories cut short by the end of the file (" +
                                             std::to_string((opt.size() - fixed) / 8) + " of " +
                                             std::to_string(count) + " entries)");
    count = (opt.size() - fixed) / 8;
  }
  for (std::size_t i = 0; i < count; ++i)
    info.directories.push_back({le32(p + fixed + 8 * i), le32(p + fixed + 8 * i + 4)});
  if (count > kSecurityDirectory)
    info.authenticode.security_entry_offset = h.optional + fixed + 8 * kSecurityDirectory;
}

void read_section_table(detail::ParseContext& ctx, const Headers& h) {
  Info& info = ctx.info();
  const std::uint64_t table = h.optional + h.optional_size;
  std::size_t count = h.section_count;
  if (count > detail::kMaxSections) {
    ctx.problem(h.coff + 2, "NumberOfSections " + std::to_string(count) +
                                " is more than the 96 Windows loads; only 96 are read");
    count = detail::kMaxSections;
  }
  if (count == 0) return;
  if (table >= ctx.size()) {
    ctx.problem(table, "section table (" + std::to_string(count) +
                           " entries) lies past the end of the file (size " +
                           std::to_string(ctx.size()) + ")");
    return;
  }
  const auto bytes = ctx.read(table, count * kSectionHeaderSize);
  const std::size_t whole = bytes.size() / kSectionHeaderSize;
  if (whole < count)
    ctx.problem(table + whole * kSectionHeaderSize,
                "section table cut short by the end of the file: entry " + std::to_string(whole) +
                    " of " + std::to_string(count) + " is incomplete; " + std::to_string(whole) +
                    " sections read");
  for (std::size_t i = 0; i < whole; ++i) {
    const std::uint8_t* p = &bytes[i * kSectionHeaderSize];
    Section s;
    s.name = section_name(p);
    s.virtual_size = le32(p + 8);
    s.virtual_address = le32(p + 12);
    s.raw_size = le32(p + 16);
    s.raw_offset = le32(p + 20);
    s.characteristics = le32(p + 36);
    const std::uint64_t end = std::uint64_t{s.raw_offset} + s.raw_size;
    if (s.raw_size > 0 && end > ctx.size())
      ctx.problem(table + i * kSectionHeaderSize, "section " + std::to_string(i) + " (" + s.name +
                                                      ") raw data [" + hex_offset(s.raw_offset) +
                                                      ", " + hex_offset(end) +
                                                      ") extends past the end of the file (size " +
                                                      std::to_string(ctx.size()) + ")");
    info.sections.push_back(std::move(s));
  }
}

// pefile's get_overlay_data_start_offset, without its data-directory candidates: the end
// of the optional header or of the furthest section raw data, clamped to the file size.
void compute_overlay(detail::ParseContext& ctx, const Headers& h) {
  Info& info = ctx.info();
  std::uint64_t end = h.optional + h.optional_size;
  for (const auto& s : info.sections)
    if (s.raw_size > 0) end = std::max(end, std::uint64_t{s.raw_offset} + s.raw_size);
  end = std::min(end, ctx.size());
  info.overlay_offset = end;
  info.overlay_size = ctx.size() - end;
}

}  // namespace

bool looks_like_pe(const ByteSource& source) {
  std::array<std::uint8_t, 64> dos{};
  try {
    if (source.read_at(0, dos.data(), dos.size()) != dos.size()) return false;
    if (dos[0] != 'M' || dos[1] != 'Z') return false;
    std::array<std::uint8_t, 4> sig{};
    const std::uint64_t pe = le32(&dos[0x3C]);
    if (source.read_at(pe, sig.data(), sig.size()) != sig.size()) return false;
    return sig[0] == 'P' && sig[1] == 'E' && sig[2] == 0 && sig[3] == 0;
  } catch (const std::exception&) {
    return false;
  }
}

Info read_pe(const ByteSource& source, const std::string& display_path) {
  Info info;
  detail::ParseContext ctx(source, display_path, info);
  info.file_size = ctx.size();
  const Headers h = read_headers(ctx);
  read_optional_header(ctx, h);
  read_section_table(ctx, h);
  compute_overlay(ctx, h);
  detail::read_certificate_table(ctx);
  detail::read_imports(ctx);
  detail::read_version_info(ctx);
  detail::read_debug_directory(ctx);
  detail::read_clr_header(ctx);
  detail::read_rich_header(ctx);
  return info;
}

}  // namespace sqltriage::pe
