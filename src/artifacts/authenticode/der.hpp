// A small bounds-checked DER reader (ITU-T X.690) for the structures OpenSSL has no type for:
// SpcIndirectDataContent, SpcSpOpusInfo, certificate trust lists. Definite lengths only;
// every length is checked against the bytes that hold it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace sqltriage::authenticode::der {

using Bytes = std::span<const std::uint8_t>;

/// Malformed DER; `offset` is relative to the start of the buffer the Reader was given.
class Error : public std::runtime_error {
 public:
  Error(const std::string& what, std::size_t offset) : std::runtime_error(what), offset_(offset) {}
  std::size_t offset() const noexcept { return offset_; }

 private:
  std::size_t offset_;
};

namespace tag {
inline constexpr std::uint8_t kInteger = 0x02, kBitString = 0x03, kOctetString = 0x04, kNull = 0x05,
                              kOid = 0x06, kUtf8String = 0x0c, kSequence = 0x30, kSet = 0x31,
                              kIa5String = 0x16, kUtcTime = 0x17, kGeneralizedTime = 0x18,
                              kBmpString = 0x1e;
/// Context-specific [n], constructed (EXPLICIT or constructed IMPLICIT).
constexpr std::uint8_t context_constructed(unsigned n) {
  return static_cast<std::uint8_t>(0xa0 | n);
}
/// Context-specific [n], primitive (IMPLICIT over a primitive type).
constexpr std::uint8_t context_primitive(unsigned n) { return static_cast<std::uint8_t>(0x80 | n); }
}  // namespace tag

struct Tlv {
  std::uint8_t tag = 0;
  std::size_t offset = 0;  ///< of the tag byte, relative to the reader's base buffer
  Bytes whole;             ///< tag, length and value
  Bytes value;             ///< the contents octets
};

class Reader {
 public:
  /// `base_offset`: where `data` starts inside the buffer errors should be relative to.
  explicit Reader(Bytes data, std::size_t base_offset = 0) : data_(data), base_(base_offset) {}
  /// A reader over the contents of `tlv` (offsets stay relative to the same base).
  static Reader inside(const Tlv& tlv) { return Reader(tlv.value, tlv.offset + header(tlv)); }

  bool done() const { return pos_ >= data_.size(); }
  /// The next element; throws Error when it is cut short or uses a form DER forbids.
  Tlv next();
  /// The next element, which must carry `expected` (throws Error otherwise).
  Tlv expect(std::uint8_t expected, const char* what);
  /// The next element when it carries `t`; nothing consumed otherwise.
  std::optional<Tlv> next_if(std::uint8_t t);

 private:
  static std::size_t header(const Tlv& tlv) { return tlv.whole.size() - tlv.value.size(); }
  Bytes data_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
};

/// Dotted text of an OBJECT IDENTIFIER's contents octets ("1.3.6.1.4.1.311.2.1.4").
/// Throws Error on a malformed encoding.
std::string oid_text(const Tlv& oid);

/// Lower-case hex of bytes.
std::string hex(Bytes bytes);

}  // namespace sqltriage::authenticode::der
