// Reading small files of the evidence for the persistence readers: the whole file, bounded,
// with failures as error entries naming the file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "artifacts/registry/extract.hpp"

namespace sqltriage::registry {

/// The file's bytes when it is at most `limit` bytes long. Otherwise std::nullopt, with an
/// error entry in `sink`: code "open_failed" (cannot be opened), "limit" (longer than
/// `limit`; nothing read) or "truncated" (a read failed or came back short, naming the
/// offset).
std::optional<std::vector<std::uint8_t>> read_small_file(const ArtifactFile& file,
                                                         std::size_t limit, Sink& sink);

/// The file's size in bytes; std::nullopt (with an "open_failed" error entry) when it cannot
/// be opened.
std::optional<std::uint64_t> file_size(const ArtifactFile& file, Sink& sink);

}  // namespace sqltriage::registry
