// The Zone.Identifier alternate data stream that Windows (Attachment Manager, browsers,
// curl/PowerShell via the URLMon API) writes beside downloaded files: an INI-style text
//   [ZoneTransfer]
//   ZoneId=3
//   ReferrerUrl=https://example.net/page
//   HostUrl=https://example.net/file.exe
// Format knowledge: Microsoft's URL Security Zones documentation (URLZONE values) and
// [MS-FSCC] for alternate data streams. Sysmon 15 logs the same text with line breaks
// replaced by spaces, which this parser also accepts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sqltriage {

struct ZoneIdentifier {
  std::optional<int> zone_id;  ///< ZoneId: 0 local machine ... 4 restricted sites
  std::string referrer_url;    ///< ReferrerUrl, or empty
  std::string host_url;        ///< HostUrl, or empty
  /// Every key=value of the [ZoneTransfer] section in order, including the ones above and
  /// keys such as LastWriterPackageFamilyName and AppZoneId.
  std::vector<std::pair<std::string, std::string>> values;
};

/// Parses the stream's text. std::nullopt when it has no [ZoneTransfer] section. Tolerates
/// CRLF, LF, the single spaces Sysmon leaves, a UTF-8 BOM and text after the section.
std::optional<ZoneIdentifier> parse_zone_identifier(std::string_view text);

/// "Local machine", "Local intranet", "Trusted sites", "Internet", "Restricted sites", or
/// "" for other values.
std::string_view zone_name(int zone_id);

}  // namespace sqltriage
