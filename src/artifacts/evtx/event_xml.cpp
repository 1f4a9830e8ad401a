// Parsing the XML rendering of an event record (libevtx's utf8_xml_string) into an Event.
// libevtx 20181227 gives neither the channel nor EventData names through its API.
#include <charconv>
#include <cstring>
#include <pugixml.hpp>
#include <stdexcept>
#include <string>

#include "sqltriage/evtx.hpp"

namespace sqltriage::evtx {

namespace {

template <typename T>
std::optional<T> to_number(std::string_view s, int base = 10) {
  if (base == 16 && (s.substr(0, 2) == "0x" || s.substr(0, 2) == "0X")) s.remove_prefix(2);
  if (s.empty()) return std::nullopt;
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Leaf elements below `node`, in document order, as (name, text) pairs.
void collect_leaves(const pugi::xml_node& node,
                    std::vector<std::pair<std::string, std::string>>& out) {
  for (auto child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    if (child.find_child([](const pugi::xml_node& n) { return n.type() == pugi::node_element; })) {
      collect_leaves(child, out);
    } else {
      out.emplace_back(child.name(), child.child_value());
    }
  }
}

void read_system(const pugi::xml_node& sys, Event& e) {
  auto provider = sys.child("Provider");
  e.provider = provider.attribute("Name").value();
  if (e.provider.empty()) e.provider = provider.attribute("EventSourceName").value();
  e.provider_guid = provider.attribute("Guid").value();
  auto id = sys.child("EventID");
  if (auto v = to_number<std::uint16_t>(id.child_value())) e.event_id = *v;
  if (auto q = id.attribute("Qualifiers"); q && *q.value())
    e.qualifiers = to_number<std::uint16_t>(q.value());
  if (auto v = to_number<std::uint8_t>(sys.child("Level").child_value())) e.level = *v;
  if (auto v = to_number<std::uint16_t>(sys.child("Task").child_value())) e.task = *v;
  if (auto v = to_number<std::uint64_t>(sys.child("Keywords").child_value(), 16)) e.keywords = *v;
  if (auto t = parse_iso8601(sys.child("TimeCreated").attribute("SystemTime").value()))
    e.time_created = *t;
  if (auto v = to_number<std::uint64_t>(sys.child("EventRecordID").child_value())) e.record_id = *v;
  auto exec = sys.child("Execution");
  if (auto v = to_number<std::uint32_t>(exec.attribute("ProcessID").value())) e.process_id = *v;
  if (auto v = to_number<std::uint32_t>(exec.attribute("ThreadID").value())) e.thread_id = *v;
  e.channel = sys.child("Channel").child_value();
  e.computer = sys.child("Computer").child_value();
  e.user_id = sys.child("Security").attribute("UserID").value();
}

void read_event_data(const pugi::xml_node& data, Event& e) {
  int unnamed = 0;
  for (auto child : data.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view tag = child.name();
    if (tag == "Data") {
      std::string name = child.attribute("Name").value();
      if (name.empty()) name = "Data" + std::to_string(++unnamed);
      e.fields.emplace_back(std::move(name), child.child_value());
    } else {
      e.fields.emplace_back(std::string(tag), child.child_value());
    }
  }
}

}  // namespace

void parse_event_xml(std::string_view xml, Event& e) {
  pugi::xml_document doc;
  auto result =
      doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single,
                      pugi::encoding_utf8);
  if (!result)
    throw std::runtime_error(std::string("malformed record XML: ") + result.description() +
                             " at character " + std::to_string(result.offset));
  auto event = doc.child("Event");
  if (!event) throw std::runtime_error("record XML has no <Event> element");
  read_system(event.child("System"), e);
  for (auto section : event.children()) {
    if (section.type() != pugi::node_element) continue;
    std::string_view name = section.name();
    if (name == "System") continue;
    if (name == "EventData") {
      e.data_section = "EventData";
      read_event_data(section, e);
    } else if (name == "UserData") {
      e.data_section = "UserData";
      collect_leaves(section, e.fields);
    } else {
      if (e.data_section.empty()) e.data_section = std::string(name);
      collect_leaves(section, e.fields);
    }
  }
}

}  // namespace sqltriage::evtx
