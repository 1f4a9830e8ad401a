// Checks: pure functions that raise a finding's severity with a reason. They read the
// finding's `data` by the artifact's own field names, so they are testable without files.
// Every check is described in docs/checks.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::checks {

// --- helpers shared by checks -------------------------------------------------------------

/// Last component of a Windows or POSIX path ("C:\a\b.exe" -> "b.exe"); quotes stripped.
std::string_view basename(std::string_view path);

/// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);

/// The executable path at the start of a command line or ImagePath: handles quotes,
/// "\??\" and "\SystemRoot\" prefixes, and unquoted paths with spaces ending in .exe.
std::string executable_from_command(std::string_view command_line);

/// Address class of an IPv4/IPv6 literal: "private" (10/8, 172.16/12, 192.168/16,
/// fc00::/7, fec0::/10), "loopback" (also the word LOCAL), "link-local", "shared"
/// (100.64/10), "unspecified", "public", or "invalid" ("-", empty, not an address,
/// multicast, 240/4, broadcast). ::ffff:a.b.c.d is classified as a.b.c.d.
std::string classify_ip(std::string_view address);

/// True when the path lies in a user-writable or web-served folder: ProgramData,
/// Users\Public, Windows\Temp, AppData, inetpub, $Recycle.Bin, PerfLogs, Users\*\Downloads,
/// Users\*\Desktop, Temp. Case-insensitive; '\' or '/'.
bool in_user_writable_or_web_folder(std::string_view path);

/// True when `name` is the image of a web server worker: w3wp.exe, httpd.exe, nginx.exe,
/// php-cgi.exe, php.exe, tomcat*.exe, java.exe, javaw.exe.
bool is_web_server_worker(std::string_view image_path);

// --- targets ------------------------------------------------------------------------------

/// Whether `value` names the target: with a path target (contains '\' or '/'), the value
/// contains it with a separator, quote, space or the string's end on both sides (so
/// C:\ProgramData does not match C:\ProgramData2); with a bare name, the value's basename
/// equals it or it occurs in the value as a whole path component / command-line token.
/// Case-insensitive.
bool names_target(std::string_view value, std::string_view target);

// --- the EVTX checks ----------------------------------------------------------------------

/// Runs every EVTX check on a finding made from an event (its data holds EventID, Channel
/// and the EventData fields) and records each hit with Finding::add_check.
void apply_evtx_checks(Finding& f);

// --- the MFT checks -----------------------------------------------------------------------

/// Runs every MFT check on an `mft.entry` finding (its data as docs/mft.md describes:
/// "Path", "Directory", "$STANDARD_INFORMATION", "$FILE_NAME", "Zone.Identifier",
/// "FileSignature") and records each hit with Finding::add_check: check_timestomping,
/// check_entry_internet_download, check_user_writable_executable.
void apply_mft_checks(Finding& f);

/// timestomping (medium, T1070.006): the $STANDARD_INFORMATION CreationTime is earlier than
/// the CreationTime of a Win32 or POSIX $FILE_NAME, or all four $STANDARD_INFORMATION times
/// have a zero sub-second part while some $FILE_NAME time does not. Times are read from the
/// ISO-8601 strings of the data (7 fractional digits, as format_filetime writes them).
void check_timestomping(Finding& f);

/// internet_download (the EVTX check, see docs/checks.md) on the entry's parsed
/// "Zone.Identifier" stream: ZoneId 3 or 4, HostUrl in the reason; medium for a file Windows
/// or a web server runs, low otherwise.
void check_entry_internet_download(Finding& f);

/// user_writable_executable (medium): a file (not a folder) in a user-writable or web-served
/// folder (in_user_writable_or_web_folder) whose name has a runnable extension or whose data
/// starts with "MZ" ("FileSignature": "MZ"); a well-known binary in one of its own folders
/// is not reported.
void check_user_writable_executable(Finding& f);

