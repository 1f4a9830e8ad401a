// Internal to the aws scans: what each of them does first and last — open the evidence
// arguments, find the export files of its kind, say what was read.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/open_inputs.hpp"
#include "sqltriage/aws_exports.hpp"
#include "sqltriage/byte_source.hpp"

namespace sqltriage::pipeline::aws {

/// An aws scan's beginning: the run (header with one evidence entry per argument), the export
/// files of the wanted kind in path order, and the errors to emit after the header: inputs that
/// cannot be opened, links and special files met in folders, a disk image or Windows evidence
/// root given (exports are files and folders of their own), an input file that is an export
/// of another kind ("read it with `sqltriage aws <kind>`"), and each file of unknown kind
/// ("open_failed": not an AWS export). Files of the other export kinds inside a folder are
/// left without a word: a folder of exports holds all kinds.
struct ExportRun {
  ScanRun run;
  std::vector<sqltriage::aws::ExportFile> files;
};
ExportRun start_export_run(const std::string& command,
                           const std::vector<std::filesystem::path>& inputs,
                           sqltriage::aws::ExportKind wanted);

/// Opens an export file read-only. Throws ArtifactError naming it when it cannot be opened.
std::shared_ptr<const ByteSource> open_export(const sqltriage::aws::ExportFile& file);

/// The aws.export finding for a file that was read: type "aws.export", artifact = the file's
/// host path, summary "<kind> export <path>: <what>", data {"kind": ..., "path": ..., plus
/// `details` merged in (e.g. "layout", "events", "bad_records")}.
Finding export_finding(const sqltriage::aws::ExportFile& file, const std::string& what,
                       nlohmann::ordered_json details);

}  // namespace sqltriage::pipeline::aws
