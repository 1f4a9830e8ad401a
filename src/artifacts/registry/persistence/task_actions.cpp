// Decoding of TaskCache "Actions" and "DynamicInfo" values (see task_actions.hpp).
#include "artifacts/registry/persistence/task_actions.hpp"

#include <cstdio>

#include "core/little_endian.hpp"
#include "sqltriage/utf16.hpp"

namespace sqltriage::registry {

namespace {

/// Thrown inside the decoder only: where and why it stopped.
struct Stop {
  std::string why;
  std::size_t at;
};

/// A read position over the value's bytes; every read checks the end first.
class Cursor {
 public:
  Cursor(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

  std::size_t pos() const { return pos_; }
  bool at_end() const { return pos_ >= size_; }

  std::uint16_t u16(const char* what) {
    need(2, what);
    const std::uint16_t v = le16(data_ + pos_);
    pos_ += 2;
    return v;
  }
  std::uint32_t u32(const char* what) {
    need(4, what);
    const std::uint32_t v = le32(data_ + pos_);
    pos_ += 4;
    return v;
  }
  /// A u32 byte count then that many bytes of UTF-16LE.
  std::string string(const char* what) {
    const std::size_t start = pos_;
    const std::uint32_t bytes = u32(what);
    if (bytes % 2 != 0)
      throw Stop{std::string(what) + ": odd string length " + std::to_string(bytes), start};
    if (bytes > size_ - pos_)
      throw Stop{std::string(what) + ": string of " + std::to_string(bytes) +
                     " bytes runs past the end of the data (" + std::to_string(size_) + " bytes)",
                 start};
    std::string text = utf16le_to_wtf8(data_ + pos_, bytes / 2);
    pos_ += bytes;
    while (!text.empty() && text.back() == '\0') text.pop_back();
    return text;
  }
  /// A GUID in its registry form, "{00000000-0000-0000-0000-000000000000}".
  std::string guid(const char* what) {
    need(16, what);
    const std::uint8_t* g = data_ + pos_;
    char buf[40];
    std::snprintf(buf, sizeof buf, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                  static_cast<unsigned>(le32(g)), static_cast<unsigned>(le16(g + 4)),
                  static_cast<unsigned>(le16(g + 6)), g[8], g[9], g[10], g[11], g[12], g[13], g[14],
                  g[15]);
    pos_ += 16;
    return buf;
  }

 private:
  void need(std::size_t n, const char* what) const {
    if (n > size_ - pos_)
      throw Stop{std::string(what) + ": " + std::to_string(n) + " bytes needed, " +
                     std::to_string(size_ - pos_) + " left",
                 pos_};
  }

  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

nlohmann::ordered_json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

nlohmann::ordered_json decode_email(Cursor& in, nlohmann::ordered_json action) {
  static constexpr const char* kFields[] = {"From",    "To",     "Cc",      "Bcc",
                                            "ReplyTo", "Server", "Subject", "Body"};
  for (const char* field : kFields) action[field] = text_or_null(in.string(field));
  const std::size_t at_count = in.pos();
  const std::uint32_t attachments = in.u32("attachment count");
  if (attachments > kMaxEmailItems)
    throw Stop{"SendEmail action with " + std::to_string(attachments) + " attachments (limit " +
                   std::to_string(kMaxEmailItems) + ")",
               at_count};
  action["Attachments"] = nlohmann::ordered_json::array();
  for (std::uint32_t i = 0; i < attachments; ++i)
    action["Attachments"].push_back(in.string("attachment"));
  const std::size_t hd_count = in.pos();
  const std::uint32_t headers = in.u32("header count");
  if (headers > kMaxEmailItems)
    throw Stop{"SendEmail action with " + std::to_string(headers) + " headers (limit " +
                   std::to_string(kMaxEmailItems) + ")",
               hd_count};
  action["Headers"] = nlohmann::ordered_json::object();
  for (std::uint32_t i = 0; i < headers; ++i) {
    std::string name = in.string("header name");
    action["Headers"][name] = in.string("header value");
  }
  return action;
}

}  // namespace

TaskActions parse_task_actions(const std::uint8_t* data, std::size_t size) {
  TaskActions out;
  Cursor in(data, size);
  try {
    out.version = in.u16("version");
    if (out.version >= 2) out.context = in.string("context");
    while (!in.at_end()) {
      const std::size_t start = in.pos();
      if (out.actions.size() >= kMaxTaskActions)
        throw Stop{"more than " + std::to_string(kMaxTaskActions) + " actions", start};
      const std::uint16_t magic = in.u16("action magic");
      nlohmann::ordered_json action = nlohmann::ordered_json::object();
      switch (magic) {
        case 0x6666:
          action["Type"] = "Exec";
          break;
        case 0x7777:
          action["Type"] = "ComHandler";
          break;
        case 0x8888:
          action["Type"] = "SendEmail";
          break;
        case 0x9999:
          action["Type"] = "ShowMessage";
          break;
        default:
          throw Stop{"unknown action magic " + hex_offset(magic), start};
      }
      action["Id"] = text_or_null(in.string("action id"));
      switch (magic) {
        case 0x6666:
          action["Command"] = text_or_null(in.string("command"));
          action["Arguments"] = text_or_null(in.string("arguments"));
          action["WorkingDirectory"] = text_or_null(in.string("working directory"));
          if (out.version >= 3) in.u16("exec flags");
          break;
        case 0x7777:
          action["ClassId"] = in.guid("class id");
          action["Data"] = text_or_null(in.string("handler data"));
          break;
        case 0x8888:
          action = decode_email(in, std::move(action));
          break;
        default:
          action["Caption"] = text_or_null(in.string("caption"));
          action["Content"] = text_or_null(in.string("content"));
          break;
      }
      out.actions.push_back(std::move(action));
    }
  } catch (const Stop& stop) {
    out.error = stop.why;
    out.error_offset = stop.at;
  }
  return out;
}

std::string describe_actions(const nlohmann::ordered_json& actions) {
  if (!actions.is_array()) return "(no actions)";
  for (const auto& a : actions) {
    if (!a.is_object()) continue;
    if (a.contains("Command") && a["Command"].is_string()) {
      std::string s = a["Command"].get<std::string>();
      if (a.contains("Arguments") && a["Arguments"].is_string())
        s += " " + a["Arguments"].get<std::string>();
      return s;
    }
    if (a.contains("ClassId") && a["ClassId"].is_string())
      return "COM handler " + a["ClassId"].get<std::string>();
  }
  return "(no actions)";
}

std::optional<TaskDynamicInfo> parse_task_dynamic_info(const std::uint8_t* data, std::size_t size) {
  if (size != 28 && size != 36) return std::nullopt;
  auto time_at = [&](std::size_t at) -> std::optional<Filetime> {
    const Filetime t = le64(data + at);
    if (t == 0) return std::nullopt;
    return t;
  };
  TaskDynamicInfo info;
  info.created = time_at(4);
  info.last_run = time_at(12);
  if (size == 36) info.last_completed = time_at(28);
  return info;
}

}  // namespace sqltriage::registry
