#include "artifacts/registry/execution/shimcache_layouts.hpp"

#include <cstring>

#include "core/little_endian.hpp"
#include "sqltriage/utf16.hpp"

namespace sqltriage::registry::shimcache {

namespace {

constexpr std::uint32_t kSignatureXp = 0xdeadbeef;
constexpr std::uint32_t kSignatureVista = 0xbadc0ffe;
constexpr std::uint32_t kSignatureWin7 = 0xbadc0fee;
constexpr std::uint32_t kHeaderWin8 = 0x80;
constexpr std::uint32_t kHeaderWin10 = 0x30;
constexpr std::uint32_t kHeaderWin10Creators = 0x34;

constexpr std::uint64_t kXpHeaderSize = 400;
constexpr std::uint64_t kXpEntrySize = 552;
constexpr std::uint64_t kXpPathBytes = 528;
constexpr std::uint64_t kWin7HeaderSize = 128;
constexpr std::uint64_t kVistaHeaderSize = 8;
constexpr std::uint64_t kTaggedEntryHeader = 12;  // signature, unknown (hash), data size

using Bytes = std::span<const std::uint8_t>;

/// The path in `bytes`, UTF-16LE, without a leading "\??\".
std::string decode_path(const std::uint8_t* bytes, std::size_t byte_count) {
  std::string path = utf16le_to_wtf8(bytes, byte_count / 2);
  if (path.size() >= 4 && path.compare(0, 4, "\\??\\") == 0) path.erase(0, 4);
  return path;
}

std::string entry_name(std::size_t index, std::uint64_t offset) {
  return "entry " + std::to_string(index) + " at byte " + std::to_string(offset);
}

void stop(Parsed& out, std::uint64_t offset, std::string message) {
  out.damage = Damage{offset, std::move(message)};
}

/// The entry count at byte 4, at most kMaxEntries (more is noted as damage; a later damage
/// replaces that note).
std::uint64_t entry_count(Bytes data, Parsed& out) {
  const std::uint64_t count = le32(data.data() + 4);
  if (count <= kMaxEntries) return count;
  stop(out, 4,
       "header says " + std::to_string(count) + " entries; at most " + std::to_string(kMaxEntries) +
           " are read");
  return kMaxEntries;
}

/// A path stored elsewhere in the value (Vista, 7): `length` bytes at `offset`.
bool pointed_path(Bytes data, Parsed& out, std::size_t index, std::uint64_t entry_offset,
                  std::uint64_t path_offset, std::uint64_t length, std::string& path) {
  if (path_offset > data.size() || length > data.size() - path_offset) {
    stop(out, entry_offset,
         entry_name(index, entry_offset) + ": path of " + std::to_string(length) +
             " bytes at offset " + std::to_string(path_offset) + " runs past the end of the " +
             std::to_string(data.size()) + "-byte value");
    return false;
  }
  path = decode_path(data.data() + path_offset, static_cast<std::size_t>(length));
  return true;
}

void parse_xp(Bytes data, Parsed& out) {
  out.layout = "Windows XP 32-bit";
  if (data.size() < kXpHeaderSize) {
    stop(out, 0, "Windows XP header needs 400 bytes; the value has " + std::to_string(data.size()));
    return;
  }
  const std::uint64_t count = entry_count(data, out);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t at = kXpHeaderSize + i * kXpEntrySize;
    if (at > data.size() || kXpEntrySize > data.size() - at) {
      stop(out, at,
           entry_name(i, at) + ": 552-byte entry runs past the end of the " +
               std::to_string(data.size()) + "-byte value");
      return;
    }
    const std::uint8_t* p = data.data() + at;
    std::size_t units = 0;
    while (units < kXpPathBytes / 2 && le16(p + 2 * units) != 0) ++units;
    Entry e;
    e.path = decode_path(p, units * 2);
    e.last_modified = le64(p + 528);
    e.file_size = le64(p + 536);
    e.entry_offset = at;
    out.entries.push_back(std::move(e));
  }
}

/// Vista/2003 (`win7` false) and Windows 7 (`win7` true): fixed-size entries after a header.
void parse_pointer_layout(Bytes data, Parsed& out, bool win7) {
  const std::uint64_t header = win7 ? kWin7HeaderSize : kVistaHeaderSize;
  const std::string base = win7 ? "Windows 7/2008 R2" : "Windows Server 2003/Vista/Server 2008";
  out.layout = base;
  if (data.size() < header) {
    stop(out, 0,
         base + " header needs " + std::to_string(header) + " bytes; the value has " +
             std::to_string(data.size()));
    return;
  }
  const std::uint64_t count = entry_count(data, out);
  if (count == 0) return;
  if (data.size() - header < 8) {
    stop(out, header,
         entry_name(0, header) + ": entry runs past the end of the " + std::to_string(data.size()) +
             "-byte value");
    return;
  }
  // 64-bit entries pad the 32-bit path offset to 64 bits: the 4 bytes after the two
  // lengths are zero there, and a (non-zero) path offset in 32-bit entries.
  const bool x64 = le32(data.data() + header + 4) == 0;
  const std::uint64_t size = win7 ? (x64 ? 48 : 32) : (x64 ? 32 : 24);
  out.layout = base + (x64 ? (win7 ? " x64" : " 64-bit") : " 32-bit");
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t at = header + i * size;
    if (at > data.size() || size > data.size() - at) {
      stop(out, at,
           entry_name(i, at) + ": " + std::to_string(size) +
               "-byte entry runs past the end of the " + std::to_string(data.size()) +
               "-byte value");
      return;
    }
    const std::uint8_t* p = data.data() + at;
    const std::uint64_t length = le16(p);
    const std::uint64_t path_offset = x64 ? le64(p + 8) : le32(p + 4);
    Entry e;
    if (!pointed_path(data, out, i, at, path_offset, length, e.path)) return;
    e.last_modified = le64(p + (x64 ? 16 : 8));
    if (win7) {
      e.insert_flags = le32(p + (x64 ? 24 : 16));
      e.executed = (*e.insert_flags & 0x2) != 0;
    }
    e.entry_offset = at;
    out.entries.push_back(std::move(e));
  }
}

