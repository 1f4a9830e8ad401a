#include "artifacts/usn/damage_log.hpp"

namespace sqltriage::usn::detail {

DamageLog::DamageLog(std::string display, std::function<void(ErrorEntry)> on_error,
                     std::uint64_t cap)
    : display_(std::move(display)), on_error_(std::move(on_error)), cap_(cap) {}

void DamageLog::begin(std::uint64_t offset, std::string problem) {
  pending_ = Pending{offset, std::move(problem)};
  ++regions_;
}

void DamageLog::resume(std::uint64_t offset) {
  if (!pending_) return;
  Pending p = std::move(*pending_);
  pending_.reset();
  emit(p.offset, "offset " + std::to_string(p.offset) + ": " + p.problem + "; " +
                     std::to_string(offset - p.offset) +
                     " bytes skipped, reading resumed at the record at offset " +
                     std::to_string(offset));
}

void DamageLog::finish(std::uint64_t stream_size) {
  if (pending_) {
    Pending p = std::move(*pending_);
    pending_.reset();
    emit(p.offset, "offset " + std::to_string(p.offset) + ": " + p.problem +
                       "; no further record up to the end of the stream (" +
                       std::to_string(stream_size - p.offset) + " bytes)");
  }
  if (regions_ <= cap_) return;
  ErrorEntry e;
  e.artifact.path = display_;
  e.artifact.offset = first_unlisted_;
  e.code = "limit";
  e.message = std::to_string(regions_ - cap_) +
              " more damaged records, not listed one by one, between offsets " +
              std::to_string(first_unlisted_) + " and " + std::to_string(last_unlisted_) + " (" +
              std::to_string(regions_) + " in all)";
  on_error_(std::move(e));
}

void DamageLog::emit(std::uint64_t offset, std::string message) {
  if (regions_ > cap_) {  // this region is beyond the cap: counted only
    if (regions_ == cap_ + 1) first_unlisted_ = offset;
    last_unlisted_ = offset;
    return;
  }
  ErrorEntry e;
  e.artifact.path = display_;
  e.artifact.offset = offset;
  e.code = "record";
  e.message = std::move(message);
  on_error_(std::move(e));
}

}  // namespace sqltriage::usn::detail
