#include "pipeline/mft/owner_names.hpp"

#include <memory>

#include "sqltriage/accounts.hpp"

namespace sqltriage::pipeline::mft_scan {

AccountLookup account_lookup(const Evidence& evidence, std::vector<ErrorEntry>& errors) {
  auto names = std::make_shared<const AccountNames>(AccountNames::from_evidence(evidence, errors));
  return [names](std::string_view sid) -> std::optional<AccountName> {
    auto name = names->name(sid);
    if (!name) return std::nullopt;
    return AccountName{std::move(*name), names->source(sid).value_or("")};
  };
}

}  // namespace sqltriage::pipeline::mft_scan