enum class Tagged { win80, win81, win10 };

/// Windows 8.0, 8.1 and 10+: "00ts"/"10ts" entries from `start` to the end of the value.
void parse_tagged(Bytes data, Parsed& out, std::uint64_t start, Tagged kind) {
  const char* tag = kind == Tagged::win80 ? "00ts" : "10ts";
  std::uint64_t at = start;
  for (std::size_t i = 0; at < data.size(); ++i) {
    if (i == kMaxEntries) {
      stop(out, at, "more than " + std::to_string(kMaxEntries) + " entries; the rest are not read");
      return;
    }
    const std::uint64_t left = data.size() - at;
    if (left < kTaggedEntryHeader) {
      stop(out, at,
           entry_name(i, at) + ": " + std::to_string(left) +
               " bytes left, too few for an entry header");
      return;
    }
    const std::uint8_t* p = data.data() + at;
    if (std::memcmp(p, tag, 4) != 0) {
      stop(out, at, entry_name(i, at) + ": signature is not \"" + tag + "\"");
      return;
    }
    const std::uint64_t body_size = le32(p + 8);
    if (body_size > left - kTaggedEntryHeader) {
      stop(out, at,
           entry_name(i, at) + ": entry size " + std::to_string(body_size) +
               " runs past the end of the " + std::to_string(data.size()) + "-byte value");
      return;
    }
    // The body: path size (2), path, then the layout's fixed fields.
    const std::uint8_t* body = p + kTaggedEntryHeader;
    auto need = [&](std::uint64_t pos, std::uint64_t n, const char* what) {
      if (pos <= body_size && n <= body_size - pos) return true;
      stop(out, at,
           entry_name(i, at) + ": " + what + " runs past the entry's " + std::to_string(body_size) +
               " bytes");
      return false;
    };
    if (!need(0, 2, "path size")) return;
    const std::uint64_t path_size = le16(body);
    if (!need(2, path_size, "path")) return;
    Entry e;
    e.entry_offset = at;
    e.path = decode_path(body + 2, static_cast<std::size_t>(path_size));
    std::uint64_t pos = 2 + path_size;
    if (kind == Tagged::win81) {  // package name (AppX), usually empty
      if (!need(pos, 2, "package name size")) return;
      const std::uint64_t package_size = le16(body + pos);
      if (!need(pos + 2, package_size, "package name")) return;
      pos += 2 + package_size;
    }
    if (kind != Tagged::win10) {
      if (!need(pos, 8, "insertion and shim flags")) return;
      e.insert_flags = le32(body + pos);
      e.executed = (*e.insert_flags & 0x2) != 0;
      pos += 8;
    }
    if (!need(pos, 12, "modification time and data size")) return;
    e.last_modified = le64(body + pos);
    const std::uint64_t data_size = le32(body + pos + 8);
    if (!need(pos + 12, data_size, "entry data")) return;
    out.entries.push_back(std::move(e));
    at += kTaggedEntryHeader + body_size;
  }
}

}  // namespace

Parsed parse(std::span<const std::uint8_t> data) {
  Parsed out;
  if (data.empty()) {
    stop(out, 0, "the value is empty (0 bytes)");
    return out;
  }
  if (data.size() < 4) {
    stop(out, 0, "the value has " + std::to_string(data.size()) + " bytes, too few for a header");
    return out;
  }
  const std::uint32_t signature = le32(data.data());
  switch (signature) {
    case kSignatureXp:
      parse_xp(data, out);
      break;
    case kSignatureVista:
      parse_pointer_layout(data, out, false);
      break;
    case kSignatureWin7:
      parse_pointer_layout(data, out, true);
      break;
    case kHeaderWin8: {
      out.layout = "Windows 8.0/8.1";
      if (data.size() < kHeaderWin8) {
        stop(out, 0,
             "Windows 8 header needs 128 bytes; the value has " + std::to_string(data.size()));
        break;
      }
      Tagged kind = Tagged::win81;
      if (data.size() >= kHeaderWin8 + 4) {
        kind =
            std::memcmp(data.data() + kHeaderWin8, "00ts", 4) == 0 ? Tagged::win80 : Tagged::win81;
        out.layout =
            kind == Tagged::win80 ? "Windows 8.0/Server 2012" : "Windows 8.1/Server 2012 R2";
      }
      parse_tagged(data, out, kHeaderWin8, kind);
      break;
    }
    case kHeaderWin10:
    case kHeaderWin10Creators:
      out.layout = signature == kHeaderWin10 ? "Windows 10 (1507/1511)"
                                             : "Windows 10 1607+/11/Server 2016-2022";
      if (data.size() < signature) {
        stop(out, 0,
             "Windows 10 header needs " + std::to_string(signature) + " bytes; the value has " +
                 std::to_string(data.size()));
        break;
      }
      parse_tagged(data, out, signature, Tagged::win10);
      break;
    default:
      stop(out, 0, "unknown AppCompatCache layout (first 4 bytes " + hex_offset(signature) + ")");
  }
  return out;
}

}  // namespace sqltriage::registry::shimcache
