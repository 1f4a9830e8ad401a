// The start and the per-file finding shared by the aws scans.
#include "pipeline/aws/export_run.hpp"

#include <system_error>

#include "sqltriage/error.hpp"

namespace sqltriage::pipeline::aws {

using sqltriage::aws::ExportFile;
using sqltriage::aws::ExportKind;

namespace {

/// The subcommand that reads a kind of export.
std::string reader_of(ExportKind kind) {
  switch (kind) {
    case ExportKind::iam:
      return "sqltriage aws iam";
    case ExportKind::cloudtrail:
      return "sqltriage aws cloudtrail";
    case ExportKind::flowlogs:
      return "sqltriage aws flowlogs";
    default:
      return {};
  }
}

}  // namespace

ExportRun start_export_run(const std::string& command,
                           const std::vector<std::filesystem::path>& inputs, ExportKind wanted) {
  ExportRun out;
  out.run = start_run(command, inputs, EvidenceOptions{});
  std::vector<std::filesystem::path> walkable;
  for (const auto& ev : out.run.evidence) {
    if (ev->has_windows_layout()) {
      out.run.early.push_back(make_error(
          ev->path().string(), "open_failed",
          std::string("a ") + (ev->kind() == "image" ? "disk image" : "Windows evidence root") +
              " holds no AWS exports: give the files or the folder the exports were saved to"));
      continue;
    }
    walkable.push_back(ev->path());
  }
  for (auto& file : sqltriage::aws::find_exports(walkable, out.run.early)) {
    if (file.kind == wanted) {
      out.files.push_back(std::move(file));
    } else if (file.kind == ExportKind::unknown) {
      out.run.early.push_back(make_error(
          file.path.string(), "open_failed",
          "not an AWS export sqltriage reads (IAM and EC2 CLI JSON, CloudTrail records or "
          "lookup-events output, VPC flow log records)"));
    } else if (file.given) {
      const std::string reader = reader_of(file.kind);
      out.run.early.push_back(make_error(file.path.string(), "open_failed",
                                         std::string("a ") + sqltriage::aws::to_string(file.kind) +
                                             " export, not " + sqltriage::aws::to_string(wanted) +
                                             (reader.empty() ? std::string(": it holds no events")
                                                             : ": read it with `" + reader + "`")));
    }
  }
  return out;
}

std::shared_ptr<const ByteSource> open_export(const ExportFile& file) {
  try {
    return open_host_file(file.path);
  } catch (const std::system_error& e) {
    throw ArtifactError(file.path.string(), std::string("cannot open: ") + e.what());
  }
}

Finding export_finding(const ExportFile& file, const std::string& what,
                       nlohmann::ordered_json details) {
  Finding f;
  f.type = "aws.export";
  f.artifact.path = file.path.string();
  f.summary = std::string(sqltriage::aws::to_string(file.kind)) + " export " + file.path.string() +
              ": " + what;
  f.data["kind"] = sqltriage::aws::to_string(file.kind);
  f.data["path"] = file.path.string();
  if (details.is_object())
    for (auto& [k, v] : details.items()) f.data[k] = std::move(v);
  return f;
}

}  // namespace sqltriage::pipeline::aws
