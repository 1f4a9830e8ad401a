// `sqltriage webshell`: scripts in the web roots that look like webshells. The web roots come
// from the servers' configuration inside the evidence (web_roots.hpp) or are given; every
// script file under them is scanned with YARA rules (yara_rules.hpp: ours, the analyst's or
// both) and judged by heuristics (checks::apply_webshell_checks): times near the pivot or far
// newer than the file's siblings, content that disagrees with the extension, long lines or
// high entropy, scripts in upload/image/temp folders, an owner unlike the site's other files.
// docs/webshell.md describes the output.
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
#include "sqltriage/yara_rules.hpp"

namespace sqltriage {

struct WebshellScanOptions {
  /// Evidence arguments in the order given: an evidence root or disk image (web roots found
  /// in its configuration), a folder (taken as a web root itself) or a single file.
  std::vector<std::filesystem::path> inputs;
  EvidenceOptions evidence;
  /// --webroot WINPATH: more web roots inside Windows-layout evidence ("C:\sites\shop").
  std::vector<std::string> webroots;
  /// --rules / --rules-only / the cache folder.
  yara::RuleSetOptions rules;
  /// --all-files: scan every file, not only the script and image extensions.
  bool all_files = false;
  /// --max-size BYTES: larger files are not scanned (one "limit" error each). Default 32 MiB.
  std::uint64_t max_size = 32ull << 20;
  /// --timeout SECONDS per file for YARA (0 = none).
  int timeout_s = 10;
  /// Worker threads; 0 = the number of cores (at most 32, libyara's limit).
  unsigned threads = 0;
  /// --pivot/--window or --since/--until (UTC FILETIMEs): files created or changed inside are
  /// raised (check recent_near_pivot).
  std::optional<Filetime> since;
  std::optional<Filetime> until;
  /// --all: emit a finding for every scanned file, hits or not (severity info when none).
  bool every_file = false;
};

/// The extensions scanned by default, lower case with the dot: server scripts of IIS
/// (.aspx .ashx .asmx .asax .ascx .asp .asa .cer .cdx .config .svc .cshtml .vbhtml .soap
/// .rem), PHP (.php .php3 ... .phtml .phar .inc), Java (.jsp .jspx .jspf .jsw .jsv),
/// ColdFusion (.cfm .cfml .cfc), Perl/CGI (.pl .cgi .py), server-side includes (.shtml
/// .stm .shtm) and the image and text types webshells hide in (.jpg .jpeg .png .gif .bmp
/// .ico .txt .htaccess .user.ini).
const std::vector<std::string>& webshell_extensions();

/// Runs the scan, calling sink.begin / finding / error / end: per evidence argument, its web
/// roots in discovery order, the files of each root in path order, one `webshell.file`
/// finding per file with a YARA match or a heuristic hit (every file with `every_file`).
/// Throws yara::RuleError (the caller reports it as a usage error, exit 2) before the
/// document begins when the rules do not compile, and std::invalid_argument for options that
/// cannot work together. Bad evidence never throws: unreadable files, symbolic links (never
/// followed), files over max_size, scans that time out and web roots that are not in the
/// evidence become error entries.
ScanOutcome scan_webshells(const WebshellScanOptions& options, const std::string& command,
                           FindingSink& sink);

/// The same with the rules already loaded (yara::RuleSet::load of options.rules, which is then
/// not read): callers load them first so that rules that do not compile stop the run before
/// anything, an output file included, is written.
ScanOutcome scan_webshells(const WebshellScanOptions& options,
                           std::shared_ptr<const yara::RuleSet> rules, const std::string& command,
                           FindingSink& sink);

}  // namespace sqltriage
