// libyara scanner callback: rule, namespace, tags, meta and capped string matches.
#include "artifacts/yara/scan.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>

namespace sqltriage::yara {

namespace {

struct ScanState {
  ScanResult result;
  std::string callback_failure;  // an exception caught inside the callback
  std::string too_many;          // the string libyara stopped recording
};

nlohmann::ordered_json meta_of(const YR_RULE* rule) {
  nlohmann::ordered_json meta = nlohmann::ordered_json::object();
  const YR_META* m = nullptr;
  yr_rule_metas_foreach(rule, m) {
    const char* id = m->identifier;
    switch (m->type) {
      case META_TYPE_INTEGER:
        meta[id] = m->integer;
        break;
      case META_TYPE_BOOLEAN:
        meta[id] = m->integer != 0;
        break;
      default:
        meta[id] = m->string != nullptr ? std::string(m->string) : std::string();
        break;
    }
  }
  return meta;
}

// libyara 4.2 keeps YR_MATCH records at addresses not aligned for the type (its own
// allocator; VirusTotal/yara issue 1928, fixed after 4.2.3). Reading them is harmless on the
// machines we build for, but UBSan stops the debug build on it, so this function alone is
// exempt from the alignment check.
__attribute__((no_sanitize("alignment"))) RuleMatch match_of(YR_SCAN_CONTEXT* context,
                                                             const YR_RULE* rule) {
  RuleMatch out;
  out.rule = rule->identifier;
  out.ns = rule->ns->name;
  const char* tag = nullptr;
  yr_rule_tags_foreach(rule, tag) { out.tags.emplace_back(tag); }
  out.meta = meta_of(rule);
  std::map<std::string, std::size_t> per_identifier;
  const YR_STRING* string = nullptr;
  yr_rule_strings_foreach(rule, string) {
    const YR_MATCH* match = nullptr;
    yr_string_matches_foreach(context, string, match) {
      std::size_t& seen = per_identifier[string->identifier];
      if (seen == kMaxMatchesPerString) {
        out.strings_truncated = true;
        break;
      }
      ++seen;
      StringMatch s;
      s.identifier = string->identifier;
      s.offset = static_cast<std::uint64_t>(match->base + match->offset);
      s.length = static_cast<std::uint32_t>(match->match_length);
      const auto keep =
          std::min<std::size_t>(kMaxMatchData, static_cast<std::size_t>(match->data_length));
      if (match->data != nullptr) s.data.assign(reinterpret_cast<const char*>(match->data), keep);
      out.strings.push_back(std::move(s));
    }
  }
  return out;
}

int on_scan(YR_SCAN_CONTEXT* context, int message, void* message_data, void* user_data) {
  auto* state = static_cast<ScanState*>(user_data);
  try {
    if (message == CALLBACK_MSG_RULE_MATCHING) {
      state->result.matches.push_back(match_of(context, static_cast<YR_RULE*>(message_data)));
    } else if (message == CALLBACK_MSG_TOO_MANY_MATCHES && state->too_many.empty()) {
      // libyara stops recording this string and goes on; the rule is judged on what it has.
      const auto* string = static_cast<const YR_STRING*>(message_data);
      const YR_RULE* rule = &context->rules->rules_table[string->rule_idx];
      state->too_many =
          std::string(string->identifier) + " of rule " + rule->ns->name + ":" + rule->identifier;
    }
  } catch (const std::exception& e) {
    state->callback_failure = e.what();
    return CALLBACK_ERROR;
  }
  return CALLBACK_CONTINUE;
}

}  // namespace

ScanResult scan_buffer(YR_RULES* rules, const std::uint8_t* data, std::size_t size, int timeout_s) {
  YR_SCANNER* raw = nullptr;
  const int created = yr_scanner_create(rules, &raw);
  if (created != ERROR_SUCCESS)
    throw std::runtime_error("libyara could not create a scanner (error " +
                             std::to_string(created) + ")");
  const ScannerPtr scanner(raw);
  ScanState state;
  yr_scanner_set_callback(scanner.get(), on_scan, &state);
  yr_scanner_set_timeout(scanner.get(), std::max(timeout_s, 0));
  static const std::uint8_t kEmpty = 0;
  const int rc = yr_scanner_scan_mem(scanner.get(), data != nullptr ? data : &kEmpty,
                                     data != nullptr ? size : 0);
  if (rc == ERROR_SCAN_TIMEOUT)
    state.result.error = "timeout after " + std::to_string(timeout_s) + " s";
  else if (!state.callback_failure.empty())
    state.result.error = "scan stopped: " + state.callback_failure;
  else if (rc == ERROR_TOO_MANY_MATCHES)
    state.result.error = "too many matches";
  else if (rc != ERROR_SUCCESS)
    state.result.error = "libyara error " + std::to_string(rc);
  else if (!state.too_many.empty())
    state.result.error = "too many matches of " + state.too_many + " (libyara keeps " +
                         std::to_string(YR_MAX_STRING_MATCHES) + "; later ones were ignored)";
  return std::move(state.result);
}

}  // namespace sqltriage::yara
