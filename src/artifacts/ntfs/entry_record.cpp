// MFT record header, fixups and attribute headers (see entry_record.hpp).
#include "artifacts/ntfs/entry_record.hpp"

#include <cstring>

namespace sqltriage::ntfs::record {

namespace {

constexpr std::size_t kFixupBlock = 512;  // NTFS applies the update sequence per 512 bytes
constexpr std::size_t kHeaderMin = 0x2A;  // NTFS 3.0 header size (3.1 adds the entry number)

}  // namespace

Kind prepare(std::span<std::uint8_t> rec, Header& header, std::optional<Damage>& damage) {
  damage.reset();
  header = Header{};
  if (rec.size() < 4) return Kind::kUnused;
  if (std::memcmp(rec.data(), "BAAD", 4) == 0) {
    damage = Damage{"record is marked BAAD (a multi-sector transfer error was detected)", 0};
    return Kind::kFile;
  }
  if (std::memcmp(rec.data(), "FILE", 4) != 0) return Kind::kUnused;
  if (rec.size() < kHeaderMin) {
    damage = Damage{"record shorter than an MFT entry header", 0};
    return Kind::kFile;
  }
  const std::uint8_t* p = rec.data();
  const std::size_t usa_offset = le16(p + 0x04);
  const std::size_t usa_count = le16(p + 0x06);
  const std::size_t blocks = rec.size() / kFixupBlock;
  if (usa_count == 0 || usa_count - 1 != blocks) {
    damage =
        Damage{"update sequence array has " + std::to_string(usa_count) + " entries; a record of " +
                   std::to_string(rec.size()) + " bytes needs " + std::to_string(blocks + 1),
               0x06};
    return Kind::kFile;
  }
  if (usa_offset < 0x28 || usa_offset % 2 != 0 || usa_offset + 2 * usa_count > rec.size()) {
    damage = Damage{
        "update sequence array offset " + hex_offset(usa_offset) + " is outside the header", 0x04};
    return Kind::kFile;
  }
  const std::uint8_t* usa = p + usa_offset;
  for (std::size_t i = 1; i < usa_count; ++i) {
    std::uint8_t* tail = rec.data() + i * kFixupBlock - 2;
    if (tail[0] != usa[0] || tail[1] != usa[1]) {
      damage = Damage{"fixup mismatch at the end of 512-byte block " + std::to_string(i - 1) +
                          " (update sequence number " + hex_offset(le16(usa)) + ", found " +
                          hex_offset(le16(tail)) + "): torn or corrupted write",
                      i * kFixupBlock - 2};
      return Kind::kFile;
    }
  }
  for (std::size_t i = 1; i < usa_count; ++i) {
    std::uint8_t* tail = rec.data() + i * kFixupBlock - 2;
    tail[0] = usa[2 * i];
    tail[1] = usa[2 * i + 1];
  }

  header.sequence = le16(p + 0x10);
  header.first_attribute = le16(p + 0x14);
  header.flags = le16(p + 0x16);
  header.used_size = le32(p + 0x18);
  header.base_reference = le64(p + 0x20);
  if (usa_offset >= 0x30) header.stored_index = le32(p + 0x2C);
  if (header.used_size > rec.size()) {
    damage = Damage{"used size " + std::to_string(header.used_size) + " is outside the record of " +
                        std::to_string(rec.size()) + " bytes",
                    0x18};
    return Kind::kFile;
  }
  if (header.first_attribute < usa_offset + 2 * usa_count || header.first_attribute % 8 != 0 ||
      header.first_attribute + 4u > header.used_size) {
    damage = Damage{"first attribute offset " + hex_offset(header.first_attribute) + " is invalid",
                    0x14};
    return Kind::kFile;
  }
  return Kind::kFile;
}

std::uint32_t AttributeWalker::type_at(std::size_t pos) const {
  return pos + 4 <= rec_.size() ? le32(rec_.data() + pos) : 0;
}

AttributeWalker::AttributeWalker(std::span<const std::uint8_t> rec, const Header& header)
    : rec_(rec), pos_(header.first_attribute), end_(header.used_size) {}

bool AttributeWalker::next(Attribute& out) {
  if (damage_) return false;
  auto fail = [&](std::string what) {
    damage_ =
        Damage{"attribute at record offset " + hex_offset(pos_) + ": " + std::move(what), pos_};
    return false;
  };
  if (pos_ + 4 > end_) return fail("attribute list runs past the used size without end marker");
  const std::uint8_t* a = rec_.data() + pos_;
  const std::uint32_t type = le32(a);
  if (type == 0xFFFFFFFFu) return false;
  if (pos_ + 16 > end_) return fail("header runs past the used size");
  const std::uint32_t length = le32(a + 4);
  if (length < 24 || length % 8 != 0 || length > end_ - pos_)
    return fail("length " + std::to_string(length) + " is invalid (" + std::to_string(end_ - pos_) +
                " bytes left)");
  const bool non_resident = a[8] != 0;
  const std::size_t name_units = a[9];
  const std::size_t name_offset = le16(a + 10);
  if (name_units != 0 && (name_offset + 2 * name_units > length || name_offset < 16))
    return fail("name runs past the attribute");

  out = Attribute{};
  out.type = type;
  out.data_flags = le16(a + 12);
  out.id = le16(a + 14);
  out.offset = pos_;
  out.resident = !non_resident;
  name_units_.resize(name_units);
  for (std::size_t i = 0; i < name_units; ++i)
    name_units_[i] = static_cast<char16_t>(le16(a + name_offset + 2 * i));
  out.name = name_units_;
  if (!non_resident) {
    const std::size_t value_size = le32(a + 16);
    const std::size_t value_offset = le16(a + 20);
    if (length < 24 || value_offset > length || value_size > length - value_offset)
      return fail("resident value (" + std::to_string(value_size) + " bytes at " +
                  hex_offset(value_offset) + ") runs past the attribute of " +
                  std::to_string(length) + " bytes");
    out.value = rec_.subspan(pos_ + value_offset, value_size);
  } else {
    if (length < 0x40) return fail("non-resident header shorter than 64 bytes");
    out.lowest_vcn = le64(a + 16);
    out.allocated_size = le64(a + 40);
    out.data_size = le64(a + 48);
  }
  pos_ += length;
  return true;
}

}  // namespace sqltriage::ntfs::record
