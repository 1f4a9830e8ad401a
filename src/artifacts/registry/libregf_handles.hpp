// RAII for libregf objects: each handle type frees itself with its own libregf call, and
// errors come back through libyal::Error.
#pragma once

#include <libregf.h>

#include <memory>

#include "artifacts/libyal/libyal_error.hpp"

namespace sqltriage::registry {

using RegfError =
    libyal::Error<libregf_error_t, libregf_error_backtrace_sprint, libregf_error_free>;

/// Closes (when open) and frees a file. The libbfio handle it was opened on must outlive it.
struct RegfFileCloser {
  void operator()(libregf_file_t* f) const noexcept {
    libregf_file_close(f, nullptr);
    libregf_file_free(&f, nullptr);
  }
};

template <typename T, int (*FreeFn)(T**, libregf_error_t**)>
struct RegfFree {
  void operator()(T* p) const noexcept { FreeFn(&p, nullptr); }
};

using RegfFileHandle = std::unique_ptr<libregf_file_t, RegfFileCloser>;
using RegfKeyHandle = std::unique_ptr<libregf_key_t, RegfFree<libregf_key_t, libregf_key_free>>;
using RegfValueHandle =
    std::unique_ptr<libregf_value_t, RegfFree<libregf_value_t, libregf_value_free>>;
using RegfMultiStringHandle =
    std::unique_ptr<libregf_multi_string_t,
                    RegfFree<libregf_multi_string_t, libregf_multi_string_free>>;

}  // namespace sqltriage::registry
