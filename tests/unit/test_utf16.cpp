#include <catch2/catch.hpp>
#include <string>

#include "sqltriage/json_text.hpp"
#include "sqltriage/utf16.hpp"

using sqltriage::utf16_to_wtf8;
using sqltriage::utf16le_to_wtf8;

TEST_CASE("utf16: BMP, pairs and unpaired surrogates", "[utf16]") {
  CHECK(utf16_to_wtf8(u"sqlserver.exe") == "sqlserver.exe");
  CHECK(utf16_to_wtf8(u"\u00e9\u4e2d") == "\xC3\xA9\xE4\xB8\xAD");
  CHECK(utf16_to_wtf8(u"\U0001F600") == "\xF0\x9F\x98\x80");
  const char16_t lone_high[] = {u'a', 0xD800, u'b', 0};
  CHECK(utf16_to_wtf8(lone_high) == std::string("a\xED\xA0\x80"
                                                "b"));
  const char16_t lone_low_last[] = {u'x', 0xDFFF, 0};
  CHECK(utf16_to_wtf8(lone_low_last) == std::string("x\xED\xBF\xBF"));
  const char16_t reversed_pair[] = {0xDC00, 0xD800, 0};
  CHECK(utf16_to_wtf8(reversed_pair) == std::string("\xED\xB0\x80\xED\xA0\x80"));
}

TEST_CASE("utf16: little-endian bytes as on disk", "[utf16]") {
  const std::uint8_t bytes[] = {0x41, 0x00, 0x00, 0xD8, 0x3D, 0xD8, 0x00, 0xDE};
  CHECK(utf16le_to_wtf8(bytes, 4) == std::string("A\xED\xA0\x80\xF0\x9F\x98\x80"));
}

TEST_CASE("utf16: an unpaired surrogate survives the JSON writer and comes back", "[utf16]") {
  const char16_t name[] = {u'n', 0xD800, u'.', u'e', u'x', u'e', 0};
  const std::string wtf8 = utf16_to_wtf8(name);
  std::string json;
  sqltriage::append_json_string(json, wtf8);
  // The three WTF-8 bytes are invalid UTF-8, so each becomes U+EF00+byte (json_text.hpp).
  CHECK(json == "\"n\xEE\xBF\xAD\xEE\xBE\xA0\xEE\xBE\x80.exe\"");
}
