// `sqltriage registry replay`: a dirty hive replayed from its logs, written to a new file so
// that tools without log replay read what Windows would.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>

#include "artifacts/registry/open_hive.hpp"
#include "artifacts/registry/replay.hpp"
#include "pipeline/open_inputs.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/registry_scan.hpp"

namespace sqltriage {

namespace {

struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

/// Why `path` is not read (a FIFO would block, a folder is not a hive); "" for a regular file
/// or a block device.
std::string not_a_regular_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) return "cannot be read: " + ec.message();
  if (std::filesystem::is_regular_file(status) || std::filesystem::is_block_file(status)) return {};
  if (std::filesystem::is_directory(status)) return "is a folder, not a hive file";
  return "is not a regular file (a FIFO, socket or character device is not read)";
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::exists(b, ec) && std::filesystem::equivalent(a, b, ec);
}

/// Copies `bytes` into a file that must not exist yet ("wx": O_CREAT | O_EXCL).
void write_new_file(const ByteSource& bytes, const std::filesystem::path& output) {
  std::unique_ptr<std::FILE, FileClose> out(std::fopen(output.c_str(), "wxb"));
  if (!out)
    throw std::invalid_argument(output.string() + ": cannot be created" +
                                (errno == EEXIST ? " (it exists; the output must be a new file)"
                                                 : std::string(": ") + std::strerror(errno)));
  std::vector<char> buffer(1 << 20);
  for (std::uint64_t at = 0; at < bytes.size();) {
    const std::size_t n = bytes.read_at(at, buffer.data(), buffer.size());
    if (n == 0) break;
    if (std::fwrite(buffer.data(), 1, n, out.get()) != n)
      throw std::invalid_argument(output.string() + ": write failed: " + std::strerror(errno));
    at += n;
  }
  if (std::fflush(out.get()) != 0)
    throw std::invalid_argument(output.string() + ": write failed: " + std::strerror(errno));
}

}  // namespace

ScanOutcome replay_hive_file(const std::filesystem::path& hive,
                             const std::vector<std::filesystem::path>& logs,
                             const std::filesystem::path& output, const std::string& command,
                             FindingSink& sink) {
  const auto t0 = std::chrono::steady_clock::now();
  if (same_file(hive, output))
    throw std::invalid_argument(output.string() +
                                ": is the hive itself; evidence is never written");
  for (const auto& log : logs)
    if (same_file(log, output))
      throw std::invalid_argument(output.string() + ": is a log given with --log");
  std::error_code ec;
  if (std::filesystem::exists(output, ec))
    throw std::invalid_argument(output.string() + ": exists; the output must be a new file");

  DocumentHeader header;
  header.command = command;
  header.started = now_filetime();
  ScanOutcome outcome;
  std::vector<ErrorEntry> errors;
  // Ends the document: the errors after the finding (if any), then the totals.
  auto finish = [&] {
    for (const auto& e : errors) pipeline::emit_counted(sink, outcome, e);
    outcome.stats.elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sink.end(outcome.stats);
    return outcome;
  };
  // A hive that cannot be replayed still gets a document: its reason, exit code 3.
  auto unreadable = [&](std::string detail, std::optional<std::uint64_t> offset) {
    header.evidence.push_back({hive.string(), "unreadable", {}});
    sink.begin(header);
    errors.insert(errors.begin(),
                  make_error(hive.string(), "open_failed", std::move(detail), offset));
    outcome.nothing_readable = true;
    return finish();
  };

  if (const std::string why = not_a_regular_file(hive); !why.empty()) return unreadable(why, {});
  std::shared_ptr<const ByteSource> bytes;
  try {
    bytes = open_host_file(hive);
  } catch (const std::system_error& e) {
    return unreadable(std::string("cannot be opened for reading: ") + e.code().message(), {});
  }
  std::vector<ArtifactFile> log_files;
  if (logs.empty()) {
    log_files = registry::logs_beside(hive);
  } else {
    for (const auto& log : logs) log_files.push_back(ArtifactFile{log.string(), log, {}});
  }
  std::vector<registry::LogFile> opened_logs;
  for (const auto& log : log_files) {
    if (const std::string why = not_a_regular_file(log.host_path); !why.empty()) {
      errors.push_back(make_error(log.display_path, "open_failed", why));
      continue;
    }
    try {
      opened_logs.push_back(registry::LogFile{log.display_path, open_artifact(log)});
    } catch (const ArtifactError& e) {
      errors.push_back(make_error(e, "open_failed"));
    }
  }
  registry::ReplayedHive replayed;
  try {
    replayed = registry::replay_logs(bytes, hive.string(), opened_logs);
  } catch (const ArtifactError& e) {
    return unreadable(e.detail(), e.offset());
  }
  for (auto& e : replayed.report.errors) errors.push_back(std::move(e));
  replayed.report.errors.clear();
  // Say so when the result is still not a readable hive (truncated, damaged beyond the logs).
  try {
    const registry::Hive check = registry::Hive::open(replayed.bytes, output.string());
    for (const auto& e : check.repairs()) errors.push_back(e);
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(hive.string(), "record",
                                "the replayed hive is not readable either: " + e.detail(),
                                e.offset()));
  }
  write_new_file(*replayed.bytes, output);

  header.evidence.push_back({hive.string(), "file", {}});
  sink.begin(header);
  // The finding describes the replay; its shape is that of the scan's registry.dirty_hive.
  const auto& report = replayed.report;
  Finding f = registry::dirty_hive_finding(
      hive.string(), report.dirty || report.primary_sequence != report.secondary_sequence,
      report.primary_sequence, report.secondary_sequence, &report);
  f.data["Output"] = output.string();
  if (!replayed.report.replayed)
    f.summary = hive.string() + ": nothing to replay; written as stored";
  f.summary += " -> " + output.string();
  pipeline::emit_counted(sink, outcome, f);
  ++outcome.stats.files;
  return finish();
}

}  // namespace sqltriage
