#include "artifacts/aws/json_splitter.hpp"

#include <cstring>

namespace sqltriage::aws::json {

namespace {
constexpr std::size_t kChunkBytes = 64 * 1024;

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

Splitter::Splitter(stream::ByteStream& in) : in_(in), buf_(kChunkBytes) {}

bool Splitter::fill() {
  if (eof_) return false;
  buf_offset_ += end_;
  pos_ = end_ = 0;
  end_ = in_.read(buf_.data(), buf_.size());
  if (end_ == 0) eof_ = true;
  return end_ > 0;
}

int Splitter::peek() {
  for (;;) {
    if (pos_ == end_ && !fill()) return -1;
    if (!bom_checked_ && buf_offset_ == 0 && pos_ == 0) {
      bom_checked_ = true;
      if (end_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
      continue;
    }
    const char c = buf_[pos_];
    if (!is_ws(c)) return static_cast<unsigned char>(c);
    ++pos_;
  }
}

void Splitter::advance() {
  if (pos_ < end_) ++pos_;
}

std::string_view Splitter::lookahead() {
  if (pos_ == end_) fill();
  return std::string_view(buf_.data() + pos_, end_ - pos_);
}

bool Splitter::read_string(std::string& out, std::size_t max) {
  out.clear();
  advance();  // the opening quote
  bool escaped = false;
  for (;;) {
    if (pos_ == end_ && !fill()) return false;
    const char c = buf_[pos_++];
    if (escaped) {
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      return true;
    }
    if (out.size() < max) out.push_back(c);
  }
}

void Splitter::skip_line() {
  for (;;) {
    if (pos_ == end_ && !fill()) return;
    const void* nl = std::memchr(buf_.data() + pos_, '\n', end_ - pos_);
    if (nl) {
      pos_ = static_cast<std::size_t>(static_cast<const char*>(nl) - buf_.data()) + 1;
      return;
    }
    pos_ = end_;
  }
}

ValueEnd Splitter::capture(std::string& out, std::size_t max, bool newline_ends_value) {
  out.clear();
  bool keep = max > 0;
  std::uint64_t length = 0;
  // Bytes buf_[start, pos_) not yet appended to `out`.
  std::size_t start = pos_;
  auto flush = [&] {
    const std::size_t n = pos_ - start;
    length += n;
    if (keep) {
      if (length > max) {
        keep = false;
        out.clear();
        out.shrink_to_fit();
      } else {
        out.append(buf_.data() + start, n);
      }
    }
    start = pos_;
  };
  auto more = [&] {
    flush();
    const bool got = fill();
    start = pos_;
    return got;
  };
  auto done = [&](ValueEnd how) {
    flush();
    if (how == ValueEnd::ok && !keep && max > 0) return ValueEnd::overlong;
    return how;
  };

  if (pos_ == end_ && !more()) return ValueEnd::eof;
  const char first = buf_[pos_];
  bool in_string = false;
  bool escaped = false;
  std::size_t depth = 0;
  if (first == ',' || first == ']' || first == '}' || first == ':') {
    // Not a value but a stray delimiter: taken as a one-byte value so that every call
    // consumes at least one byte (the caller reports it; a loop over values always ends).
    ++pos_;
    return done(ValueEnd::ok);
  }
  if (first != '{' && first != '[' && first != '"') {  // a scalar: up to a delimiter
    for (;;) {
      if (pos_ == end_ && !more()) return done(ValueEnd::ok);
      const char c = buf_[pos_];
      if (c == ',' || c == ']' || c == '}' || is_ws(c)) return done(ValueEnd::ok);
      ++pos_;
    }
  }
  for (;;) {
    if (pos_ == end_ && !more()) return done(ValueEnd::eof);
    const char* p = buf_.data() + pos_;
    const char* e = buf_.data() + end_;
    while (p < e) {
      if (in_string) {
        if (escaped) {  // the byte after a '\' (possibly across a chunk boundary)
          escaped = false;
          ++p;
          continue;
        }
        // Jump to the next quote; a quote after an odd run of backslashes is escaped.
        const auto* q =
            static_cast<const char*>(std::memchr(p, '"', static_cast<std::size_t>(e - p)));
        const char* stop = q ? q : e;
        if (newline_ends_value) {
          if (const auto* nl = static_cast<const char*>(
                  std::memchr(p, '\n', static_cast<std::size_t>(stop - p)))) {
            pos_ = static_cast<std::size_t>(nl - buf_.data());
            flush();
            ++pos_;
            start = pos_;
            return ValueEnd::line_end;
          }
        }
        std::size_t backslashes = 0;
        for (const char* b = stop; b > p && b[-1] == '\\'; --b) ++backslashes;
        if (!q) {  // the string goes on in the next chunk
          escaped = backslashes % 2 == 1;
          p = e;
          break;
        }
        p = q + 1;
        if (backslashes % 2 == 1) continue;  // an escaped quote
        in_string = false;
        if (depth == 0) {  // a string value ends here
          pos_ = static_cast<std::size_t>(p - buf_.data());
          return done(ValueEnd::ok);
        }
        continue;
      }
      const char c = *p++;
      switch (c) {
        case '"':
          in_string = true;
          break;
        case '{':
        case '[':
          ++depth;
          break;
        case '}':
        case ']':
          if (depth > 0 && --depth == 0) {
            pos_ = static_cast<std::size_t>(p - buf_.data());
            return done(ValueEnd::ok);
          }
          break;
        case '\n':
          if (newline_ends_value) {
            pos_ = static_cast<std::size_t>(p - buf_.data()) - 1;
            flush();
            ++pos_;
            start = pos_;
            return ValueEnd::line_end;
          }
          break;
        default:
          break;
      }
    }
    pos_ = end_;
  }
}

}  // namespace sqltriage::aws::json
