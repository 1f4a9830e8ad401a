// VS_VERSIONINFO (Microsoft documentation of VS_VERSIONINFO, VS_FIXEDFILEINFO,
// StringFileInfo, StringTable and String): every node is wLength, wValueLength, wType, a
// NUL-terminated UTF-16LE key, padding to a 32-bit boundary, the value, padding, children.
// Tolerant of what real files do: a String's value is read up to its NUL or the end of its
// node, whatever wValueLength says (some linkers store bytes, others characters, others 0);
// a child whose wLength runs past its parent is cut at the parent's end and reported.
#include <algorithm>
#include <cstdio>

#include "artifacts/pe/parse_context.hpp"
#include "sqltriage/utf16.hpp"

namespace sqltriage::pe {

std::optional<std::string> VersionInfo::get(std::string_view key) const {
  for (const auto& [k, v] : strings)
    if (k == key) return v;
  return std::nullopt;
}

namespace detail {

namespace {

constexpr std::uint32_t kFixedSignature = 0xFEEF04BD;
constexpr std::size_t kNodeHeader = 6;

std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

struct Node {
  std::size_t start = 0;
  std::size_t end = 0;  // clamped to the parent
  std::uint16_t value_length = 0;
  std::string key;
  std::size_t value_start = 0;
};

class Parser {
 public:
  Parser(ParseContext& ctx, const std::vector<std::uint8_t>& blob, std::uint64_t base)
      : ctx_(ctx), b_(blob), base_(base) {}

  // The node at `pos` inside [.., limit), or nothing (after a problem) when it is unusable.
  std::optional<Node> node(std::size_t pos, std::size_t limit, std::string_view what) {
    if (pos + kNodeHeader > limit) return std::nullopt;
    Node n;
    n.start = pos;
    const std::size_t length = le16(&b_[pos]);
    n.value_length = le16(&b_[pos + 2]);
    if (length < kNodeHeader) {
      ctx_.problem(base_ + pos, std::string(what) + " has wLength " + std::to_string(length) +
                                    ", less than its own header; the rest of its parent is "
                                    "not read");
      return std::nullopt;
    }
    n.end = pos + length;
    if (n.end > limit) {
      ctx_.problem(base_ + pos, std::string(what) + " wLength " + std::to_string(length) +
                                    " runs " + std::to_string(n.end - limit) +
                                    " bytes past its parent; cut at the parent's end");
      n.end = limit;
    }
    std::size_t k = pos + kNodeHeader;
    std::u16string key;
    while (k + 2 <= n.end && le16(&b_[k]) != 0) {
      key += static_cast<char16_t>(le16(&b_[k]));
      k += 2;
    }
    n.key = utf16_to_wtf8(key);
    n.value_start = std::min(align4(k + 2), n.end);
    return n;
  }

  std::string text(std::size_t from, std::size_t to) const {
    std::u16string s;
    for (std::size_t k = from; k + 2 <= to; k += 2) {
      const std::uint16_t u = le16(&b_[k]);
      if (u == 0) break;
      s += static_cast<char16_t>(u);
    }
    return utf16_to_wtf8(s);
  }

  void fixed_info(const Node& root, VersionInfo& vi) {
    if (root.value_length == 0) return;
    const std::size_t p = root.value_start;
    if (root.value_length < 52 || p + 52 > root.end) {
      ctx_.problem(base_ + p, "VS_FIXEDFILEINFO cut short (" + std::to_string(root.value_length) +
                                  " of 52 bytes)");
      return;
    }
    if (le32(&b_[p]) != kFixedSignature) {
      ctx_.problem(base_ + p, "VS_FIXEDFILEINFO without its 0xFEEF04BD signature");
      return;
    }
    auto version = [&](std::size_t at) {
      const std::uint32_t ms = le32(&b_[at]);
      const std::uint32_t ls = le32(&b_[at + 4]);
      return std::to_string(ms >> 16) + "." + std::to_string(ms & 0xFFFF) + "." +
             std::to_string(ls >> 16) + "." + std::to_string(ls & 0xFFFF);
    };
    vi.file_version = version(p + 8);
    vi.product_version = version(p + 16);
  }

  void string_table(const Node& table, VersionInfo& vi) {
    vi.language = table.key;
    for (std::size_t pos = table.value_start; pos < table.end;) {
      const auto s = node(pos, table.end, "String");
      if (!s) break;
      vi.strings.emplace_back(s->key, text(s->value_start, s->end));
      pos = align4(s->end);
      if (pos <= s->start) break;
    }
  }

  std::optional<VersionInfo> parse() {
    const auto root = node(0, b_.size(), "VS_VERSIONINFO");
    if (!root) {
      ctx_.problem(base_, "RT_VERSION resource too short for a VS_VERSIONINFO (" +
                              std::to_string(b_.size()) + " bytes)");
      return std::nullopt;
    }
    if (root->key != "VS_VERSION_INFO") {
      ctx_.problem(base_, "RT_VERSION resource does not start with a VS_VERSION_INFO key");
      return std::nullopt;
    }
    VersionInfo vi;
    fixed_info(*root, vi);
    bool have_table = false;
    for (std::size_t pos = align4(root->value_start + root->value_length); pos < root->end;) {
      const auto child = node(pos, root->end, "VS_VERSIONINFO child");
      if (!child) break;
      if (child->key == "StringFileInfo" && !have_table) {
        const auto table = node(child->value_start, child->end, "StringTable");
        if (table) {
          string_table(*table, vi);
          have_table = true;
        }
      }
      pos = align4(child->end);
    }
    return vi;
  }

 private:
  ParseContext& ctx_;
  const std::vector<std::uint8_t>& b_;
  std::uint64_t base_;
};

}  // namespace

std::optional<VersionInfo> parse_version_info(ParseContext& ctx,
                                              const std::vector<std::uint8_t>& blob,
                                              std::uint64_t base) {
  return Parser(ctx, blob, base).parse();
}

}  // namespace detail

}  // namespace sqltriage::pe