// --- the PE checks ------------------------------------------------------------------------

/// Runs every check on a `pe.file` finding (its data as docs/pe.md describes: "Path",
/// "PE", "VersionInfo", "Authenticode", "HashSets", "VirusTotal") and records each hit with
/// Finding::add_check: lookalike_name and known_name_wrong_folder (the latter only for
/// files found inside evidence, whose Windows folder is known), original_name_mismatch,
/// microsoft_claim_unsigned, microsoft_signature_untrusted, known_binary_wrong_signer,
/// known_binary_unsigned (only when the evidence's catalogs were searched),
/// signature_invalid, timedatestamp_zeroed / timedatestamp_future (`now` is a UTC FILETIME;
/// skipped for verified Microsoft signatures, whose reproducible builds store a hash there),
/// hashset_known_bad, virustotal_detections.
void apply_pe_checks(Finding& f, Filetime now);

// --- the registry checks ------------------------------------------------------------------

/// What the registry checks need beyond the finding: the analyst's targets and time window.
struct RegistryCheckOptions {
  std::vector<std::string> targets;  ///< --target NAME|PATH (names_target)
  std::optional<Filetime> since;     ///< window start (UTC FILETIME), from --pivot/--window
  std::optional<Filetime> until;     ///< window end
};

/// The paths and command lines a registry finding points at, by its type (docs/registry.md):
/// autorun Command/Data, service ImagePath/ServiceDll/FailureCommand, task action
/// Command/Arguments, startup_file/shimcache/bam/amcache Path, prefetch ExecutableName and
/// FilesReferenced.
std::vector<std::string> registry_finding_paths(const Finding& f);

/// Runs every registry check on a registry.* finding and records each hit with
/// Finding::add_check:
///  - persistence_target (high): a persistence entry (autorun, service, scheduled_task,
///    startup_file) names a --target; execution_of_target (high): execution evidence
///    (shimcache, bam, amcache, prefetch) names one. Techniques by entry: Run keys, Winlogon,
///    Active Setup, startup folder T1547.001 (Winlogon T1547.004, Active Setup T1547.014);
///    service T1543.003; scheduled task T1053.005; IFEO Debugger / SilentProcessExit
///    T1546.012; AppInit_DLLs T1546.010.
///  - persistence_user_writable (high): a persistence entry whose command or path lies in a
///    user-writable or web-served folder (in_user_writable_or_web_folder).
///  - execution_user_writable (low): execution evidence for a program in such a folder.
///  - written_in_window (medium): the key's LastWrite (Finding::time for key-based
///    findings; the registration or run time otherwise) inside [since, until].
///  - unquoted_service_path (low, T1574.009): a service ImagePath that is not quoted,
///    contains a space before the executable's ".exe", and is a drive path.
void apply_registry_checks(Finding& f, const RegistryCheckOptions& options);

// --- the webshell checks ------------------------------------------------------------------

/// What the webshell checks need beyond the finding: the analyst's time window.
struct WebshellCheckOptions {
  std::optional<Filetime> since;  ///< window start (UTC FILETIME), from --pivot/--window
  std::optional<Filetime> until;  ///< window end
};

/// Runs every check on a `webshell.file` finding (its data as docs/webshell.md describes:
/// "Matches", "Times", "Siblings", "Content", "RelativePath", "Extension", "Owner",
/// "WebRoot") and records each hit with Finding::add_check (all T1505.003):
///  - yara_match: one hit per matched rule, with the rule's meta severity (medium when the
///    meta has none or an unknown one);
///  - content_type_mismatch (high): a server-script extension whose bytes are a PE, ELF,
///    archive or image; or an image extension whose bytes hold server-script markers;
///  - recent_near_pivot (medium): a creation or last-write time inside [since, until] (on a
///    host file system, "Times.Source" "file system", the last write only: a copied file is
///    born at the copy);
///  - newer_than_siblings (low): created (inside an image) or written more than 30 days
///    after the median last-write time of at least 4 other files in its folder;
///  - obfuscated_script (low; medium when both): a line longer than 4,096 bytes, or a
///    Shannon entropy above 5.8 bits per byte over at least 1 KiB of script;
///  - script_in_upload_folder (medium): a server script below a folder named for uploads,
///    images, media, temporary or static files (upload*, images, img, media, temp, tmp, ...);
///  - owner_differs (medium): the file's owner SID is not the owner of most files of its web
///    root (at least 60 % of at least 5 files).
void apply_webshell_checks(Finding& f, const WebshellCheckOptions& options);

