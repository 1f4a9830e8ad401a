// Internal to the pe scan: the files of an evidence argument that the options name.
#pragma once

#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::pipeline::pe_scan {

/// The files to analyse in `evidence`:
/// - "file": the file itself (targets ignored);
/// - "folder": every regular file under it (sorted), or those a target names;
/// - "directory": each path target resolved, and for name targets every regular file of
///   that name in the tree (symbolic links are not followed; unreadable folders become
///   errors);
/// - "image": each path target resolved, and for name targets every in-use file whose
///   $FILE_NAME is that name, in MFT order (damaged MFT records become errors).
/// Targets that match nothing become "missing" errors. Never throws for bad evidence.
std::vector<ArtifactFile> locate_files(const Evidence& evidence,
                                       const std::vector<std::string>& targets,
                                       std::vector<ErrorEntry>& errors);

}  // namespace sqltriage::pipeline::pe_scan
