// Internal to the timeline: the sources the scans do not emit per record — every registry
// key's LastWrite time and every web request — as timeline events.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"
#include "sqltriage/timeline.hpp"

namespace sqltriage::pipeline::timeline {

using EventFn = std::function<void(TimelineEvent)>;

/// What a source read: artifacts opened, records (keys, requests) turned into events.
struct SourceCounts {
  std::uint64_t files = 0;
  std::uint64_t records = 0;
};

/// One "Key Last Written" event per key of every hive of `evidence` (SYSTEM, SOFTWARE, SAM,
/// SECURITY, Amcache.hve, every profile's NTUSER.DAT and UsrClass.dat; or the loose hives
/// of a folder or file), dirty hives replayed in memory first. message = the key's registry
/// path ("HKLM\SYSTEM\ControlSet001\Services\X"), artifact = the hive with the key's cell
/// offset. Keys that cannot be read become "record" errors and the walk goes on.
SourceCounts registry_key_events(const Evidence& evidence, const EventFn& add,
                                 std::vector<ErrorEntry>& errors);

/// One "Request" event per request of every web server access log the weblog scan finds in
/// `evidence`: message "c-ip METHOD URI STATUS sc-bytes" ('-' for a field the log does not
/// record), artifact = the log with the line number and byte offset. Malformed lines are
/// counted in one "record" error per log; a cut gzip stream is a "truncated" error.
SourceCounts web_request_events(const Evidence& evidence, const EventFn& add,
                                std::vector<ErrorEntry>& errors);

}  // namespace sqltriage::pipeline::timeline
