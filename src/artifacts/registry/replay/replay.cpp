// replay_logs: reads the logs, decides what applies, and builds the overlay.
#include "artifacts/registry/replay.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "artifacts/registry/replay/base_block.hpp"
#include "artifacts/registry/replay/log_formats.hpp"
#include "artifacts/registry/replay/overlay_source.hpp"
#include "core/ascii.hpp"
#include "core/little_endian.hpp"
#include "sqltriage/error.hpp"

namespace sqltriage::registry {

namespace {

using namespace replay;

/// One log after its base block was read.
struct ReadLog {
  std::size_t index = 0;  // in the caller's list
  BaseBlock base;
  std::vector<NewLogEntry> entries;  // new format
  std::optional<OldLog> old;         // old format
};

bool all_zero(const std::uint8_t* p, std::size_t n) {
  return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
}

/// Reads a log's base block; std::nullopt (with `use.format` and an error) when the log is
/// empty or not usable.
std::optional<BaseBlock> read_log_base_block(const LogFile& log, LogUse& use,
                                             std::vector<ErrorEntry>& errors) {
  const std::uint64_t size = log.bytes ? log.bytes->size() : 0;
  if (size == 0) {
    use.format = "empty";
    return std::nullopt;
  }
  use.format = "invalid";
  std::array<std::uint8_t, kLogBaseBlockSize> buf{};
  if (size < kLogBaseBlockSize || log.bytes->read_at(0, buf.data(), buf.size()) != buf.size()) {
    errors.push_back(make_error(log.display_path, "open_failed",
                                "not a transaction log: " + std::to_string(size) +
                                    " bytes, shorter than a 512-byte log base block",
                                0));
    return std::nullopt;
  }
  if (all_zero(buf.data(), buf.size())) {
    use.format = "empty";
    return std::nullopt;
  }
  BaseBlock base = parse_base_block(buf.data(), buf.size());
  if (!base.signature_ok) {
    errors.push_back(make_error(log.display_path, "open_failed",
                                "not a transaction log: no \"regf\" signature", 0));
    return std::nullopt;
  }
  if (base.file_type != kFileTypeNewLog && base.file_type != kFileTypeOldLog &&
      base.file_type != kFileTypeOldLogVeryOld) {
    errors.push_back(make_error(log.display_path, "open_failed",
                                "not a transaction log: file type " +
                                    std::to_string(base.file_type) +
                                    " (logs have 1, 2 or 6; 0 is a primary hive)",
                                28));
    return std::nullopt;
  }
  if (!base.checksum_ok()) {
    errors.push_back(make_error(log.display_path, "record",
                                "log base block checksum " + hex_offset(base.stored_checksum) +
                                    " does not match the computed " +
                                    hex_offset(base.computed_checksum) + "; log not used",
                                kChecksumOffset));
    return std::nullopt;
  }
  if (base.primary_sequence != base.secondary_sequence) {
    errors.push_back(make_error(log.display_path, "record",
                                "log base block sequence numbers differ (" +
                                    std::to_string(base.primary_sequence) + ", " +
                                    std::to_string(base.secondary_sequence) +
                                    "): the log was not completely written; log not used",
                                4));
    return std::nullopt;
  }
  use.format = base.file_type == kFileTypeNewLog ? "new" : "old";
  return base;
}

/// The last-written time a log must not predate: the base block's, or the first hive bin's
/// copy when the base block is damaged.
std::uint64_t hive_written_time(const ByteSource& hive, const BaseBlock& base) {
  if (base.checksum_ok()) return base.last_written;
  std::array<std::uint8_t, 32> bin{};
  if (hive.read_at(kBaseBlockSize, bin.data(), bin.size()) == bin.size() && bin[0] == 'h' &&
      bin[1] == 'b' && bin[2] == 'i' && bin[3] == 'n')
    return le64(bin.data() + 20);
  return 0;
}

/// Offset and size of the base block's file name: the last characters of the hive's path,
/// UTF-16LE ("\\SystemRoot\\System32\\Config\\SAM"); a log's base block copies its hive's.
constexpr std::size_t kFileNameOffset = 48;
constexpr std::size_t kFileNameSize = 64;

std::string hive_name(const BaseBlock& b) {
  std::string name;
  for (std::size_t i = kFileNameOffset; i + 1 < kFileNameOffset + kFileNameSize; i += 2) {
    const std::uint16_t unit = le16(b.bytes.data() + i);
    if (unit == 0) break;
    name.push_back(unit < 0x80 ? static_cast<char>(unit) : '?');
  }
  return name;
}

/// Whether a log was written for this hive: both base blocks name the same file (ASCII case
/// ignored), or one of them names none.
bool same_hive(const BaseBlock& hive, const BaseBlock& log) {
  if (hive.bytes.size() < kFileNameOffset + kFileNameSize ||
      log.bytes.size() < kFileNameOffset + kFileNameSize)
    return true;
  const std::string a = ascii_lower(hive_name(hive));
  const std::string b = ascii_lower(hive_name(log));
  return a.empty() || b.empty() || a == b;
}

/// A new-format log whose base block is sound but which holds no valid entry: silent when the
/// space after the base block is zeros (a log Windows reset), an error otherwise.
void report_no_entry(const LogFile& log, std::vector<ErrorEntry>& errors) {
  std::array<std::uint8_t, 4> head{};
  const std::size_t n = log.bytes->read_at(kLogBaseBlockSize, head.data(), head.size());
  if (n == 0 || all_zero(head.data(), n)) return;
  errors.push_back(make_error(log.display_path, "record",
                              "no valid log entry at offset 512 (no \"HvLE\" entry whose sizes "
                              "and hashes check out); nothing in this log is applied",
                              kLogBaseBlockSize));
}

}  // namespace

ReplayedHive replay_logs(std::shared_ptr<const ByteSource> hive, const std::string& display_path,
                         const std::vector<LogFile>& logs) {
  if (!hive) throw ArtifactError(display_path, "no hive bytes", 0);
  const std::uint64_t hive_size = hive->size();
  if (hive_size < kBaseBlockSize)
    throw ArtifactError(
        display_path,
        "hive is " + std::to_string(hive_size) + " bytes, shorter than its 4096-byte base block",
        hive_size);
  std::vector<std::uint8_t> block(kBaseBlockSize);
  if (hive->read_at(0, block.data(), block.size()) != block.size())
    throw ArtifactError(display_path, "base block unreadable", 0);
  const BaseBlock base = parse_base_block(block.data(), block.size());
  if (!base.signature_ok)
    throw ArtifactError(display_path, "not a registry hive: no \"regf\" signature", 0);

  ReplayedHive out;
  ReplayReport& r = out.report;
  r.primary_sequence = base.primary_sequence;
  r.secondary_sequence = base.secondary_sequence;
  r.base_block_valid = base.checksum_ok();
  r.dirty = base.dirty();
  r.sequence_after = base.secondary_sequence;
  r.size_before = hive_size;
  r.size_after = hive_size;

  // Read every log: base block, then its entries or dirty vector.
  std::vector<ReadLog> new_logs;
  std::vector<ReadLog> old_logs;
  for (std::size_t i = 0; i < logs.size(); ++i) {
    LogUse use;
    use.display_path = logs[i].display_path;
    auto log_base = read_log_base_block(logs[i], use, r.errors);
    if (log_base && !same_hive(base, *log_base)) {
      r.errors.push_back(make_error(logs[i].display_path, "open_failed",
                                    "belongs to another hive: its base block names \"" +
                                        hive_name(*log_base) + "\", the hive's names \"" +
                                        hive_name(base) + "\"; log not used",
                                    kFileNameOffset));
      use.format = "invalid";
      log_base.reset();
    }
    if (log_base) {
      ReadLog rl;
      rl.index = i;
      rl.base = std::move(*log_base);
      if (rl.base.file_type == kFileTypeNewLog) {
        rl.entries = read_new_log(*logs[i].bytes, rl.base, logs[i].display_path, r.errors);
        use.entries = rl.entries.size();
        if (rl.entries.empty()) report_no_entry(logs[i], r.errors);
        if (!rl.entries.empty()) {
          use.first_sequence = rl.entries.front().sequence;
          use.last_sequence = rl.entries.back().sequence;
          new_logs.push_back(std::move(rl));
        }
      } else {
        rl.old = read_old_log(*logs[i].bytes, rl.base, logs[i].display_path, r.errors);
        if (rl.old) {
          use.entries = 1;
          use.first_sequence = use.last_sequence = rl.base.primary_sequence;
          old_logs.push_back(std::move(rl));
        }
      }
    }
    r.logs.push_back(std::move(use));
  }

  // Entries at or past the secondary sequence number make the hive dirty (new format).
  auto already_in_hive = [&](std::uint32_t sequence) {
    return base.checksum_ok() && sequence_before(sequence, base.secondary_sequence);
  };
  for (const auto& l : new_logs)
    for (const auto& e : l.entries)
      if (!already_in_hive(e.sequence)) r.dirty = true;

  SectorMap map;
  std::optional<std::uint32_t> last_sequence;
  std::uint32_t hbds = base.hive_bins_data_size;
  std::uint32_t root_cell = base.root_cell;
  std::uint32_t flags = base.flags;
  const BaseBlock* replacement_base = nullptr;  // when the hive's own base block is damaged

  if (r.dirty && !new_logs.empty()) {
    std::stable_sort(new_logs.begin(), new_logs.end(), [](const ReadLog& a, const ReadLog& b) {
      return sequence_before(a.entries.front().sequence, b.entries.front().sequence);
    });
    bool stopped = false;
    for (const auto& l : new_logs) {
      for (const auto& e : l.entries) {
        if (already_in_hive(e.sequence)) continue;
        if (last_sequence && e.sequence != static_cast<std::uint32_t>(*last_sequence + 1)) {
          r.errors.push_back(
              make_error(logs[l.index].display_path, "record",
                         "replay stopped after sequence number " + std::to_string(*last_sequence) +
                             ": the next entry found is " + std::to_string(e.sequence) +
                             "; it and later entries are not applied",
                         e.offset));
          stopped = true;
          break;
        }
        apply_new_log_entry(*logs[l.index].bytes, e, static_cast<std::uint32_t>(l.index), map);
        last_sequence = e.sequence;
        hbds = e.hive_bins_data_size;
        flags = e.flags;
        if (!base.checksum_ok() && replacement_base == nullptr) replacement_base = &l.base;
        ++r.logs[l.index].applied;
      }
      if (stopped) break;
    }
    if (!base.checksum_ok() && replacement_base != nullptr) root_cell = replacement_base->root_cell;
  } else if (base.dirty() && !old_logs.empty()) {
    const std::uint64_t written = hive_written_time(*hive, base);
    for (const auto& l : old_logs) {
      if (l.base.last_written < written) continue;  // an older log, already in the hive
      if (!apply_old_log(*logs[l.index].bytes, *l.old, static_cast<std::uint32_t>(l.index),
                         logs[l.index].display_path, map, r.errors))
        continue;  // Windows switches to the next log after an error
      last_sequence = l.base.primary_sequence;
      hbds = l.base.hive_bins_data_size;
      root_cell = l.base.root_cell;
      flags = l.base.flags;
      if (!base.checksum_ok()) replacement_base = &l.base;
      ++r.logs[l.index].applied;
      break;
    }
  }

  if (!last_sequence && !base.checksum_ok()) {
    // Nothing to replay but the base block's checksum is wrong: libregf refuses such a hive,
    // Windows would recover it. Present it with the checksum recomputed, and say so.
    r.errors.push_back(make_error(display_path, "record",
                                  "base block checksum " + hex_offset(base.stored_checksum) +
                                      " does not match the computed " +
                                      hex_offset(base.computed_checksum) +
                                      "; the hive is read with the checksum recomputed",
                                  kChecksumOffset));
    std::vector<std::uint8_t> fixed = base.bytes;
    put_le32(fixed.data() + kChecksumOffset, base.computed_checksum);
    std::vector<std::shared_ptr<const ByteSource>> none;
    out.bytes = std::make_shared<OverlaySource>(std::move(hive), std::move(fixed), hive_size,
                                                std::move(none), map);
    return out;
  }
  if (!last_sequence) {
    out.bytes = std::move(hive);
    return out;
  }
  std::vector<std::uint8_t> new_block =
      replacement_base != nullptr ? replacement_base->bytes : base.bytes;
  rewrite_base_block(new_block, *last_sequence, hbds, root_cell, flags);
  r.replayed = true;
  r.sequence_after = *last_sequence;
  r.pages_changed = map.pages_changed();
  r.size_after = std::max<std::uint64_t>(hive_size, kBaseBlockSize + std::uint64_t{hbds});
  std::vector<std::shared_ptr<const ByteSource>> sources;
  sources.reserve(logs.size());
  for (const auto& l : logs) sources.push_back(l.bytes);
  out.bytes = std::make_shared<OverlaySource>(std::move(hive), std::move(new_block), r.size_after,
                                              std::move(sources), map);
  return out;
}

}  // namespace sqltriage::registry
