// Reading Windows XML Event Log (EVTX) files.
//
// Format knowledge: libevtx's "Windows XML Event Log (EVTX) format" document and
// [MS-EVEN6] (binary XML). Records are parsed by libevtx 20181227; because that version
// returns neither the channel nor EventData field names, they are taken from the record's
// XML rendering (parsed with pugixml).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqltriage/byte_source.hpp"
#include "sqltriage/filetime.hpp"

namespace sqltriage::evtx {

/// Provider Names of the events sqltriage knows (the <Provider Name=...> of each event).
namespace provider {
inline constexpr std::string_view kSecurity = "Microsoft-Windows-Security-Auditing";
inline constexpr std::string_view kEventlog = "Microsoft-Windows-Eventlog";
inline constexpr std::string_view kServiceControlManager = "Service Control Manager";
inline constexpr std::string_view kRemoteConnectionManager =
    "Microsoft-Windows-TerminalServices-RemoteConnectionManager";
inline constexpr std::string_view kLocalSessionManager =
    "Microsoft-Windows-TerminalServices-LocalSessionManager";
inline constexpr std::string_view kSysmon = "Microsoft-Windows-Sysmon";
}  // namespace provider

/// One event record: the <System> fields and the event's own fields as text.
struct Event {
  std::uint16_t event_id = 0;               ///< EventID without Qualifiers
  std::optional<std::uint16_t> qualifiers;  ///< EventID Qualifiers attribute, when present
  std::uint64_t record_id = 0;              ///< EventRecordID
  Filetime time_created = 0;                ///< TimeCreated SystemTime (UTC FILETIME)
  std::string provider;                     ///< Provider Name
  std::string provider_guid;                ///< Provider Guid, "{...}" or empty
  std::string channel;                      ///< Channel, e.g. "Security"
  std::string computer;                     ///< Computer
  std::optional<std::uint8_t> level;        ///< Level
  std::optional<std::uint16_t> task;        ///< Task
  std::optional<std::uint64_t> keywords;    ///< Keywords (hex in the XML)
  std::optional<std::uint32_t> process_id;  ///< Execution ProcessID (of the logging process)
  std::optional<std::uint32_t> thread_id;   ///< Execution ThreadID
  std::string user_id;                      ///< Security UserID (a SID) or empty
  /// "EventData", "UserData" or empty when the event has neither.
  std::string data_section;
  /// EventData <Data Name="..."> items, or the leaf elements of UserData, in document order,
  /// values exactly as the XML text. Unnamed EventData items are named "Data1", "Data2", ...;
  /// <Binary> is "Binary".
  std::vector<std::pair<std::string, std::string>> fields;
  /// Byte offset of the record in the file, when libevtx knows it (20181227 mostly does not).
  std::optional<std::uint64_t> offset;
  bool recovered = false;  ///< came from libevtx's recovered (deleted/slack) records
};

/// Looks a field up by name; nullptr when absent.
const std::string* find_field(const Event& e, std::string_view name);

/// Decides, from what the record header gives cheaply, whether a record is worth rendering.
/// Arguments: EventID, Provider Name, written time (UTC FILETIME).
using Prefilter = std::function<bool(std::uint16_t, std::string_view, Filetime)>;

/// An open EVTX file. Not thread-safe: use one Reader per thread (libevtx keeps state).
class Reader {
 public:
  /// Opens `host_path` read-only. `display_path` names the file in errors.
  /// Throws ArtifactError when the file cannot be opened or is not EVTX.
  Reader(const std::filesystem::path& host_path, std::string display_path);
  /// Opens EVTX bytes from any source (a file inside an image, a window of chunks).
  Reader(std::shared_ptr<const ByteSource> source, std::string display_path);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  /// Records libevtx can index, and records it recovered from free space.
  std::size_t record_count() const;
  std::size_t recovered_count() const;

  /// Reads record `index` (of the recovered records when `recovered`). Returns std::nullopt
  /// when `keep` rejects it (then no XML is rendered). Throws ArtifactError for a damaged
  /// record, naming the file, the record index and (when known) the offset.
  std::optional<Event> read(std::size_t index, bool recovered, const Prefilter& keep);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Fills `e` from the XML rendering of a record (as libevtx's utf8_xml_string gives it).
/// Throws ArtifactError-free std::runtime_error on malformed XML.
void parse_event_xml(std::string_view xml, Event& e);

/// The event's data as the findings document carries it: the System fields (EventID,
/// EventRecordID, TimeCreated, Provider, Channel, Computer, Level, UserID, ...) followed by
/// the event's own fields by name, typed where the type is known: decimal counters and
/// process ids as numbers, logon ids as lower-case "0x..." strings, GUIDs upper-case in
/// braces, LogonType with LogonTypeName, Sysmon Hashes split into MD5/SHA1/SHA256/IMPHASH.
/// Text that does not fit its expected type is kept verbatim. A repeated field becomes an
/// array; an event field named like a System field is written as "<Section>.<Name>"
/// (System 104's cleared log: "UserData.Channel").
nlohmann::ordered_json event_data(const Event& e);

}  // namespace sqltriage::evtx
