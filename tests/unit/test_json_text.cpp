// JSON text for strings that may not be valid UTF-8: checked with Python's strict json module
// and nlohmann's parser, and decoded back to the original bytes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sqltriage/json_text.hpp"
#include "support.hpp"

using sqltriage::append_json_string;
using sqltriage::to_json_text;
using sqltriage::write_json;
using Json = nlohmann::ordered_json;

namespace {

/// The decoder in docs/findings.md, verbatim: U+EF80-U+EFFF are bytes, all else UTF-8.
/// Reads the JSON text of one string per line; prints each decoded string as hex.
constexpr const char* kPythonDecoder = R"PY(
import json, sys

def sqltriage_bytes(s: str) -> bytes:
    out = bytearray()
    for ch in s:
        out += bytes([ord(ch) - 0xEF00]) if 0xEF80 <= ord(ch) <= 0xEFFF else ch.encode("utf-8")
    return bytes(out)

with open(sys.argv[1], "rb") as f:
    for raw in f.read().split(b"\n")[:-1]:
        text = raw.decode("utf-8")  # strict: no invalid bytes, surrogates or overlong forms
        value = json.loads(text)    # strict=True: no raw control characters in strings
        assert isinstance(value, str), raw
        print(sqltriage_bytes(value).hex())
)PY";

/// Re-serialises each line with Python's own encoder (ensure_ascii=False, compact).
constexpr const char* kPythonRedump = R"PY(
import json, sys
with open(sys.argv[1], "rb") as f:
    for raw in f.read().split(b"\n")[:-1]:
        value = json.loads(raw.decode("utf-8"))
        sys.stdout.buffer.write(
            json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
)PY";

const char* python() { return "/usr/bin/python3"; }

/// Runs a Python script over `lines` (written one per line); returns its output lines.
std::vector<std::string> run_python(const char* script, const std::vector<std::string>& lines) {
  REQUIRE(sqltriage::test::have_tool(python()));
  sqltriage::test::TempDir tmp;
  const auto script_path = tmp.path() / "check.py";
  const auto data_path = tmp.path() / "lines.jsonl";
  std::ofstream(script_path) << script;
  {
    std::ofstream out(data_path, std::ios::binary);
    for (const auto& line : lines) out << line << '\n';
  }
  const auto r = sqltriage::test::run(std::string(python()) + " " +
                                      sqltriage::test::shell_quote(script_path.string()) + " " +
                                      sqltriage::test::shell_quote(data_path.string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  REQUIRE(out.size() == lines.size());
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string h;
  for (unsigned char b : bytes) {
    h += digits[b >> 4];
    h += digits[b & 0x0F];
  }
  return h;
}

/// The same decoder in C++, for strings nlohmann has parsed (so valid UTF-8).
std::string decode_mapped(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    const std::size_t n = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (utf8[i + k] & 0x3F);
    if (cp >= 0xEF80 && cp <= 0xEFFF)
      out += static_cast<char>(cp - 0xEF00);
    else
      out.append(utf8, i, n);
    i += n;
  }
  return out;
}

/// UTF-8 of one code point (no validation: the caller gives scalar values).
std::string utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

std::string bytes(std::initializer_list<unsigned> list) {
  std::string s;
  for (unsigned b : list) s += static_cast<char>(b);
  return s;
}

/// A random code point that is a Unicode scalar value outside U+EF80-U+EFFF.
char32_t random_plain_code_point(std::mt19937& rng) {
  std::uniform_int_distribution<int> range(0, 5);
  auto in = [&](char32_t lo, char32_t hi) {
    return std::uniform_int_distribution<std::uint32_t>(lo, hi)(rng);
  };
  switch (range(rng)) {
    case 0:
      return in(0x00, 0x7F);  // ASCII, controls, '"', '\\' included
    case 1:
      return in(0x80, 0x7FF);
    case 2:
      return in(0x800, 0xD7FF);
    case 3:
      return in(0xE000, 0xEF7F);
    case 4:
      return in(0xF000, 0xFFFF);
    default:
      return in(0x10000, 0x10FFFF);
  }
}

/// Byte strings that exercise every class of invalid or special input.
std::vector<std::string> hostile_strings() {
  std::vector<std::string> v;
  // Every lone surrogate in its 3-byte (WTF-8 / CESU) form, alone and between text.
  for (unsigned second = 0xA0; second <= 0xBF; ++second)
    for (unsigned third = 0x80; third <= 0xBF; ++third) {
      v.push_back(bytes({0xED, second, third}));
      if (third % 16 == 0) v.push_back("x" + bytes({0xED, second, third}) + "y");
    }
  // A surrogate pair written as two 3-byte forms (CESU-8), as WTF-8 never does.
  v.push_back(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}));
  // Every single byte.
  for (unsigned b = 0; b <= 0xFF; ++b) v.push_back(bytes({b}));
  // Overlong forms, and forms past U+10FFFF.
  for (const auto& s :
       {bytes({0xC0, 0x80}), bytes({0xC0, 0xAF}), bytes({0xC1, 0xBF}), bytes({0xE0, 0x80, 0x80}),
        bytes({0xE0, 0x9F, 0xBF}), bytes({0xF0, 0x80, 0x80, 0x80}), bytes({0xF0, 0x8F, 0xBF, 0xBF}),
        bytes({0xF4, 0x90, 0x80, 0x80}), bytes({0xF5, 0x80, 0x80, 0x80}),
        bytes({0xF7, 0xBF, 0xBF, 0xBF}), bytes({0xF8, 0x88, 0x80, 0x80, 0x80}),
        bytes({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80})})
    v.push_back(s);
  // Truncated sequences, at the end and before ASCII.
  for (const auto& s :
       {bytes({0xC3}), bytes({0xE4, 0xB8}), bytes({0xF0, 0x9F, 0x98}), bytes({0xF0, 0x9F}),
        bytes({0xE4, 0xB8, 0x41}), bytes({0xF0, 0x9F, 0x98, 0x22}), bytes({0xC3, 0x5C})})
    v.push_back(s + "tail");
  // Genuine U+EF80-U+EFFF characters, one by one and all together; their neighbours.
  std::string all_private;
  for (char32_t cp = 0xEF80; cp <= 0xEFFF; ++cp) {
    v.push_back(utf8(cp));
    all_private += utf8(cp);
  }
  v.push_back(all_private);
  v.push_back(utf8(0xEF7F) + utf8(0xEF80) + utf8(0xF000) + utf8(0xEFFF));
  // NULs, controls, JSON syntax.
  v.push_back(std::string("a\0b\0", 4));
  v.push_back(std::string(1, '\0'));
  v.push_back("\"\\/\b\f\n\r\t\x01\x1f\x7f");
  v.push_back("");
  // Random byte soup, and random mixtures of valid characters and stray bytes.
  std::mt19937 rng(383);
  std::uniform_int_distribution<int> length(0, 48);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> choice(0, 3);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) {
      switch (i % 2 == 0 ? 0 : choice(rng)) {
        case 0:
          s += static_cast<char>(byte(rng));
          break;
        case 1:
          s += utf8(random_plain_code_point(rng));
          break;
        case 2:
          s += utf8(std::uniform_int_distribution<std::uint32_t>(0xEF80, 0xEFFF)(rng));
          break;
        default:
          s += bytes({0xED, static_cast<unsigned>(0xA0 + byte(rng) % 32),
                      static_cast<unsigned>(0x80 + byte(rng) % 64)});
          break;
      }
    }
    v.push_back(s);
  }
  return v;
}

}  // namespace

