// The import directory (PE Format, "The .idata Section": import directory table, import
// lookup table, hint/name table) and imphash as pefile's get_imphash() defines it.
//
// imphash: for each imported function in table order, "<dll>.<function>" where <dll> is the
// DLL name lower-cased with a final ".dll", ".ocx" or ".sys" removed, and <function> is the
// name lower-cased, or for an import by ordinal the name pefile's ordinal table gives for
// ws2_32.dll, wsock32.dll and oleaut32.dll (matched on the whole lower-cased DLL name),
// else "ord<N>" (decimal); the entries joined with "," and hashed with MD5 (lower-case hex).
// Delay-load imports are not part of it. Lower-casing is ASCII-only.
#include <algorithm>
#include <cctype>

#include "core/digest.hpp"
#include "artifacts/pe/parse_context.hpp"

namespace sqltriage::pe::detail {

namespace {

constexpr std::size_t kDescriptorSize = 20;
constexpr std::size_t kThunkBatch = 64;

std::string ascii_lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string imphash_dll(const std::string& dll_lower) {
  const auto dot = dll_lower.rfind('.');
  if (dot == std::string::npos) return dll_lower;
  const auto ext = std::string_view(dll_lower).substr(dot + 1);
  if (ext == "dll" || ext == "ocx" || ext == "sys") return dll_lower.substr(0, dot);
  return dll_lower;
}

struct ImphashBuilder {
  std::string text;
  bool any = false;
  void add(const std::string& dll, const std::string& function) {
    if (any) text += ',';
    text += dll;
    text += '.';
    text += function;
    any = true;
  }
};

// Reads one DLL's lookup table; false when the overall function cap is reached.
bool read_thunks(ParseContext& ctx, std::uint32_t table_rva, std::uint64_t table_field,
                 ImportedDll& dll, ImphashBuilder& imphash, std::size_t& total) {
  const Info& info = ctx.info();
  const std::size_t width = info.pe32_plus ? 8 : 4;
  const std::string dll_lower = ascii_lower(dll.name);
  const std::string hash_dll = imphash_dll(dll_lower);
  std::uint64_t rva = table_rva;
  for (std::size_t n = 0;;) {
    const std::uint64_t available =
        rva > 0xFFFFFFFFu ? 0 : ctx.bytes_after_rva(static_cast<std::uint32_t>(rva));
    if (available < width) {
      ctx.problem(table_field, "import lookup table of " + dll.name + " at RVA " + hex_offset(rva) +
                                   " runs outside the section data in the file after " +
                                   std::to_string(n) + " entries");
      return true;
    }
    const auto offset = *ctx.rva_to_offset(static_cast<std::uint32_t>(rva), width);
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(available / width, kThunkBatch));
    const auto bytes = ctx.read(offset, want * width);
    for (std::size_t k = 0; k * width + width <= bytes.size(); ++k, ++n) {
      const std::uint8_t* p = &bytes[k * width];
      const std::uint64_t thunk = width == 8 ? le64(p) : le32(p);
      if (thunk == 0) return true;
      if (n >= kMaxFunctionsPerDll) {
        ctx.problem(offset + k * width, "import lookup table of " + dll.name + " has more than " +
                                            std::to_string(kMaxFunctionsPerDll) +
                                            " entries; the rest are not read");
        return true;
      }
      if (total >= kMaxImportedFunctions) {
        ctx.problem(offset + k * width, "more than " + std::to_string(kMaxImportedFunctions) +
                                            " imported functions; the rest are not read");
        return false;
      }
      ++total;
      const bool by_ordinal = (thunk >> (width * 8 - 1)) != 0;
      if (by_ordinal) {
        const auto ordinal = static_cast<std::uint16_t>(thunk & 0xFFFF);
        const std::string plain = "ord" + std::to_string(ordinal);
        dll.functions.push_back(plain);
        const auto known = ordinal_name(dll_lower, ordinal);
        imphash.add(hash_dll, known ? ascii_lower(std::string(*known)) : plain);
        continue;
      }
      const auto hint_name = static_cast<std::uint32_t>(thunk & 0x7FFFFFFF);
      const auto name = ctx.read_cstring_at_rva(hint_name + 2, kMaxNameBytes,
                                                "import name of " + dll.name, offset + k * width);
      if (!name) continue;
      dll.functions.push_back(*name);
      imphash.add(hash_dll, ascii_lower(*name));
    }
    if (bytes.size() < want * width) return true;  // cannot happen: mapped bytes are in the file
    rva += want * width;
  }
}

}  // namespace

void read_imports(ParseContext& ctx) {
  const auto dir = ctx.directory(kImportDirectory);
  if (!dir) return;
  Info& info = ctx.info();
  const std::uint64_t entry = ctx.directory_entry_offset(kImportDirectory);
  if (!ctx.rva_to_offset(dir->rva, kDescriptorSize)) {
    ctx.problem(entry, "import directory at RVA " + hex_offset(dir->rva) +
                           " lies outside every section's data in the file");
    return;
  }
  ImphashBuilder imphash;
  std::size_t total = 0;
  for (std::size_t i = 0;; ++i) {
    if (i >= kMaxImportDlls) {
      ctx.problem(entry, "import directory lists more than " + std::to_string(kMaxImportDlls) +
                             " DLLs; the rest are not read");
      break;
    }
    const std::uint64_t rva = std::uint64_t{dir->rva} + i * kDescriptorSize;
    const auto offset = rva > 0xFFFFFFFFu
                            ? std::nullopt
                            : ctx.rva_to_offset(static_cast<std::uint32_t>(rva), kDescriptorSize);
    if (!offset) {
      ctx.problem(entry, "import descriptor " + std::to_string(i) + " at RVA " + hex_offset(rva) +
                             " runs outside the section data in the file (no terminating "
                             "empty descriptor)");
      break;
    }
    const auto d = ctx.read(*offset, kDescriptorSize);
    if (std::all_of(d.begin(), d.end(), [](std::uint8_t b) { return b == 0; })) break;
    const std::uint32_t lookup = le32(&d[0]);
    const std::uint32_t name_rva = le32(&d[12]);
    const std::uint32_t iat = le32(&d[16]);
    const auto name = ctx.read_cstring_at_rva(
        name_rva, kMaxNameBytes, "name of import descriptor " + std::to_string(i), *offset + 12);
    if (!name) continue;
    ImportedDll dll;
    dll.name = *name;
    const std::uint32_t table = lookup != 0 ? lookup : iat;
    const bool more = table == 0 || read_thunks(ctx, table, *offset + (lookup != 0 ? 0 : 16), dll,
                                                imphash, total);
    info.imports.push_back(std::move(dll));
    if (!more) break;
  }
  if (!info.imports.empty()) info.imphash = md5_hex(imphash.text);
}

}  // namespace sqltriage::pe::detail
