// Task Scheduler XML files decoded with pugixml (see task_xml.hpp).
#include "artifacts/registry/persistence/task_xml.hpp"

#include <pugixml.hpp>
#include <string_view>

#include "sqltriage/utf16.hpp"

namespace sqltriage::registry {

namespace {

constexpr std::size_t kMaxTriggers = 256;
constexpr std::size_t kMaxActions = 64;

/// The file as UTF-8, and how to map an offset in it back to the file.
struct Text {
  std::string utf8;
  std::size_t prefix = 0;  ///< bytes of byte order mark skipped
  bool utf16 = false;      ///< each code point of the text is 2 or 4 bytes in the file
};

Text decode(const std::uint8_t* b, std::size_t n) {
  Text t;
  if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
    t.prefix = 2;
    t.utf16 = true;
  } else if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
    t.prefix = 2;
    t.utf16 = true;
    std::u16string units;
    units.reserve((n - 2) / 2);
    for (std::size_t i = 2; i + 1 < n; i += 2)
      units.push_back(static_cast<char16_t>((b[i] << 8) | b[i + 1]));
    t.utf8 = utf16_to_wtf8(units);
    return t;
  } else if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
    t.prefix = 3;
  } else if (n >= 2 && b[0] == '<' && b[1] == 0) {
    t.utf16 = true;  // UTF-16LE without a byte order mark
  }
  if (t.utf16)
    t.utf8 = utf16le_to_wtf8(b + t.prefix, (n - t.prefix) / 2);
  else
    t.utf8.assign(reinterpret_cast<const char*>(b + t.prefix), n - t.prefix);
  return t;
}

/// The file offset of byte `at` of the decoded text.
std::size_t file_offset(const Text& t, std::size_t at) {
  if (!t.utf16) return t.prefix + at;
  std::size_t units = 0;
  for (std::size_t i = 0; i < at && i < t.utf8.size();) {
    const auto c = static_cast<unsigned char>(t.utf8[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return t.prefix + 2 * units;
}

nlohmann::ordered_json text_of(const pugi::xml_node& node) {
  const char* s = node.child_value();
  if (s == nullptr || *s == '\0') return nullptr;
  return std::string(s);
}

nlohmann::ordered_json bool_of(const pugi::xml_node& node) {
  const std::string_view s = node.child_value();
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return nullptr;
}

bool has_zone(std::string_view date) {
  const std::size_t t = date.find('T');
  if (t == std::string_view::npos) return false;
  const std::string_view time = date.substr(t);
  return time.back() == 'Z' || time.find('+') != std::string_view::npos ||
         time.find('-') != std::string_view::npos;
}

nlohmann::ordered_json triggers_of(const pugi::xml_node& triggers) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const pugi::xml_node& t : triggers.children()) {
    if (t.type() != pugi::node_element) continue;
    if (out.size() >= kMaxTriggers) break;
    nlohmann::ordered_json one = nlohmann::ordered_json::object();
    one["Type"] = t.name();
    one["StartBoundary"] = text_of(t.child("StartBoundary"));
    one["Enabled"] =
        t.child("Enabled") ? bool_of(t.child("Enabled")) : nlohmann::ordered_json(true);
    out.push_back(std::move(one));
  }
  return out;
}

nlohmann::ordered_json actions_of(const pugi::xml_node& actions) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const pugi::xml_node& a : actions.children()) {
    if (a.type() != pugi::node_element) continue;
    if (out.size() >= kMaxActions) break;
    nlohmann::ordered_json one = nlohmann::ordered_json::object();
    const std::string_view type = a.name();
    one["Type"] = std::string(type);
    const char* id = a.attribute("id").value();
    one["Id"] = *id ? nlohmann::ordered_json(id) : nlohmann::ordered_json(nullptr);
    if (type == "Exec") {
      one["Command"] = text_of(a.child("Command"));
      one["Arguments"] = text_of(a.child("Arguments"));
      one["WorkingDirectory"] = text_of(a.child("WorkingDirectory"));
    } else if (type == "ComHandler") {
      one["ClassId"] = text_of(a.child("ClassId"));
      one["Data"] = text_of(a.child("Data"));
    }
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace

TaskXml parse_task_xml(const std::uint8_t* bytes, std::size_t size) {
  TaskXml out;
  const Text text = decode(bytes, size);
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(text.utf8.data(), text.utf8.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    out.error = std::string("not well-formed XML: ") + parsed.description();
    out.error_offset = file_offset(text, static_cast<std::size_t>(parsed.offset));
    return out;
  }
  const pugi::xml_node task = doc.child("Task");
  if (!task) {
    out.error = "no Task element at the root";
    const std::ptrdiff_t at = doc.document_element().offset_debug();
    out.error_offset = file_offset(text, at < 0 ? 0 : static_cast<std::size_t>(at));
    return out;
  }
  const pugi::xml_node info = task.child("RegistrationInfo");
  const pugi::xml_node principal = task.child("Principals").child("Principal");
  const pugi::xml_node settings = task.child("Settings");
  const pugi::xml_node actions = task.child("Actions");
  auto& d = out.data;
  d["Author"] = text_of(info.child("Author"));
  d["Description"] = text_of(info.child("Description"));
  d["URI"] = text_of(info.child("URI"));
  d["RegistrationDate"] = text_of(info.child("Date"));
  d["UserId"] = text_of(principal.child("UserId"));
  d["GroupId"] = text_of(principal.child("GroupId"));
  d["RunLevel"] = text_of(principal.child("RunLevel"));
  d["LogonType"] = text_of(principal.child("LogonType"));
  d["Hidden"] =
      settings.child("Hidden") ? bool_of(settings.child("Hidden")) : nlohmann::ordered_json(false);
  d["Enabled"] =
      settings.child("Enabled") ? bool_of(settings.child("Enabled")) : nlohmann::ordered_json(true);
  d["Triggers"] = triggers_of(task.child("Triggers"));
  const char* context = actions.attribute("Context").value();
  d["ActionsContext"] =
      *context ? nlohmann::ordered_json(context) : nlohmann::ordered_json(nullptr);
  d["Actions"] = actions_of(actions);
  if (d["RegistrationDate"].is_string()) {
    const std::string date = d["RegistrationDate"].get<std::string>();
    if (has_zone(date)) out.registration_time = parse_iso8601(date);
  }
  return out;
}

}  // namespace sqltriage::registry