// --- the weblog checks --------------------------------------------------------------------

/// What the weblog checks need beyond the finding: the analyst's time window and what
/// counts as rare.
struct WeblogCheckOptions {
  std::optional<Filetime> since;  ///< window start (UTC FILETIME), from --pivot/--window
  std::optional<Filetime> until;  ///< window end
  unsigned rare_ips = 3;          ///< --rare: at most this many distinct client addresses
};

/// Runs every check on a weblog.* finding (its data as docs/weblog.md describes) and records
/// each hit with Finding::add_check:
///  - weblog.upload: upload_size_match (medium, T1105): a request whose size (cs-bytes) could
///    have carried the file, sent with POST, PUT or PATCH and answered 2xx (or with no status
///    logged); low for any other method or status. upload_near_pivot (high, T1105): such a
///    POST/PUT/PATCH answered 2xx inside [since, until].
///  - weblog.resource, when the resource is rare (ClientIpCount <= rare_ips, at least one
///    client address) and was answered 2xx at least once: rare_resource (low, T1190);
///    rare_script_post_200 (high, T1505.003): a server script ("Script": true) answered 200 to
///    a POST; first_seen_in_window (medium, T1505.003): FirstSeen inside [since, until].
///  - weblog.client: client_sent_upload (medium, T1105): it sent a matching request
///    ("UploadMatches" > 0); client_reached_rare_script (high, T1505.003): it reached a
///    resource that rare_script_post_200 raised ("RareScripts" not empty).
void apply_weblog_checks(Finding& f, const WeblogCheckOptions& options);

// --- the aws checks -----------------------------------------------------------------------
// docs/checks.md#aws-checks lists every check id with its severity and technique.

/// aws.permission and aws.role findings (data as docs/aws.md describes): one hit per sensitive
/// family the statement or role effectively grants (data "sensitive" entries with no
/// "denied_by"), with the family's check id, severity and techniques
/// (aws::sensitive_actions()); a grant only partly denied keeps its hit and says so.
void apply_aws_iam_checks(Finding& f);

/// What the CloudTrail checks need beyond the finding.
struct AwsCloudTrailCheckOptions {
  /// The instances' own addresses (--instance-ip and describe-instances exports).
  std::vector<std::string> instance_ips;
};

/// aws.api_call: sensitive calls (secret and parameter reads, new keys, users and login
/// profiles, policy attachment, bucket policies, trail tampering, reconnaissance such as
/// GetCallerIdentity and ListBuckets), one severity lower when the call failed; instance role
/// credentials used from an address that is not the instance's (T1552.005).
/// aws.credential_use: the same theft check over all the session's addresses.
void apply_aws_cloudtrail_checks(Finding& f, const AwsCloudTrailCheckOptions& options);

/// What the flow checks need beyond the finding.
struct AwsFlowCheckOptions {
  std::optional<Filetime> pivot;             ///< --pivot (UTC FILETIME)
  std::uint64_t egress_bytes = 10ull << 20;  ///< --egress-bytes
};

/// aws.flow_peer: lateral-movement ports with private peers, peers first seen after the pivot,
/// bytes sent to a public address at or above egress_bytes, REJECTed attempts.
void apply_aws_flow_checks(Finding& f, const AwsFlowCheckOptions& options);

}  // namespace sqltriage::checks
