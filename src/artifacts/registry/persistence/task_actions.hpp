// The binary values of a scheduled task in SOFTWARE's Schedule\TaskCache\Tasks\{GUID}:
// "Actions" (what the task runs) and "DynamicInfo" (times the Task Scheduler service keeps).
// Pure parsers over bytes already read from the hive; no I/O.
//
// Format knowledge (Microsoft does not document these values):
//  - Actions: the public analysis "Windows Registry Analysis - Today's Episode: Tasks"
//    (cyber.wtf, 2022, with its Kaitai Struct definitions) and GhostTask's notes. Layout,
//    little-endian, strings as a u32 byte count then that many bytes of UTF-16LE:
//      u16 version (1 on Windows 7 and 8.1; 2 or 3 on Windows 10 and later)
//      version >= 2: string context (the principal the actions run as, e.g. "Author")
//      then actions until the end of the data, each:
//        u16 magic, string id (the XML Actions/Exec "id" attribute, often empty)
//        0x6666 Exec:        string command, string arguments, string working directory,
//                            version >= 3: u16 flags
//        0x7777 ComHandler:  16-byte CLSID, string data
//        0x8888 SendEmail:   strings from, to, cc, bcc, reply-to, server, subject, body;
//                            u32 n + n strings (attachments); u32 m + m string pairs
//                            (header name, value)
//        0x9999 ShowMessage: strings caption, content
//  - DynamicInfo: RegRipper's taskcache/tasks plugins (2020-04-27): 28 or 36 bytes,
//    u32 at 0, then FILETIMEs (UTC) at 4 (task created), 12 (last run) and, in the 36-byte
//    form, 28 (last completed); 0 means never.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sqltriage/filetime.hpp"

namespace sqltriage::registry {

/// At most this many actions are decoded (Task Scheduler allows 32 per task).
inline constexpr std::size_t kMaxTaskActions = 64;
/// At most this many attachments or headers are decoded per SendEmail action.
inline constexpr std::size_t kMaxEmailItems = 256;

struct TaskActions {
  std::uint16_t version = 0;
  /// The context string of version >= 2 ("" otherwise).
  std::string context;
  /// One object per decoded action, in order:
  ///   {"Type": "Exec", "Id", "Command", "Arguments", "WorkingDirectory"}
  ///   {"Type": "ComHandler", "Id", "ClassId" ("{XXXXXXXX-XXXX-...}"), "Data"}
  ///   {"Type": "SendEmail", "Id", "From", "To", "Cc", "Bcc", "ReplyTo", "Server",
  ///    "Subject", "Body", "Attachments" [..], "Headers" {name: value}}
  ///   {"Type": "ShowMessage", "Id", "Caption", "Content"}
  /// Empty strings are JSON null; "Id" is null when empty.
  nlohmann::ordered_json actions = nlohmann::ordered_json::array();
  /// Why decoding stopped early (a length past the end, an unknown magic, too many
  /// actions), and the byte offset inside the value's data where it did. The actions
  /// before it are kept.
  std::optional<std::string> error;
  std::size_t error_offset = 0;
};

/// Decodes an "Actions" value. Never throws on content; every length is checked against
/// the data's end before it is used.
TaskActions parse_task_actions(const std::uint8_t* data, std::size_t size);

struct TaskDynamicInfo {
  std::optional<Filetime> created;
  std::optional<Filetime> last_run;
  std::optional<Filetime> last_completed;
};

/// One line for a summary: the first Exec action's command and arguments, or the first COM
/// handler's class id; "(no actions)" for anything else. `actions` is an Actions array as
/// above (or as task_xml.hpp gives it).
std::string describe_actions(const nlohmann::ordered_json& actions);

/// Decodes a "DynamicInfo" value; std::nullopt when it is neither 28 nor 36 bytes long.
std::optional<TaskDynamicInfo> parse_task_dynamic_info(const std::uint8_t* data, std::size_t size);

}  // namespace sqltriage::registry
