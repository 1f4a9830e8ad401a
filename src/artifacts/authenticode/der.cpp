#include "artifacts/authenticode/der.hpp"

namespace sqltriage::authenticode::der {

Tlv Reader::next() {
  const std::size_t start = pos_;
  const std::size_t at = base_ + start;
  if (data_.size() - pos_ < 2) throw Error("DER element cut short", at);
  Tlv tlv;
  tlv.tag = data_[pos_++];
  tlv.offset = at;
  if ((tlv.tag & 0x1f) == 0x1f) throw Error("DER high tag numbers are not supported", at);
  std::size_t length = data_[pos_++];
  if (length & 0x80) {
    const std::size_t count = length & 0x7f;
    if (count == 0) throw Error("indefinite length (BER) where DER is required", at);
    if (count > sizeof(std::uint32_t)) throw Error("DER length field too long", at);
    if (data_.size() - pos_ < count) throw Error("DER length cut short", at);
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | data_[pos_++];
  }
  if (length > data_.size() - pos_)
    throw Error("DER element of " + std::to_string(length) + " bytes runs past its container (" +
                    std::to_string(data_.size() - pos_) + " bytes left)",
                at);
  tlv.value = data_.subspan(pos_, length);
  tlv.whole = data_.subspan(start, pos_ - start + length);
  pos_ += length;
  return tlv;
}

Tlv Reader::expect(std::uint8_t expected, const char* what) {
  const std::size_t at = base_ + pos_;
  if (done()) throw Error(std::string(what) + " missing", at);
  Tlv tlv = next();
  if (tlv.tag != expected) {
    static const char* digits = "0123456789abcdef";
    std::string got = "0x";
    got += digits[tlv.tag >> 4];
    got += digits[tlv.tag & 15];
    throw Error(std::string(what) + ": unexpected DER tag " + got, at);
  }
  return tlv;
}

std::optional<Tlv> Reader::next_if(std::uint8_t t) {
  if (done() || data_[pos_] != t) return std::nullopt;
  return next();
}

std::string oid_text(const Tlv& oid) {
  if (oid.value.empty()) throw Error("empty OBJECT IDENTIFIER", oid.offset);
  std::string out;
  std::uint64_t v = 0;
  bool first = true;
  for (std::size_t i = 0; i < oid.value.size(); ++i) {
    const auto b = oid.value[i];
    if (v > (UINT64_MAX >> 7)) throw Error("OBJECT IDENTIFIER arc too large", oid.offset);
    v = (v << 7) | (b & 0x7f);
    if (b & 0x80) {
      if (i + 1 == oid.value.size()) throw Error("OBJECT IDENTIFIER cut short", oid.offset);
      continue;
    }
    if (first) {
      const std::uint64_t a = v < 40 ? 0 : (v < 80 ? 1 : 2);
      out = std::to_string(a) + "." + std::to_string(v - 40 * a);
      first = false;
    } else {
      out += "." + std::to_string(v);
    }
    v = 0;
  }
  return out;
}

std::string hex(Bytes bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

}  // namespace sqltriage::authenticode::der
