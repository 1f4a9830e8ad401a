// Attribute values into mft::Entry facts (see entry_facts.hpp).
#include "artifacts/ntfs/entry_facts.hpp"

#include <string>

#include "sqltriage/utf16.hpp"

namespace sqltriage::ntfs {

namespace {


constexpr std::size_t kSiV1Size = 48;        // NTFS 1.2 $STANDARD_INFORMATION
constexpr std::size_t kSiV3Size = 72;        // NTFS 3.x adds owner, security id, quota, USN
constexpr std::size_t kFileNameHeader = 66;  // fixed part of a $FILE_NAME value

std::string wtf8(std::u16string_view units) { return utf16_to_wtf8(units); }

std::string type_label(std::uint32_t type) {
  switch (type) {
    case attribute_type::kStandardInformation:
      return "$STANDARD_INFORMATION";
    case attribute_type::kFileName:
      return "$FILE_NAME";
    case attribute_type::kAttributeList:
      return "$ATTRIBUTE_LIST";
    default:
      return "attribute " + std::to_string(type);
  }
}

void problem(mft::Entry& e, const record::Attribute& a, const std::string& what) {
  e.problems.push_back(type_label(a.type) + " (id " + std::to_string(a.id) + "): " + what);
}

void add_standard_information(const record::Attribute& a, mft::Entry& e) {
  if (!a.resident) return problem(e, a, "is non-resident; it must be resident");
  if (e.standard_information) return problem(e, a, "appears twice; the first one is kept");
  const auto v = a.value;
  if (v.size() < kSiV1Size)
    return problem(e, a, "value of " + std::to_string(v.size()) + " bytes is shorter than 48");
  mft::Times t;
  t.creation = le64(v.data());
  t.modification = le64(v.data() + 8);
  t.entry_modification = le64(v.data() + 16);
  t.access = le64(v.data() + 24);
  e.standard_information = t;
  e.file_attributes = le32(v.data() + 32);
  if (v.size() >= kSiV3Size) {
    e.owner_id = le32(v.data() + 48);
    e.security_id = le32(v.data() + 52);
    e.usn = le64(v.data() + 64);
  }
}

void add_file_name(const record::Attribute& a, bool in_extension, mft::Entry& e) {
  if (!a.resident) return problem(e, a, "is non-resident; it must be resident");
  const auto v = a.value;
  if (v.size() < kFileNameHeader)
    return problem(e, a, "value of " + std::to_string(v.size()) + " bytes is shorter than 66");
  const std::size_t units = v[64];
  if (kFileNameHeader + 2 * units > v.size())
    return problem(e, a, "name of " + std::to_string(units) + " units runs past the value");
  mft::FileName fn;
  fn.parent_reference = le64(v.data());
  fn.times.creation = le64(v.data() + 8);
  fn.times.modification = le64(v.data() + 16);
  fn.times.entry_modification = le64(v.data() + 24);
  fn.times.access = le64(v.data() + 32);
  fn.attributes = le32(v.data() + 56);
  fn.name_space = v[65];
  fn.name = utf16le_to_wtf8(v.data() + kFileNameHeader, units);
  fn.attribute_id = a.id;
  fn.value_size = static_cast<std::uint32_t>(v.size());
  fn.in_extension_record = in_extension;
  e.file_names.push_back(std::move(fn));
}

void add_data(const record::Attribute& a, mft::Entry& e) {
  // A non-resident attribute split over several records repeats its header with a higher
  // lowest VCN; only the first extent (VCN 0) holds the sizes.
  if (!a.resident && a.lowest_vcn != 0) return;
  const std::uint64_t size = a.resident ? a.value.size() : a.data_size;
  const std::uint64_t allocated = a.resident ? 0 : a.allocated_size;
  if (a.name.empty()) {
    if (e.data_attribute_id) return problem(e, a, "second unnamed $DATA; the first one is kept");
    e.size = size;
    e.allocated_size = allocated;
    e.data_attribute_id = a.id;
    e.data_resident = a.resident;
    return;
  }
  mft::Stream s;
  s.name = wtf8(a.name);
  s.size = size;
  s.allocated_size = allocated;
  s.resident = a.resident;
  s.attribute_id = a.id;
  e.streams.push_back(std::move(s));
}

void add_index_root(const record::Attribute& a, mft::Entry& e) {
  mft::Stream s;
  s.name = wtf8(a.name);
  s.size = a.resident ? a.value.size() : a.data_size;
  s.resident = a.resident;
  s.attribute_id = a.id;
  e.index_roots.push_back(std::move(s));
}

}  // namespace

void decode_attribute_list(std::span<const std::uint8_t> value, mft::Entry& e,
                           AttributeListRefs& list) {
  std::size_t pos = 0;
  while (pos + 26 <= value.size()) {
    const std::uint8_t* p = value.data() + pos;
    const std::size_t length = le16(p + 4);
    if (length < 26 || length > value.size() - pos) {
      e.problems.push_back("$ATTRIBUTE_LIST: entry at offset " + std::to_string(pos) +
                           " has invalid length " + std::to_string(length) +
                           "; the rest of the list is ignored");
      return;
    }
    list.references.push_back(le64(p + 16));
    pos += length;
  }
}

void add_attribute(const record::Attribute& a, bool in_extension, mft::Entry& e) {
  switch (a.type) {
    case attribute_type::kStandardInformation:
      add_standard_information(a, e);
      break;
    case attribute_type::kFileName:
      add_file_name(a, in_extension, e);
      break;
    case attribute_type::kData:
      add_data(a, e);
      break;
    case attribute_type::kIndexRoot:
      add_index_root(a, e);
      break;
    case attribute_type::kSecurityDescriptor:
      if (a.resident && e.inline_security_descriptor.empty())
        e.inline_security_descriptor.assign(a.value.begin(), a.value.end());
      break;
    default:
      break;
  }
}

}  // namespace sqltriage::ntfs
