// Opening hives with their logs (see open_hive.hpp).
#include "artifacts/registry/open_hive.hpp"

#include <algorithm>
#include <array>

#include "core/ascii.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::array<const char*, 3> kLogSuffixes = {".LOG1", ".LOG2", ".LOG"};

/// The stored base block's sequence numbers; std::nullopt when it cannot be read.
std::optional<std::pair<std::uint32_t, std::uint32_t>> sequences(const ByteSource& bytes) {
  std::uint8_t head[12] = {};
  if (bytes.read_at(0, head, sizeof head) != sizeof head) return std::nullopt;
  return std::make_pair(le32(head + 4), le32(head + 8));
}

}  // namespace

std::vector<ArtifactFile> logs_beside(const Evidence& evidence, const ArtifactFile& hive) {
  std::vector<ArtifactFile> out;
  for (const char* suffix : kLogSuffixes)
    if (auto log = evidence.resolve(hive.display_path + suffix)) out.push_back(std::move(*log));
  return out;
}

std::vector<ArtifactFile> logs_beside(const std::filesystem::path& host_hive) {
  std::vector<ArtifactFile> out;
  std::error_code ec;
  const auto dir = host_hive.has_parent_path() ? host_hive.parent_path() : ".";
  std::vector<std::filesystem::path> names;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec)) names.push_back(it->path());
  std::sort(names.begin(), names.end());
  const std::string base = ascii_lower(host_hive.filename().string());
  for (const char* suffix : kLogSuffixes) {
    const std::string want = base + ascii_lower(suffix);
    for (const auto& p : names)
      if (ascii_lower(p.filename().string()) == want) {
        out.push_back(ArtifactFile{p.string(), p, {}});
        break;
      }
  }
  return out;
}

std::optional<OpenedHive> open_hive(const HiveFile& file, bool replay,
                                    std::vector<ErrorEntry>& errors) {
  std::shared_ptr<const ByteSource> bytes;
  try {
    bytes = open_artifact(file.file);
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(e, "open_failed"));
    return std::nullopt;
  } catch (const std::exception& e) {
    errors.push_back(make_error(file.file.display_path, "open_failed", e.what()));
    return std::nullopt;
  }
  std::optional<ReplayReport> report;
  std::uint32_t primary = 0;
  std::uint32_t secondary = 0;
  try {
    if (const auto seq = sequences(*bytes)) std::tie(primary, secondary) = *seq;
  } catch (const std::exception&) {
    // Hive::open below names the problem.
  }
  const bool header_dirty = primary != secondary;
  if (replay) {  // also for a clean hive: its base block checksum may need recomputing
    std::vector<LogFile> logs;
    for (const auto& log : file.logs) {
      try {
        logs.push_back(LogFile{log.display_path, open_artifact(log)});
      } catch (const ArtifactError& e) {
        errors.push_back(make_error(e, "open_failed"));
      } catch (const std::exception& e) {
        errors.push_back(make_error(log.display_path, "open_failed", e.what()));
      }
    }
    try {
      ReplayedHive replayed = replay_logs(bytes, file.file.display_path, logs);
      for (auto& e : replayed.report.errors) errors.push_back(std::move(e));
      replayed.report.errors.clear();
      bytes = std::move(replayed.bytes);
      report = std::move(replayed.report);
    } catch (const ArtifactError& e) {
      // The base block is unusable: Hive::open names the problem again; keep one entry.
      (void)e;
    }
  }
  try {
    OpenedHive opened{Hive::open(bytes, file.file.display_path), header_dirty, report, primary,
                      secondary};
    for (const auto& e : opened.hive.repairs()) errors.push_back(e);
    if (report) opened.dirty = opened.dirty || report->dirty;
    return opened;
  } catch (const ArtifactError& e) {
    errors.push_back(make_error(e, "open_failed"));
  }
  return std::nullopt;
}

Finding dirty_hive_finding(const std::string& display_path, bool dirty, std::uint32_t primary,
                           std::uint32_t secondary, const ReplayReport* r) {
  Finding f;
  f.type = "registry.dirty_hive";
  f.artifact.path = display_path;
  f.data["HivePath"] = display_path;
  f.data["PrimarySequenceNumber"] = primary;
  f.data["SecondarySequenceNumber"] = secondary;
  f.data["Dirty"] = dirty;
  f.data["BaseBlockValid"] = r ? nlohmann::ordered_json(r->base_block_valid) : nullptr;
  f.data["Replayed"] = r != nullptr && r->replayed;
  f.data["SequenceNumberAfter"] = r ? nlohmann::ordered_json(r->sequence_after) : nullptr;
  f.data["PagesChanged"] = r ? r->pages_changed : 0;
  f.data["SizeBefore"] = r ? nlohmann::ordered_json(r->size_before) : nullptr;
  f.data["SizeAfter"] = r ? nlohmann::ordered_json(r->size_after) : nullptr;
  auto logs = nlohmann::ordered_json::array();
  if (r)
    for (const auto& log : r->logs)
      logs.push_back({{"Path", log.display_path},
                      {"Format", log.format},
                      {"FirstSequenceNumber", log.first_sequence},
                      {"LastSequenceNumber", log.last_sequence},
                      {"Entries", log.entries},
                      {"Applied", log.applied}});
  f.data["Logs"] = std::move(logs);
  if (!r) {
    f.summary = display_path + " is dirty (sequence numbers " + std::to_string(primary) + " and " +
                std::to_string(secondary) + "); read as stored, its transaction logs not replayed";
  } else if (r->replayed) {
    f.summary = display_path + " was dirty: replayed " +
                std::to_string(std::count_if(r->logs.begin(), r->logs.end(),
                                             [](const LogUse& l) { return l.applied > 0; })) +
                " transaction log(s), " + std::to_string(r->pages_changed) + " page(s) changed";
  } else if (!r->base_block_valid) {
    f.summary = display_path + ": base block checksum wrong; read with the checksum recomputed" +
                " (no transaction log entry to apply)";
  } else {
    f.summary = display_path + " is dirty (sequence numbers " + std::to_string(primary) + " and " +
                std::to_string(secondary) +
                ") but no transaction log entry could be applied; read as stored";
  }
  return f;
}

HiveKind kind_from_name(std::string_view file_name) {
  const std::string name = ascii_lower(file_name);
  if (name == "system") return HiveKind::system;
  if (name == "software") return HiveKind::software;
  if (name == "sam") return HiveKind::sam;
  if (name == "security") return HiveKind::security;
  if (name == "ntuser.dat") return HiveKind::ntuser;
  if (name == "usrclass.dat") return HiveKind::usrclass;
  if (name == "amcache.hve") return HiveKind::amcache;
  return HiveKind::other;
}

HiveKind kind_from_content(const Hive& hive) {
  auto has = [&hive](std::string_view path) {
    try {
      return hive.key(path).has_value();
    } catch (const ArtifactError&) {
      return false;
    }
  };
  if (has("Select") && (has("ControlSet001") || has("ControlSet002"))) return HiveKind::system;
  if (has("SAM\\Domains")) return HiveKind::sam;
  if (has("Policy\\PolAcDmS") || has("Policy\\Secrets")) return HiveKind::security;
  if (has("Root\\InventoryApplicationFile") || has("Root\\File")) return HiveKind::amcache;
  if (has("Microsoft\\Windows NT\\CurrentVersion")) return HiveKind::software;
  if (has("Software") && (has("Control Panel") || has("Environment"))) return HiveKind::ntuser;
  if (has("Local Settings") || has("CLSID")) return HiveKind::usrclass;
  return HiveKind::other;
}

}  // namespace sqltriage::registry
