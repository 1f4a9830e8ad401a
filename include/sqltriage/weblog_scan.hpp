// `sqltriage weblog`: what came in over HTTP. The web server logs of each evidence argument
// (IIS W3C logs under inetpub\logs\LogFiles\W3SVC* and System32\LogFiles\W3SVC*, Apache and
// nginx access logs in their usual Windows folders, or the log files given) are streamed once
// (weblog.hpp), and each request feeds the analysis of weblog_analysis.hpp:
// - upload matching: requests whose size (cs-bytes, %I) could have carried a file of the
//   size given with --size or taken from the --target file in the evidence;
// - resource stacking: every resource (path without query) with its requests, distinct client
//   addresses, methods, statuses, first and last seen; the rare ones reached by few addresses
//   are raised, above all server scripts answered 200 to POST and resources first seen inside
//   the --pivot window;
// - clients: per client address inside the window, its first request, resources, user agents
//   and statuses.
// Addresses of the --noise list are left out of the stacks and client summaries.
// docs/weblog.md describes the findings (weblog.log, weblog.upload, weblog.resource,
// weblog.client).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqltriage/evidence.hpp"
#include "sqltriage/evtx_scan.hpp"  // ScanOutcome
#include "sqltriage/filetime.hpp"
#include "sqltriage/output.hpp"
#include "sqltriage/weblog_analysis.hpp"

namespace sqltriage {

/// A file whose upload is sought.
struct UploadTarget {
  std::uint64_t size = 0;  ///< bytes
  std::string from;        ///< "--size", or the file's path in the evidence
};

/// The distinct sizes of the files `target` names in the evidence arguments: a Windows path
/// ("C:\ProgramData\sqlserver.exe") resolved in each evidence root or image, or a file name
/// looked up in each (an image's $FILE_NAMEs, a directory's tree, a folder's files) as the pe
/// subcommand does; failing those, a host file of that path. Throws std::invalid_argument
/// when it names no readable file (the caller reports a usage error before writing output).
std::vector<UploadTarget> resolve_upload_targets(const std::vector<std::filesystem::path>& inputs,
                                                 const EvidenceOptions& evidence,
                                                 const std::string& target);

struct WeblogScanOptions {
  /// Evidence arguments in the order given: an evidence root or disk image (its logs found
  /// at the usual places), a folder (every log file under it) or a log file.
  std::vector<std::filesystem::path> inputs;
  EvidenceOptions evidence;
  /// --format: an Apache LogFormat string, or "common" / "combined", for every log that is
  /// not W3C (W3C logs announce their own fields). std::nullopt: detected per file.
  std::optional<std::string> logformat;
  /// The sizes of the files whose upload is sought: --size, or resolve_upload_targets() of
  /// --target. Empty: no upload matching.
  std::vector<UploadTarget> uploads;
  /// --slack BYTES: a request matches when its size lies in [size, size + slack] (the
  /// multipart framing and headers around the file's bytes). Default 64 KiB.
  std::uint64_t slack = 64 * 1024;
  /// --noise FILE, already read.
  std::shared_ptr<const weblog::NoiseFilter> noise;
  /// --pivot/--window or --since/--until (UTC FILETIMEs): the client window, and resources
  /// first seen inside it are raised.
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  /// --rare N: a resource reached by at most N distinct (non-noise) client addresses is rare.
  unsigned rare_ips = 3;
  /// --top N: at most N weblog.resource and N weblog.client findings, the most severe and
  /// rarest first; a "limit" error says how many more there were.
  std::size_t top = 500;
  /// --all: a weblog.resource finding for every resource stacked, rare or not (still capped
  /// by top).
  bool every_resource = false;
};

/// Runs the scan, calling sink.begin / finding / error / end. Per evidence argument: one
/// weblog.log finding per log file as it is finished (with its weblog.upload matches before
/// it, in line order), then its weblog.resource and weblog.client findings. Throws
/// std::invalid_argument (a usage error) before the document begins for a LogFormat it
/// cannot use (weblog::Reader::open). Bad evidence never throws: unreadable logs, malformed lines
/// (the first 100 of a file each an error with its line number and byte offset, then one "limit"
/// error with the count), gzip streams cut short and a missing request size ("the log cannot
/// say") become error entries.
ScanOutcome scan_weblogs(const WeblogScanOptions& options, const std::string& command,
                         FindingSink& sink);

}  // namespace sqltriage
