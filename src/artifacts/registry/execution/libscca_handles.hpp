// RAII for libscca objects (Windows Prefetch files): each handle frees itself with its own
// libscca call, and errors come back through libyal::Error.
#pragma once

#include <libscca.h>

#include <memory>

#include "artifacts/libyal/libyal_error.hpp"

namespace sqltriage::registry {

using SccaError =
    libyal::Error<libscca_error_t, libscca_error_backtrace_sprint, libscca_error_free>;

/// Closes (when open) and frees a file. The libbfio handle it was opened on must outlive it.
struct SccaFileCloser {
  void operator()(libscca_file_t* f) const noexcept {
    libscca_file_close(f, nullptr);
    libscca_file_free(&f, nullptr);
  }
};

struct SccaVolumeFree {
  void operator()(libscca_volume_information_t* v) const noexcept {
    libscca_volume_information_free(&v, nullptr);
  }
};

using SccaFileHandle = std::unique_ptr<libscca_file_t, SccaFileCloser>;
using SccaVolumeHandle = std::unique_ptr<libscca_volume_information_t, SccaVolumeFree>;

}  // namespace sqltriage::registry
