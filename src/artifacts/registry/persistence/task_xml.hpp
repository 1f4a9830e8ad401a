// A Task Scheduler 2.0 task file (the XML below C:\Windows\System32\Tasks) decoded into a
// finding's data fields. Pure: bytes in, fields out.
//
// Format knowledge: Microsoft's "Task Scheduler Schema" (taskschd XML schema: the Task
// element with RegistrationInfo, Triggers, Principals, Settings, Actions). Windows writes
// these files as UTF-16LE with a byte order mark; UTF-8 files (with or without a BOM) are
// read too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sqltriage/filetime.hpp"

namespace sqltriage::registry {

struct TaskXml {
  /// The fields, in this order: Author, Description, URI, RegistrationDate (text as
  /// written), UserId, GroupId, RunLevel, LogonType, Hidden (bool), Enabled (bool; true when the
  /// element is absent, as the schema defaults), Triggers [{"Type": element name
  /// ("TimeTrigger", "BootTrigger", ...), "StartBoundary", "Enabled"}], ActionsContext,
  /// Actions [{"Type": "Exec", "Id", "Command", "Arguments", "WorkingDirectory"},
  /// {"Type": "ComHandler", "Id", "ClassId", "Data"}, {"Type": "SendEmail"|"ShowMessage",
  /// "Id"}]. Absent or empty text is null.
  nlohmann::ordered_json data = nlohmann::ordered_json::object();
  /// RegistrationDate as UTC when it carries a zone ("Z" or "+hh:mm"); std::nullopt when it
  /// is absent, unparsable, or local time without a zone (the usual case: Task Scheduler
  /// writes local time, and the machine's time zone is not known here).
  std::optional<Filetime> registration_time;
  /// Set when the file is not well-formed XML or has no Task root: the parser's message and
  /// the byte offset in the file where it stopped. `data` is then empty.
  std::optional<std::string> error;
  std::size_t error_offset = 0;
};

/// Decodes one task file. Never throws on content.
TaskXml parse_task_xml(const std::uint8_t* bytes, std::size_t size);

}  // namespace sqltriage::registry
