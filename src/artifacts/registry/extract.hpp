// The registry subcommand's readers: each takes one hive (or the evidence, for files such as
// task XML, startup folders and prefetch) and emits findings. They are independent of each
// other; pipeline/registry_scan.cpp decides which hive goes to which reader and runs the
// checks afterwards. docs/registry.md documents every finding type and its data fields.
//
// Conventions for every reader:
//  - Findings carry the hive's display path as artifact.path, the hive offset of the key
//    when known, the event time in Finding::time (key LastWrite, last run, last modified),
//    and data fields named as the artifact names them (ImagePath, ServiceDll, ObjectName).
//    Times inside data are ISO-8601 UTC strings from format_filetime().
//  - A key or value that cannot be read becomes an ErrorEntry (code "record", naming the
//    hive, the key path and the offset that ArtifactError carries) and the reader goes on
//    with the next one. Readers never throw on content.
//  - Counts are bounded (kMaxSubkeys / kMaxValues); hitting a bound is an error entry with
//    code "limit".
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifacts/registry/hive.hpp"
#include "sqltriage/accounts.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/evidence.hpp"
#include "sqltriage/finding.hpp"

namespace sqltriage::registry {

inline constexpr std::size_t kMaxSubkeys = 200000;  ///< subkeys read per key
inline constexpr std::size_t kMaxValues = 100000;   ///< values read per key

/// Which hive a file is, from its name (SYSTEM, SOFTWARE, SAM, SECURITY, NTUSER.DAT,
/// UsrClass.dat, Amcache.hve) or, for other names, from its root keys.
enum class HiveKind { system, software, sam, security, ntuser, usrclass, amcache, other };
/// "SYSTEM", "SOFTWARE", "SAM", "SECURITY", "NTUSER.DAT", "UsrClass.dat", "Amcache.hve", "other".
std::string_view to_string(HiveKind kind);

/// One hive as the readers see it.
struct HiveContext {
  const Hive& hive;
  HiveKind kind = HiveKind::other;
  /// User hives (NTUSER.DAT, UsrClass.dat): the owner's SID ("" when unknown) and account
  /// name ("" when unknown), from ProfileList / the profile folder.
  std::string user_sid;
  std::string user_name;
  /// SID -> name for SIDs found inside hives (BAM keys, service ObjectName, task principals).
  const AccountNames& accounts;
};

/// Where readers put what they find. Findings go out as they are made (not collected).
struct Sink {
  std::function<void(Finding)> finding;
  std::vector<ErrorEntry>& errors;

