// RAII over libevtx's C handles.
#pragma once

#include <libevtx.h>

#include <memory>

#include "artifacts/libyal/libyal_error.hpp"

namespace sqltriage::evtx {

using LibevtxError =
    libyal::Error<libevtx_error_t, libevtx_error_backtrace_sprint, libevtx_error_free>;

struct FileCloser {
  void operator()(libevtx_file_t* f) const noexcept {
    libevtx_file_close(f, nullptr);
    libevtx_file_free(&f, nullptr);
  }
};
struct RecordFreer {
  void operator()(libevtx_record_t* r) const noexcept { libevtx_record_free(&r, nullptr); }
};

using FileHandle = std::unique_ptr<libevtx_file_t, FileCloser>;
using RecordHandle = std::unique_ptr<libevtx_record_t, RecordFreer>;

}  // namespace sqltriage::evtx
