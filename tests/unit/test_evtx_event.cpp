// From a record's XML rendering to the typed `data` of a finding.
#include "artifacts/evtx/event_catalog.hpp"
#include "sqltriage/evtx.hpp"
#include "support.hpp"

using namespace sqltriage;

namespace {
// A 4624 as libevtx renders it (values from a Windows Server 2016 Security log).
constexpr const char* k4624 =
    R"(<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">
  <System>
    <Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}"/>
    <EventID>4624</EventID>
    <Version>2</Version>
    <Level>0</Level>
    <Task>12544</Task>
    <Opcode>0</Opcode>
    <Keywords>0x8020000000000000</Keywords>
    <TimeCreated SystemTime="2023-02-20T14:03:11.123456789Z"/>
    <EventRecordID>4711</EventRecordID>
    <Correlation/>
    <Execution ProcessID="640" ThreadID="2284"/>
    <Channel>Security</Channel>
    <Computer>WEB01.corp.example</Computer>
    <Security/>
  </System>
  <EventData>
    <Data Name="SubjectUserSid">S-1-5-18</Data>
    <Data Name="SubjectLogonId">0x00000000000003E7</Data>
    <Data Name="TargetUserName">M&#252;ller &amp; &lt;admin&gt;</Data>
    <Data Name="TargetLogonId">0x1A2B3C</Data>
    <Data Name="LogonType">10</Data>
    <Data Name="LogonGuid">{7a1b2c3d-0000-1111-2222-333344445555}</Data>
    <Data Name="ProcessId">0x2f4</Data>
    <Data Name="IpAddress">203.0.113.45</Data>
    <Data Name="IpPort">-</Data>
    <Data Name="Blank"> </Data>
    <Data>unnamed one</Data>
    <Data>unnamed two</Data>
  </EventData>
</Event>)";
}  // namespace

TEST_CASE("parse_event_xml reads System fields and EventData by name") {
  evtx::Event e;
  evtx::parse_event_xml(k4624, e);
  CHECK(e.event_id == 4624);
  CHECK(e.record_id == 4711);
  CHECK(e.provider == "Microsoft-Windows-Security-Auditing");
  CHECK(e.channel == "Security");
  CHECK(e.computer == "WEB01.corp.example");
  CHECK(e.keywords == 0x8020000000000000ULL);
  CHECK(e.process_id == 640u);
  // 9 fractional digits are truncated to FILETIME's 100 ns.
  CHECK(format_filetime(e.time_created) == "2023-02-20T14:03:11.1234567Z");
  CHECK(e.data_section == "EventData");
  REQUIRE(e.fields.size() == 12);
  CHECK(*evtx::find_field(e, "TargetUserName") == "M\xC3\xBCller & <admin>");
  CHECK(*evtx::find_field(e, "Blank") == " ");
  CHECK(*evtx::find_field(e, "Data1") == "unnamed one");
  CHECK(*evtx::find_field(e, "Data2") == "unnamed two");
}

TEST_CASE("event_data types numbers, ids and GUIDs and keeps the rest verbatim") {
  evtx::Event e;
  evtx::parse_event_xml(k4624, e);
  auto d = evtx::event_data(e);
  CHECK(d["EventID"] == 4624);
  CHECK(d["TimeCreated"] == "2023-02-20T14:03:11.1234567Z");
  CHECK(d["LogonType"] == 10);
  CHECK(d["LogonTypeName"] == "RemoteInteractive");
  CHECK(d["SubjectLogonId"] == "0x3e7");
  CHECK(d["TargetLogonId"] == "0x1a2b3c");
  CHECK(d["ProcessId"] == 0x2f4);
  CHECK(d["LogonGuid"] == "{7A1B2C3D-0000-1111-2222-333344445555}");
  CHECK(d["IpPort"] == "-");  // not a number: kept as text
  CHECK(d["Keywords"] == "0x8020000000000000");
  // Field order follows the XML after the System fields.
  std::vector<std::string> keys;
  for (auto it = d.begin(); it != d.end(); ++it) keys.push_back(it.key());
  auto pos = [&](const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) - keys.begin();
  };
  CHECK(pos("Computer") < pos("SubjectUserSid"));
  CHECK(pos("SubjectUserSid") < pos("TargetUserName"));
  CHECK(pos("LogonType") + 1 == pos("LogonTypeName"));
}

