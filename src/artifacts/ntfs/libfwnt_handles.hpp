// RAII for libfwnt objects (security descriptors and SIDs), and SID text.
//
// Ownership rules of libfwnt 20181227: a descriptor made with
// libfwnt_security_descriptor_initialize is ours to free; the owner and group SIDs that
// libfwnt_security_descriptor_get_owner/_get_group hand out belong to the descriptor and are
// freed with it, so they are borrowed (plain pointers), never wrapped in SidHandle. A SID made
// with libfwnt_security_identifier_initialize is ours (SidHandle).
#pragma once

#include <libfwnt.h>

#include <memory>
#include <string>

#include "artifacts/libyal/libyal_error.hpp"

namespace sqltriage::ntfs {

using FwntError =
    libyal::Error<libfwnt_error_t, libfwnt_error_backtrace_sprint, libfwnt_error_free>;

struct SecurityDescriptorFree {
  void operator()(libfwnt_security_descriptor_t* p) const noexcept {
    libfwnt_security_descriptor_free(&p, nullptr);
  }
};
struct SidFree {
  void operator()(libfwnt_security_identifier_t* p) const noexcept {
    libfwnt_security_identifier_free(&p, nullptr);
  }
};

using SecurityDescriptorHandle =
    std::unique_ptr<libfwnt_security_descriptor_t, SecurityDescriptorFree>;
using SidHandle = std::unique_ptr<libfwnt_security_identifier_t, SidFree>;

/// A new, empty descriptor. Throws std::runtime_error when libfwnt cannot allocate one.
SecurityDescriptorHandle make_security_descriptor();

/// A new, empty SID. Throws std::runtime_error when libfwnt cannot allocate one.
SidHandle make_sid();

/// The SID as text ("S-1-5-21-...-1001"). Returns false and sets `why` when libfwnt cannot
/// format it.
bool sid_to_string(libfwnt_security_identifier_t* sid, std::string& out, std::string& why);

}  // namespace sqltriage::ntfs
