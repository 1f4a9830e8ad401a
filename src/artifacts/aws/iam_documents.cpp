// Export files as JSON and policy documents as statements (IAM User Guide, "IAM JSON policy
// elements reference": Statement is one object or an array of them; Action, NotAction,
// Resource and NotResource are a string or an array of strings; Condition an object).
#include "artifacts/aws/iam_documents.hpp"

#include <exception>

#include "core/ascii.hpp"

namespace sqltriage::aws::iam_detail {

namespace {

using nlohmann::ordered_json;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The offset where nesting first passes kMaxDepth, or npos (strings are skipped).
std::size_t too_deep_at(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

/// A string or array of strings as a list; false when the value is another type.
bool string_list(const ordered_json& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
    return true;
  }
  if (!v.is_array()) return false;
  for (const auto& e : v) {
    if (!e.is_string()) return false;
    out.push_back(e.get<std::string>());
  }
  return true;
}

const char* type_name(const ordered_json& v) { return v.type_name(); }

/// One statement; false (with `why`) when it cannot be used.
bool read_statement(const ordered_json& s, Statement& st, std::string& why) {
  if (!s.is_object()) {
    why = std::string("is a JSON ") + type_name(s) + ", not an object";
    return false;
  }
  if (const auto it = s.find("Sid"); it != s.end()) {
    if (it->is_string())
      st.sid = it->get<std::string>();
    else if (!it->is_null())
      st.sid = it->dump();
  }
  const auto effect = s.find("Effect");
  if (effect == s.end() || !effect->is_string()) {
    why = "has no Effect string";
    return false;
  }
  st.effect = effect->get<std::string>();
  const auto e = ascii_lower(st.effect);
  if (e != "allow" && e != "deny") {
    why = "has Effect \"" + st.effect + "\", neither Allow nor Deny";
    return false;
  }
  struct Field {
    const char* name;
    std::vector<std::string>* out;
  };
  for (const Field f :
       {Field{"Action", &st.actions}, Field{"NotAction", &st.not_actions},
        Field{"Resource", &st.resources}, Field{"NotResource", &st.not_resources}}) {
    const auto it = s.find(f.name);
    if (it == s.end()) continue;
    if (!string_list(*it, *f.out)) {
      why = std::string("has a ") + f.name + " that is a JSON " + type_name(*it) +
            ", not a string or an array of strings";
      return false;
    }
  }
  if (st.actions.empty() && st.not_actions.empty()) {
    why = "has neither Action nor NotAction";
    return false;
  }
  if (const auto it = s.find("Condition"); it != s.end() && !it->is_null()) {
    if (!it->is_object()) {
      why = std::string("has a Condition that is a JSON ") + type_name(*it) + ", not an object";
      return false;
    }
    st.condition = *it;
  }
  return true;
}

}  // namespace

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::optional<ordered_json> parse_json(std::string_view text, std::string& error,
                                       std::uint64_t& offset) {
  if (const auto deep = too_deep_at(text); deep != std::string_view::npos) {
    error = "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels";
    offset = deep;
    return std::nullopt;
  }
  try {
    return ordered_json::parse(text.begin(), text.end());
  } catch (const ordered_json::parse_error& e) {
    error = e.what();
    offset = e.byte > 0 ? e.byte - 1 : 0;
  } catch (const std::exception& e) {
    error = e.what();
    offset = 0;
  }
  return std::nullopt;
}

std::optional<ordered_json> read_json_file(const ByteSource& source, const std::string& display,
                                           std::vector<ErrorEntry>& errors) {
  try {
    const auto size = source.size();
    if (size > kMaxExportBytes) {
      errors.push_back(make_error(
          display, "open_failed",
          "IAM export of " + std::to_string(size) + " bytes refused: larger than 64 MiB"));
      return std::nullopt;
    }
    std::string text(static_cast<std::size_t>(size), '\0');
    text.resize(read_fully(source, 0, text.data(), text.size()));
    std::string_view view(text);
    if (view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);
    std::string error;
    std::uint64_t offset = 0;
    auto json = parse_json(view, error, offset);
    if (!json) {
      errors.push_back(make_error(display, "open_failed", "not valid JSON: " + error,
                                  offset + (text.size() - view.size())));
    }
    return json;
  } catch (const std::exception& e) {
    errors.push_back(make_error(display, "open_failed", e.what()));
    return std::nullopt;
  }
}

std::string policy_label(const Policy& p) {
  return (p.managed ? "managed policy " : "inline policy ") + p.name;
}

void read_document(const ordered_json& value, Policy& policy, const std::string& label,
                   std::vector<ErrorEntry>& errors) {
  const std::string where = label + ": ";
  auto fail = [&](const std::string& why) {
    errors.push_back(make_error(policy.source, "record", where + why));
  };
  ordered_json parsed;
  const ordered_json* doc = &value;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    const auto first = s.find_first_not_of(" \t\r\n");
    const bool plain = first != std::string::npos && s[first] == '{';
    const std::string text = plain ? s : url_decode(s);
    std::string error;
    std::uint64_t offset = 0;
    auto j = parse_json(text, error, offset);
    if (!j) {
      fail(std::string("the policy document does not parse") +
           (plain ? "" : " after URL-decoding") + " (at byte " + std::to_string(offset) +
           " of the decoded text): " + error);
      return;
    }
    parsed = std::move(*j);
    doc = &parsed;
  }
  if (!doc->is_object()) {
    fail(std::string("the policy document is a JSON ") + type_name(*doc) + ", not an object");
    return;
  }
  const auto st = doc->find("Statement");
  if (st == doc->end() || !(st->is_object() || st->is_array())) {
    fail(st == doc->end() ? "the policy document has no Statement"
                          : std::string("the policy document's Statement is a JSON ") +
                                type_name(*st) + ", not an object or an array");
    return;
  }
  policy.documented = true;
  const ordered_json one = st->is_object() ? ordered_json::array({*st}) : ordered_json();
  const ordered_json& list = st->is_object() ? one : *st;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Statement s;
    s.index = i;
    std::string why;
    if (read_statement(list[i], s, why))
      policy.statements.push_back(std::move(s));
    else
      fail("statement #" + std::to_string(i) + (s.sid.empty() ? "" : " (" + s.sid + ")") + " " +
           why + "; it is left out");
  }
}

}  // namespace sqltriage::aws::iam_detail
