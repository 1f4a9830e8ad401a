// RAII for the libyal error objects (libevtx_error_t, libfsntfs_error_t, ...): every libyal
// library reports failures through the same pattern, so one template serves them all.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sqltriage::libyal {

/// Owns a libyal error object. Pass `out()` to a libyal call; on failure, `message()` gives
/// the library's backtrace text in one line. The error is freed on destruction and before
/// reuse, as libyal requires.
template <typename ErrorT, int (*BacktraceSprint)(ErrorT*, char*, std::size_t),
          void (*Free)(ErrorT**)>
class Error {
 public:
  Error() = default;
  ~Error() { reset(); }
  Error(const Error&) = delete;
  Error& operator=(const Error&) = delete;

  ErrorT** out() {
    reset();
    return &error_;
  }

  void reset() {
    if (error_ != nullptr) Free(&error_);
    error_ = nullptr;
  }

  /// The innermost cause: the first line of the backtrace, which names what was wrong.
  std::string root_cause() const {
    std::string all = message();
    auto sep = all.find("; ");
    return sep == std::string::npos ? all : all.substr(0, sep);
  }

  /// The first "offset: 0x..." or "offset: N" libyal reports in the backtrace (a file
  /// offset for the libfdata/libbfio layers), when there is one.
  std::optional<std::uint64_t> reported_offset() const {
    const std::string all = message();
    // libyal writes "offset: 0x0001f000" or "offset: 1866536 (0x001c7b28)"; function names
    // such as "..._get_cell_at_offset: unable ..." are skipped.
    constexpr std::string_view key = "offset: ";
    for (auto pos = all.find(key); pos != std::string::npos; pos = all.find(key, pos + 1)) {
      const char* begin = all.data() + pos + key.size();
      const char* end = all.data() + all.size();
      int base = 10;
      if (end - begin > 2 && begin[0] == '0' && begin[1] == 'x') {
        begin += 2;
        base = 16;
      }
      std::uint64_t v = 0;
      const auto [p, ec] = std::from_chars(begin, end, v, base);
      if (ec == std::errc() && p != begin) return v;
    }
    return std::nullopt;
  }

  /// The backtrace as one line ("a; b; c"), or "unknown error" when there is none.
  std::string message() const {
    if (error_ == nullptr) return "unknown error";
    std::array<char, 4096> buf{};
    if (BacktraceSprint(error_, buf.data(), buf.size()) < 0) return "unknown error";
    std::string text(buf.data());
    std::string flat;
    bool pending_sep = false;
    for (char c : text) {
      if (c == '\n' || c == '\r') {
        pending_sep = !flat.empty();
        continue;
      }
      if (pending_sep) {
        flat += "; ";
        pending_sep = false;
      }
      flat += c;
    }
    return flat.empty() ? "unknown error" : flat;
  }

 private:
  ErrorT* error_ = nullptr;
};

}  // namespace sqltriage::libyal