TEST_CASE("Sysmon Hashes are split and UserData leaves are fields") {
  evtx::Event e;
  evtx::parse_event_xml(
      R"(<Event><System><Provider Name="Microsoft-Windows-Sysmon"/><EventID>1</EventID>
    <TimeCreated SystemTime="2023-02-20T14:05:00.0000000Z"/><EventRecordID>9</EventRecordID>
    <Channel>Microsoft-Windows-Sysmon/Operational</Channel></System>
    <EventData><Data Name="ProcessId">4242</Data><Data Name="LogonId">0x3E7</Data>
    <Data Name="Hashes">SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD</Data></EventData></Event>)",
      e);
  auto d = evtx::event_data(e);
  CHECK(d["ProcessId"] == 4242);
  CHECK(d["LogonId"] == "0x3e7");
  CHECK(d["Hashes"] == "SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD");
  CHECK(d["SHA1"] == "AA");
  CHECK(d["MD5"] == "BB");
  CHECK(d["SHA256"] == "CC");
  CHECK(d["IMPHASH"] == "DD");

  evtx::Event u;
  evtx::parse_event_xml(
      R"(<Event><System><Provider Name="Microsoft-Windows-TerminalServices-RemoteConnectionManager"/>
    <EventID>1149</EventID><EventRecordID>3</EventRecordID></System>
    <UserData><EventXML xmlns="Event_NS"><Param1>alice</Param1><Param2>CORP</Param2>
    <Param3>203.0.113.45</Param3></EventXML></UserData></Event>)",
      u);
  CHECK(u.data_section == "UserData");
  REQUIRE(u.fields.size() == 3);
  CHECK(u.fields[2] == std::pair<std::string, std::string>{"Param3", "203.0.113.45"});
  auto f = evtx::make_finding(u, "RCM.evtx");
  CHECK(f.type == "evtx.rdp_authentication");
  CHECK(f.summary == "RDP authentication succeeded for CORP\\alice from 203.0.113.45");
  CHECK(f.artifact.record == 3u);
}

TEST_CASE("repeated field names become arrays instead of overwriting") {
  evtx::Event e;
  evtx::parse_event_xml(R"(<Event><System><EventID>7</EventID></System><EventData>
    <Data Name="X">1</Data><Data Name="X">2</Data><Data Name="X">3</Data></EventData></Event>)",
                        e);
  auto d = evtx::event_data(e);
  CHECK(d["X"] == nlohmann::ordered_json::array({"1", "2", "3"}));
}

TEST_CASE("malformed XML is an error, not a crash") {
  evtx::Event e;
  CHECK_THROWS(evtx::parse_event_xml("<Event><System>", e));
  CHECK_THROWS(evtx::parse_event_xml("<NotAnEvent/>", e));
}

TEST_CASE("the default set is keyed by provider as well as EventID") {
  CHECK(evtx::in_default_set("Microsoft-Windows-Sysmon", 1));
  CHECK_FALSE(evtx::in_default_set("Microsoft-Windows-Kernel-General", 1));
  CHECK(evtx::in_default_set("Microsoft-Windows-Eventlog", 104));
  CHECK(evtx::in_default_set("Microsoft-Windows-Eventlog", 1102));
  CHECK_FALSE(evtx::in_default_set("Microsoft-Windows-Security-Auditing", 4634));
  CHECK(evtx::finding_type("Service Control Manager", 7045) == "evtx.service_installed");
  CHECK(evtx::finding_type("Service Control Manager", 7036) == "evtx.event");
}

TEST_CASE("an event field named like a System field does not overwrite it") {
  evtx::Event e;
  evtx::parse_event_xml(
      R"(<Event><System><Provider Name="Microsoft-Windows-Eventlog"/><EventID>104</EventID>
    <Channel>System</Channel></System><UserData><LogFileCleared><SubjectUserName>bob</SubjectUserName>
    <Channel>Application</Channel></LogFileCleared></UserData></Event>)",
      e);
  auto d = evtx::event_data(e);
  CHECK(d["Channel"] == "System");
  CHECK(d["UserData.Channel"] == "Application");
  auto f = evtx::make_finding(e, "System.evtx");
  CHECK(f.summary == "Application log cleared by bob");
}
