// A libbfio handle that reads a ByteSource, so libyal libraries (libevtx, libregf,
// libfsntfs, ...) read artifacts wherever they live without copies.
#pragma once

#include <libbfio.h>

#include <memory>

#include "sqltriage/byte_source.hpp"

namespace sqltriage::libyal {

struct BfioHandleFree {
  void operator()(libbfio_handle_t* h) const noexcept { libbfio_handle_free(&h, nullptr); }
};
using BfioHandle = std::unique_ptr<libbfio_handle_t, BfioHandleFree>;

/// A read-only handle over `source` (writes fail). Throws std::runtime_error when libbfio
/// cannot create it.
BfioHandle make_bfio_handle(std::shared_ptr<const ByteSource> source);

}  // namespace sqltriage::libyal
