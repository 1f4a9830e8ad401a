// RAII for libfsntfs objects: each handle type frees itself with its own libfsntfs call.
#pragma once

#include <libfsntfs.h>

#include <memory>

#include "artifacts/libyal/libyal_error.hpp"

namespace sqltriage::ntfs {

using FsntfsError =
    libyal::Error<libfsntfs_error_t, libfsntfs_error_backtrace_sprint, libfsntfs_error_free>;

template <typename T, int (*FreeFn)(T**, libfsntfs_error_t**)>
struct FsntfsFree {
  void operator()(T* p) const noexcept { FreeFn(&p, nullptr); }
};

using VolumeHandle =
    std::unique_ptr<libfsntfs_volume_t, FsntfsFree<libfsntfs_volume_t, libfsntfs_volume_free>>;
using MftMetadataFileHandle =
    std::unique_ptr<libfsntfs_mft_metadata_file_t,
                    FsntfsFree<libfsntfs_mft_metadata_file_t, libfsntfs_mft_metadata_file_free>>;
using FileEntryHandle =
    std::unique_ptr<libfsntfs_file_entry_t,
                    FsntfsFree<libfsntfs_file_entry_t, libfsntfs_file_entry_free>>;
using AttributeHandle =
    std::unique_ptr<libfsntfs_attribute_t,
                    FsntfsFree<libfsntfs_attribute_t, libfsntfs_attribute_free>>;
using DataStreamHandle =
    std::unique_ptr<libfsntfs_data_stream_t,
                    FsntfsFree<libfsntfs_data_stream_t, libfsntfs_data_stream_free>>;

}  // namespace sqltriage::ntfs