TEST_CASE("json_text: any bytes survive Python's strict json and nlohmann", "[json_text]") {
  const auto originals = hostile_strings();
  std::vector<std::string> lines;
  for (const auto& s : originals) {
    std::string line;
    REQUIRE_NOTHROW(append_json_string(line, s));
    CHECK(line == to_json_text(Json(s)));
    lines.push_back(line);
  }

  const auto decoded = run_python(kPythonDecoder, lines);
  for (std::size_t i = 0; i < originals.size(); ++i) {
    INFO("original " << hex(originals[i]) << " json " << hex(lines[i]));
    CHECK(decoded[i] == hex(originals[i]));
    Json parsed;
    REQUIRE_NOTHROW(parsed = Json::parse(lines[i]));  // nlohmann rejects invalid UTF-8
    REQUIRE(parsed.is_string());
    CHECK(decode_mapped(parsed.get<std::string>()) == originals[i]);
    // No raw control characters in the text.
    CHECK(std::all_of(lines[i].begin(), lines[i].end(),
                      [](char c) { return static_cast<unsigned char>(c) >= 0x20; }));
  }
}

TEST_CASE("json_text: the mapping, byte by byte", "[json_text]") {
  // U+EF00 + byte in UTF-8 is EE BE xx (bytes 80-BF) or EE BF xx (bytes C0-FF).
  CHECK(to_json_text(Json(bytes({0xFF}))) == "\"" + bytes({0xEE, 0xBF, 0xBF}) + "\"");
  CHECK(to_json_text(Json(bytes({0x80}))) == "\"" + bytes({0xEE, 0xBE, 0x80}) + "\"");
  // A lone high surrogate D800 (ED A0 80): three mapped bytes.
  CHECK(to_json_text(Json(bytes({0xED, 0xA0, 0x80}))) ==
        "\"" + utf8(0xEFED) + utf8(0xEFA0) + utf8(0xEF80) + "\"");
  // A genuine U+EF80 (EE BE 80) is escaped byte by byte; its neighbours are not.
  CHECK(to_json_text(Json(utf8(0xEF80))) ==
        "\"" + utf8(0xEFEE) + utf8(0xEFBE) + utf8(0xEF80) + "\"");
  CHECK(to_json_text(Json(utf8(0xEF7F))) == "\"" + utf8(0xEF7F) + "\"");
  CHECK(to_json_text(Json(utf8(0xF000))) == "\"" + utf8(0xF000) + "\"");
  // Truncated 3-byte sequence then ASCII: each stray byte mapped, the ASCII kept.
  CHECK(to_json_text(Json(bytes({0xE4, 0xB8, 0x41}))) ==
        "\"" + utf8(0xEFE4) + utf8(0xEFB8) + "A\"");
  // Overlong NUL.
  CHECK(to_json_text(Json(bytes({0xC0, 0x80}))) == "\"" + utf8(0xEFC0) + utf8(0xEF80) + "\"");
  // Escapes: JSON's short forms, lower-case \u00XX, and '/' and DEL left alone.
  CHECK(to_json_text(Json(std::string("a\0b", 3))) == R"("a\u0000b")");
  CHECK(to_json_text(Json("\"\\/\b\f\n\r\t\x01\x1f\x7f")) ==
        "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"");
}

TEST_CASE("json_text: valid UTF-8 is written as is", "[json_text]") {
  std::mt19937 rng(2023);
  std::uniform_int_distribution<int> length(0, 40);
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int n = length(rng);
    for (int k = 0; k < n; ++k) s += utf8(random_plain_code_point(rng));
    const Json j(s);
    const std::string text = to_json_text(j);
    INFO(hex(s));
    CHECK(text == j.dump());  // nlohmann's own escaping of valid UTF-8
    lines.push_back(text);
  }
  // And Python's encoder writes exactly the same text.
  const auto redumped = run_python(kPythonRedump, lines);
  for (std::size_t i = 0; i < lines.size(); ++i) CHECK(redumped[i] == lines[i]);

  // Text without characters that need escapes appears byte for byte; '\\' is doubled.
  CHECK(to_json_text(Json("caf" + utf8(0x00E9) + " " + utf8(0x1F600))) ==
        "\"caf" + utf8(0x00E9) + " " + utf8(0x1F600) + "\"");
  CHECK(to_json_text(Json("C:\\Temp\\" + utf8(0x4E2D) + utf8(0x2028))) ==
        "\"C:\\\\Temp\\\\" + utf8(0x4E2D) + utf8(0x2028) + "\"");
}

