// `sqltriage registry replay`: a dirty hive replayed from its logs, written to a new file so
// that tools without log replay read what Windows would.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "artifacts/registry/open_hive.hpp"
#include "artifacts/registry/replay.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/registry_scan.hpp"

namespace sqltriage {

namespace {

struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

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

  std::shared_ptr<const ByteSource> bytes;
  try {
    bytes = open_host_file(hive);
  } catch (const std::system_error& e) {
    throw EvidenceError(hive.string(),
                        std::string("cannot be opened for reading: ") + e.code().message());
  }
  std::vector<ArtifactFile> log_files;
  if (logs.empty()) {
    log_files = registry::logs_beside(hive);
  } else {
    for (const auto& log : logs) log_files.push_back(ArtifactFile{log.string(), log, {}});
  }
  std::vector<registry::LogFile> opened_logs;
  std::vector<ErrorEntry> errors;
  for (const auto& log : log_files) {
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
    throw EvidenceError(
        hive.string(),
        e.offset() ? e.detail() + " (offset " + std::to_string(*e.offset()) + ")" : e.detail());
  }
  for (auto& e : replayed.report.errors) errors.push_back(std::move(e));
  replayed.report.errors.clear();
  write_new_file(*replayed.bytes, output);

  DocumentHeader header;
  header.command = command;
  header.started = now_filetime();
  header.evidence.push_back({hive.string(), "file", {}});
  ScanOutcome outcome;
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
  sink.finding(f);
  ++outcome.stats.findings;
  ++outcome.stats.files;
  for (const auto& e : errors) {
    sink.error(e);
    ++outcome.stats.errors;
  }
  outcome.stats.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sink.end(outcome.stats);
  return outcome;
}

}  // namespace sqltriage