  /// An ArtifactError from a key or value as an error entry with code "record".
  void record_error(const ArtifactError& e);
};

/// The finding for something stored under `key`: type, summary, artifact = the hive and key
/// offset, time = key LastWrite, and data {"Hive": the hive's kind name, "HivePath": its
/// display path, "KeyPath": key path below the root, "RegistryPath": "HKLM\SOFTWARE\..." /
/// "HKU\<SID>\..." / "HKLM\SYSTEM\...", "LastWrite": ISO time or null, and for user hives
/// "UserSid" / "UserName"}. Readers add their own fields after these.
Finding key_finding(std::string type, const HiveContext& hive, const Key& key);

/// The key at `path` below the root, or std::nullopt when absent; a damaged key becomes an
/// error entry (and std::nullopt).
std::optional<Key> find_key(const HiveContext& hive, std::string_view path, Sink& sink);

/// Each subkey of `key` (bounded by kMaxSubkeys), calling `visit`; a subkey that cannot be
/// opened, or an ArtifactError thrown by `visit`, becomes an error entry and the walk goes on.
void for_each_subkey(const Key& key, Sink& sink, const std::function<void(const Key&)>& visit);

/// Each value of `key` (bounded by kMaxValues), as for for_each_subkey.
void for_each_value(const Key& key, Sink& sink, const std::function<void(const Value&)>& visit);

/// A value's data as JSON for output: REG_SZ/REG_EXPAND_SZ -> string, REG_MULTI_SZ -> array
/// of strings, REG_DWORD / REG_QWORD -> number, anything else -> lower-case hex string
/// (at most 4096 bytes; longer data is cut and "…(N bytes)" appended).
nlohmann::ordered_json value_json(const Value& value);

/// `text`, or JSON null when it is empty or absent.
nlohmann::ordered_json or_null(const std::string& text);
nlohmann::ordered_json or_null(const std::optional<std::string>& text);

/// A FILETIME as format_filetime() text, or JSON null when it is absent, 0 (unset) or
/// 0x7FFFFFFFFFFFFFFF and above ("never", as account records store it).
nlohmann::ordered_json time_or_null(std::optional<Filetime> time);

/// The ControlSet00N key names of a SYSTEM hive, in order ("ControlSet001", ...), and which
/// is current (Select\Current; 0 when unknown).
struct ControlSets {
  std::vector<std::string> names;
  unsigned current = 0;
};
ControlSets control_sets(const HiveContext& system, Sink& sink);

// ---- persistence (src/artifacts/registry/persistence/) ----------------------------------

/// registry.autorun: Run, RunOnce, RunOnceEx (native and Wow6432Node), Policies\Explorer\Run,
/// Winlogon Shell/Userinit/Notify, Image File Execution Options Debugger, SilentProcessExit
/// MonitorProcess, AppInit_DLLs, Active Setup StubPath. SOFTWARE and NTUSER.DAT hives.
void read_autoruns(const HiveContext& hive, Sink& sink);
/// registry.service: every service of every ControlSet of a SYSTEM hive.
void read_services(const HiveContext& system, Sink& sink);
/// registry.scheduled_task from SOFTWARE's Schedule\TaskCache (Tree + Tasks).
void read_task_cache(const HiveContext& software, Sink& sink);
/// registry.scheduled_task from the XML task files under C:\Windows\System32\Tasks.
void read_task_files(const Evidence& evidence, const AccountNames& accounts, Sink& sink);
/// registry.startup_file: files in the all-users and every user's Startup folder.
void read_startup_folders(const Evidence& evidence, const AccountNames& accounts, Sink& sink);

// ---- execution evidence (src/artifacts/registry/execution/) -----------------------------

/// registry.shimcache: AppCompatCache entries of every ControlSet (the value in Session
/// Manager\AppCompatCache, and in AppCompatibility for XP), one finding per entry with
/// Position (0 = most recent). Layouts: XP 32-bit, Server 2003/Vista/2008, 7/2008 R2
/// (32-bit, x64), 8.0/2012, 8.1/2012 R2, 10/11/Server 2016-2022 (shimcache_layouts.hpp).
/// A damaged value gives the entries before the damage and one "record" error (artifact
/// offset = the value's cell; the message names the byte offset inside the value data and
/// the entry).
void read_shimcache(const HiveContext& system, Sink& sink);
/// registry.bam: {bam,dam}\State\UserSettings\<SID> (and {bam,dam}\UserSettings\<SID>)
/// of every ControlSet: one finding per executable value, time = its last execution.
void read_bam(const HiveContext& system, Sink& sink);
/// registry.amcache: Root\InventoryApplicationFile\<id> (Windows 10 1607+) and the older
/// Root\File\<volume>\<file reference> entries of Amcache.hve; time = key LastWrite.
void read_amcache(const HiveContext& amcache, Sink& sink);
/// registry.prefetch: every *.pf under C:\Windows\Prefetch (through libscca; compressed
/// Windows 10+ files included). For "folder"/"file" evidence, the loose *.pf files.
void read_prefetch(const Evidence& evidence, Sink& sink);

// ---- accounts (src/artifacts/registry/accounts/) -----------------------------------------

/// registry.account: local users of a SAM hive (RID, name, created, last logon, logon
/// count, disabled) and the ProfileList of a SOFTWARE hive.
void read_sam_users(const HiveContext& sam, Sink& sink);
void read_profiles(const HiveContext& software, Sink& sink);

}  // namespace sqltriage::registry