TEST_CASE("json_text: numbers and other scalars as nlohmann writes them", "[json_text]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  Json a = Json::array();
  a.push_back(0);
  a.push_back(-1);
  a.push_back(std::numeric_limits<std::int64_t>::min());
  a.push_back(std::numeric_limits<std::int64_t>::max());
  a.push_back(std::numeric_limits<std::uint64_t>::max());
  a.push_back(0.1);
  a.push_back(1.0);
  a.push_back(-0.0);
  a.push_back(1.9);
  a.push_back(1e300);
  a.push_back(5e-324);
  a.push_back(nan);
  a.push_back(inf);
  a.push_back(-inf);
  a.push_back(true);
  a.push_back(false);
  a.push_back(nullptr);
  a.push_back(Json::object());
  a.push_back(Json::array());
  const std::string text = to_json_text(a);
  CHECK(text == a.dump());
  CHECK(text ==
        "[0,-1,-9223372036854775808,9223372036854775807,18446744073709551615,0.1,1.0,-0.0,1.9,"
        "1e+300,5e-324,null,null,null,true,false,null,{},[]]");
  // Python reads the integers exactly (it has arbitrary-precision ints).
  const auto r = sqltriage::test::run(
      std::string(python()) + " -c " +
      sqltriage::test::shell_quote("import json,sys; v=json.loads(sys.argv[1]); "
                                   "print(v[2], v[3], v[4], v[5] + v[9] > 1e299, v[11])") +
      " " + sqltriage::test::shell_quote(text));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "-9223372036854775808 9223372036854775807 18446744073709551615 True None\n");
}

TEST_CASE("json_text: objects keep order, keys are mapped too, never throws", "[json_text]") {
  Json j = Json::object();
  j["zeta"] = 1;
  j["alpha"] = Json::array({"x", 2, Json::object({{"k", nullptr}})});
  j[bytes({'k', 0xFF})] = bytes({0xED, 0xB0, 0x80});
  j["empty"] = Json::object();
  CHECK_THROWS(j.dump());  // nlohmann alone cannot write this value
  std::string text;
  REQUIRE_NOTHROW(text = to_json_text(j));
  CHECK(text == "{\"zeta\":1,\"alpha\":[\"x\",2,{\"k\":null}],\"k" + utf8(0xEFFF) + "\":\"" +
                    utf8(0xEFED) + utf8(0xEFB0) + utf8(0xEF80) + "\",\"empty\":{}}");

  std::ostringstream out;
  REQUIRE_NOTHROW(write_json(out, j));
  CHECK(out.str() == text);

  std::string appended = "prefix:";
  append_json_string(appended, "v");
  CHECK(appended == "prefix:\"v\"");
}
