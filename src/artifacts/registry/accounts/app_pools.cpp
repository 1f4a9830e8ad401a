// IIS application pool names from applicationHost.config.
// Format knowledge: IIS configuration reference, <system.applicationHost><applicationPools>.
#include <pugixml.hpp>

#include "artifacts/registry/accounts/account_sources.hpp"

namespace sqltriage::accounts {

std::optional<std::vector<std::string>> read_app_pools(std::string_view xml, std::string& why) {
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default);
  if (!parsed) {
    why = std::string("not well-formed XML at byte offset ") + std::to_string(parsed.offset) +
          ": " + parsed.description();
    return std::nullopt;
  }
  std::vector<std::string> pools;
  const auto root = doc.child("configuration").child("system.applicationHost");
  for (const auto& add : root.child("applicationPools").children("add")) {
    const std::string name = add.attribute("name").as_string();
    if (!name.empty()) pools.push_back(name);
  }
  return pools;
}

}  // namespace sqltriage::accounts
