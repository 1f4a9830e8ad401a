#include "artifacts/libyal/bfio_source.hpp"

#include <cstdio>
#include <exception>
#include <stdexcept>

namespace sqltriage::libyal {

namespace {

// The io_handle libbfio passes back to the callbacks.
struct State {
  std::shared_ptr<const ByteSource> source;
  std::uint64_t position = 0;
  bool open = false;
};

State* state(intptr_t* io) { return reinterpret_cast<State*>(io); }

int free_state(intptr_t** io, libbfio_error_t**) {
  if (io != nullptr && *io != nullptr) {
    std::unique_ptr<State> owned(state(*io));
    *io = nullptr;
  }
  return 1;
}

int clone_state(intptr_t** dst, intptr_t* src, libbfio_error_t**) {
  if (dst == nullptr || src == nullptr) return -1;
  auto copy = std::make_unique<State>(*state(src));
  copy->open = false;
  copy->position = 0;
  *dst = reinterpret_cast<intptr_t*>(copy.release());
  return 1;
}

int open_state(intptr_t* io, int access_flags, libbfio_error_t**) {
  if ((access_flags & LIBBFIO_ACCESS_FLAG_WRITE) != 0) return -1;  // evidence is read-only
  state(io)->open = true;
  state(io)->position = 0;
  return 1;
}

int close_state(intptr_t* io, libbfio_error_t**) {
  state(io)->open = false;
  return 0;
}

ssize_t read_state(intptr_t* io, uint8_t* buffer, size_t size, libbfio_error_t**) {
  State* s = state(io);
  try {
    std::size_t n = s->source->read_at(s->position, buffer, size);
    s->position += n;
    return static_cast<ssize_t>(n);
  } catch (const std::exception&) {
    return -1;
  }
}

ssize_t write_state(intptr_t*, const uint8_t*, size_t, libbfio_error_t**) { return -1; }

off64_t seek_state(intptr_t* io, off64_t offset, int whence, libbfio_error_t**) {
  State* s = state(io);
  off64_t base = 0;
  if (whence == SEEK_CUR)
    base = static_cast<off64_t>(s->position);
  else if (whence == SEEK_END)
    base = static_cast<off64_t>(s->source->size());
  else if (whence != SEEK_SET)
    return -1;
  off64_t target = base + offset;
  if (target < 0) return -1;
  s->position = static_cast<std::uint64_t>(target);
  return target;
}

int exists_state(intptr_t*, libbfio_error_t**) { return 1; }

int is_open_state(intptr_t* io, libbfio_error_t**) { return state(io)->open ? 1 : 0; }

int size_state(intptr_t* io, size64_t* size, libbfio_error_t**) {
  *size = state(io)->source->size();
  return 1;
}

}  // namespace

BfioHandle make_bfio_handle(std::shared_ptr<const ByteSource> source) {
  auto s = std::make_unique<State>();
  s->source = std::move(source);
  libbfio_handle_t* raw = nullptr;
  if (libbfio_handle_initialize(
          &raw, reinterpret_cast<intptr_t*>(s.get()), free_state, clone_state, open_state,
          close_state, read_state, write_state, seek_state, exists_state, is_open_state, size_state,
          LIBBFIO_FLAG_IO_HANDLE_MANAGED | LIBBFIO_FLAG_IO_HANDLE_CLONE_BY_FUNCTION, nullptr) != 1)
    throw std::runtime_error("cannot create a libbfio handle");
  s.release();  // owned by the handle now (IO_HANDLE_MANAGED)
  return BfioHandle(raw);
}

}  // namespace sqltriage::libyal
