// Self-relative SECURITY_DESCRIPTORs: bounds checked here, then parsed with libfwnt.
// Format knowledge: Microsoft [MS-DTYP] 2.4.6 SECURITY_DESCRIPTOR, 2.4.5 ACL, 2.4.2 SID.
#include <stdexcept>
#include <string>

#include "artifacts/ntfs/libfwnt_handles.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/ntfs_security.hpp"

namespace sqltriage::ntfs {

namespace {

// libfwnt 20181227 refuses SIDs with more than 10 sub-authorities ([MS-DTYP] allows 15).
constexpr std::uint8_t kMaxSubAuthorities = 10;

/// Checks that the SID at `offset` lies inside the descriptor. Empty string when it does.
std::string check_sid(const std::uint8_t* data, std::size_t size, std::uint32_t offset,
                      const char* what) {
  const std::string where = std::string(what) + " SID at offset " + std::to_string(offset);
  if (offset < 20 || offset > size || size - offset < 8)
    return where + " lies outside the " + std::to_string(size) + "-byte descriptor";
  const std::uint8_t count = data[offset + 1];
  if (count > kMaxSubAuthorities)
    return where + " has " + std::to_string(count) + " sub-authorities (at most " +
           std::to_string(kMaxSubAuthorities) + " supported)";
  if (size - offset - 8 < static_cast<std::size_t>(count) * 4)
    return where + " with " + std::to_string(count) + " sub-authorities runs past the " +
           std::to_string(size) + "-byte descriptor";
  return {};
}

/// Checks that the ACL header at `offset` and the size it declares lie inside the descriptor.
std::string check_acl(std::size_t size, const std::uint8_t* data, std::uint32_t offset,
                      const char* what) {
  const std::string where = std::string(what) + " at offset " + std::to_string(offset);
  if (offset < 20 || offset > size || size - offset < 8)
    return where + " lies outside the " + std::to_string(size) + "-byte descriptor";
  const std::uint16_t acl_size = le16(data + offset + 2);
  if (acl_size < 8 || acl_size > size - offset)
    return where + " declares " + std::to_string(acl_size) + " bytes, but " +
           std::to_string(size - offset) + " remain in the descriptor";
  return {};
}

bool fail(std::string* why, std::string reason) {
  if (why != nullptr) *why = std::move(reason);
  return false;
}

}  // namespace

SecurityDescriptorHandle make_security_descriptor() {
  libfwnt_security_descriptor_t* raw = nullptr;
  if (libfwnt_security_descriptor_initialize(&raw, nullptr) != 1)
    throw std::runtime_error("libfwnt cannot create a security descriptor");
  return SecurityDescriptorHandle(raw);
}

SidHandle make_sid() {
  libfwnt_security_identifier_t* raw = nullptr;
  if (libfwnt_security_identifier_initialize(&raw, nullptr) != 1)
    throw std::runtime_error("libfwnt cannot create a security identifier");
  return SidHandle(raw);
}

bool sid_to_string(libfwnt_security_identifier_t* sid, std::string& out, std::string& why) {
  FwntError error;
  std::size_t length = 0;
  if (libfwnt_security_identifier_get_string_size(sid, &length, 0, error.out()) != 1 ||
      length == 0 || length > 256) {
    why = "cannot format the SID: " + error.root_cause();
    return false;
  }
  std::string text(length, '\0');
  if (libfwnt_security_identifier_copy_to_utf8_string(
          sid, reinterpret_cast<std::uint8_t*>(text.data()), text.size(), 0, error.out()) != 1) {
    why = "cannot format the SID: " + error.root_cause();
    return false;
  }
  text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
  out = std::move(text);
  return true;
}

std::uint32_t security_descriptor_hash(const std::uint8_t* data, std::size_t size) {
  std::uint32_t hash = 0;
  for (std::size_t i = 0; i + 4 <= size; i += 4)
    hash = le32(data + i) + ((hash << 3) | (hash >> 29));
  return hash;
}

std::optional<DescriptorSummary> parse_security_descriptor(const std::uint8_t* data,
                                                           std::size_t size, std::string* why) {
  if (data == nullptr || size < 20) {
    fail(why,
         "descriptor of " + std::to_string(size) + " bytes is shorter than its 20-byte header");
    return std::nullopt;
  }
  if (data[0] != 1) {
    fail(why, "descriptor revision " + std::to_string(data[0]) + " at offset 0, expected 1");
    return std::nullopt;
  }
  // libfwnt checks offsets only against the buffer's end; check the structures fit as well,
  // so the reason names what is wrong and libfwnt never walks outside the descriptor.
  const std::uint32_t owner = le32(data + 4), group = le32(data + 8);
  const std::uint32_t sacl = le32(data + 12), dacl = le32(data + 16);
  std::string problem;
  if (owner != 0) problem = check_sid(data, size, owner, "owner");
  if (problem.empty() && group != 0) problem = check_sid(data, size, group, "group");
  if (problem.empty() && sacl != 0) problem = check_acl(size, data, sacl, "SACL");
  if (problem.empty() && dacl != 0) problem = check_acl(size, data, dacl, "DACL");
  if (!problem.empty()) {
    fail(why, problem);
    return std::nullopt;
  }

  SecurityDescriptorHandle descriptor;
  try {
    descriptor = make_security_descriptor();
  } catch (const std::exception& e) {
    fail(why, e.what());
    return std::nullopt;
  }
  FwntError error;
  if (libfwnt_security_descriptor_copy_from_byte_stream(descriptor.get(), data, size,
                                                        LIBFWNT_ENDIAN_LITTLE, error.out()) != 1) {
    fail(why, "libfwnt: " + error.root_cause());
    return std::nullopt;
  }

  DescriptorSummary summary;
  std::string reason;
  libfwnt_security_identifier_t* sid = nullptr;  // borrowed: freed with the descriptor
  int got = libfwnt_security_descriptor_get_owner(descriptor.get(), &sid, error.out());
  if (got == -1 || (got == 1 && !sid_to_string(sid, summary.owner_sid, reason))) {
    fail(why, got == -1 ? "libfwnt: " + error.root_cause() : "owner: " + reason);
    return std::nullopt;
  }
  sid = nullptr;
  got = libfwnt_security_descriptor_get_group(descriptor.get(), &sid, error.out());
  if (got == -1 || (got == 1 && !sid_to_string(sid, summary.group_sid, reason))) {
    fail(why, got == -1 ? "libfwnt: " + error.root_cause() : "group: " + reason);
    return std::nullopt;
  }
  return summary;
}

}  // namespace sqltriage::ntfs
