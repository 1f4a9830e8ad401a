// Plain hash lists: one MD5, SHA-1 or SHA-256 per line (either case), optionally followed by
// whitespace, ',' or ';' and a comment; blank lines and '#' lines are skipped; a UTF-8 BOM
// and CRLF line ends are accepted. md5sum/sha256sum output ("HASH  name", "HASH *name")
// reads as a list whose comment is the file name.
#include <string_view>

#include "artifacts/hashsets/digest_table.hpp"
#include "artifacts/hashsets/set_source.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::hashsets::detail {

namespace {

std::string_view trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\f\v");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\f\v");
  return s.substr(b, e - b + 1);
}

enum class LineKind { skip, hash, bad };

struct ListLine {
  LineKind kind = LineKind::skip;
  Algorithm algorithm{};
  DigestBytes digest{};
  std::string_view comment;
};

ListLine parse_line(std::string_view raw) {
  ListLine out;
  std::string_view line = trim(raw);
  if (line.empty() || line.front() == '#') return out;
  std::size_t end = line.find_first_of(" \t,;");
  std::string_view token = line.substr(0, end);
  if (!parse_hex_digest(token, out.algorithm, out.digest)) {
    out.kind = LineKind::bad;
    return out;
  }
  out.kind = LineKind::hash;
  if (end != std::string_view::npos) {
    std::string_view rest = trim(line.substr(end));
    if (!rest.empty() &&
        (rest.front() == ',' || rest.front() == ';' || rest.front() == '#' || rest.front() == '*'))
      rest = trim(rest.substr(1));
    out.comment = rest;
  }
  return out;
}

void skip_bom(TextFile& f) {
  if (f.peek() != 0xEF) return;
  f.get();
  if (f.get() == 0xBB && f.get() == 0xBF) return;
  f.seek(0);
}

class ListSet final : public FileBackedSet {
 public:
  ListSet(const std::filesystem::path& path, const std::string& display)
      : FileBackedSet(path, display) {
    TextFile f(path, display);
    skip_bom(f);
    std::string line;
    bool too_long = false;
    for (;;) {
      std::uint64_t number = f.line();
      std::uint64_t start = f.offset();
      if (!f.read_line(line, kMaxLineBytes, too_long)) break;
      if (too_long) {
        problems_.note(number, "longer than " + std::to_string(kMaxLineBytes) + " bytes");
        continue;
      }
      ListLine parsed = parse_line(line);
      if (parsed.kind == LineKind::bad)
        problems_.note(number, "not an MD5, SHA-1 or SHA-256 hash");
      else if (parsed.kind == LineKind::hash)
        table_.add(parsed.algorithm, parsed.digest, start);
    }
    if (table_.size() == 0)
      throw ArtifactError(display, "no MD5, SHA-1 or SHA-256 hash in the list" +
                                       (problems_.count ? "; " + problems_.text() : ""));
    table_.finish();
  }

  std::string_view format() const override { return "list"; }

  bool read_entry(TextFile& f, Algorithm, const DigestBytes& digest,
                  nlohmann::ordered_json& entry) const override {
    std::string line;
    bool too_long = false;
    ListLine parsed;
    if (f.read_line(line, kMaxLineBytes, too_long)) parsed = parse_line(line);
    if (parsed.kind != LineKind::hash || parsed.digest != digest) return false;
    if (!parsed.comment.empty()) entry["Comment"] = std::string(parsed.comment);
    return true;
  }
};

}  // namespace

std::unique_ptr<SetSource> open_list(const std::filesystem::path& path,
                                     const std::string& display) {
  return std::make_unique<ListSet>(path, display);
}

}  // namespace sqltriage::hashsets::detail
