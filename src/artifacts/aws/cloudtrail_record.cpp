#include "artifacts/aws/cloudtrail_record.hpp"

#include <string_view>

namespace sqltriage::aws::record {

namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;

/// Why a record is refused: an error carrying simdjson's text.
struct Bad {
  std::string why;
};

void check(error_code e) {
  if (e != simdjson::SUCCESS) throw Bad{simdjson::error_message(e)};
}

/// The value as text when it is a string; a number or boolean as written; "" for null, an
/// object or an array.
std::string string_of(od::value v) {
  od::json_type t;
  check(v.type().get(t));
  if (t == od::json_type::string) {
    std::string_view s;
    check(v.get_string().get(s));
    return std::string(s);
  }
  if (t == od::json_type::null) return {};
  // A number or a boolean where a string was expected: checked, then kept as written.
  if (t == od::json_type::boolean) {
    bool b = false;
    check(v.get_bool().get(b));
    return b ? "true" : "false";
  }
  if (t == od::json_type::number) {
    std::string_view raw = v.raw_json_token();
    double d = 0;
    check(v.get_double().get(d));
    while (!raw.empty() &&
           (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t'))
      raw.remove_suffix(1);
    return std::string(raw);
  }
  return {};  // an object or array: skipped by the caller's iteration
}

/// Compact JSON text of a value, cut at kMaxRequestParameters.
std::string compact_of(od::value v) {
  od::json_type t;
  check(v.type().get(t));
  if (t == od::json_type::null) return {};
  std::string_view raw;
  check(simdjson::to_json_string(v).get(raw));
  std::string out(raw.size(), '\0');
  std::size_t n = 0;
  check(simdjson::minify(raw.data(), raw.size(), out.data(), n));
  out.resize(n);
  if (out.size() > kMaxRequestParameters) {
    out.resize(kMaxRequestParameters);
    // Do not end inside a UTF-8 sequence.
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80)) out.pop_back();
    out += "...";
  }
  return out;
}

void read_issuer(od::object issuer, UserIdentity& id) {
  for (auto field : issuer) {
    std::string_view key;
    check(field.unescaped_key().get(key));
    od::value v;
    check(field.value().get(v));
    if (key == "type")
      id.session_issuer_type = string_of(v);
    else if (key == "arn")
      id.session_issuer_arn = string_of(v);
  }
}

void read_identity(od::object identity, UserIdentity& id) {
  for (auto field : identity) {
    std::string_view key;
    check(field.unescaped_key().get(key));
    od::value v;
    check(field.value().get(v));
    if (key == "type") {
      id.type = string_of(v);
    } else if (key == "principalId") {
      id.principal_id = string_of(v);
    } else if (key == "arn") {
      id.arn = string_of(v);
    } else if (key == "accountId") {
      id.account_id = string_of(v);
    } else if (key == "accessKeyId") {
      id.access_key_id = string_of(v);
    } else if (key == "userName") {
      id.user_name = string_of(v);
    } else if (key == "invokedBy") {
      id.invoked_by = string_of(v);
    } else if (key == "sessionContext") {
      od::object ctx;
      if (v.get_object().get(ctx) != simdjson::SUCCESS) continue;
      for (auto cf : ctx) {
        std::string_view ck;
        check(cf.unescaped_key().get(ck));
        if (ck != "sessionIssuer") continue;
        od::object issuer;
        if (cf.value().get_object().get(issuer) == simdjson::SUCCESS) read_issuer(issuer, id);
      }
    }
  }
}

void read_fields(od::object obj, CloudTrailEvent& out) {
  for (auto field : obj) {
    std::string_view key;
    check(field.unescaped_key().get(key));
    od::value v;
    check(field.value().get(v));
    if (key.empty()) continue;
    switch (key[0]) {
      case 'a':
        if (key == "awsRegion") out.aws_region = string_of(v);
        break;
      case 'e':
        if (key == "eventTime") {
          out.event_time = string_of(v);
          out.time = parse_iso8601(out.event_time);
        } else if (key == "eventSource") {
          out.event_source = string_of(v);
        } else if (key == "eventName") {
          out.event_name = string_of(v);
        } else if (key == "errorCode") {
          out.error_code = string_of(v);
        } else if (key == "errorMessage") {
          out.error_message = string_of(v);
        } else if (key == "eventID") {
          out.event_id = string_of(v);
        } else if (key == "eventType") {
          out.event_type = string_of(v);
        }
        break;
      case 'r':
        if (key == "recipientAccountId") {
          out.recipient_account_id = string_of(v);
        } else if (key == "readOnly") {
          bool b = false;
          if (v.get_bool().get(b) == simdjson::SUCCESS) out.read_only = b;
        } else if (key == "requestParameters") {
          out.request_parameters = compact_of(v);
        }
        break;
      case 's':
        if (key == "sourceIPAddress") out.source_ip = string_of(v);
        break;
      case 'u':
        if (key == "userAgent") {
          out.user_agent = string_of(v);
        } else if (key == "userIdentity") {
          od::object identity;
          if (v.get_object().get(identity) == simdjson::SUCCESS)
            read_identity(identity, out.identity);
        }
        break;
      default:
        break;
    }
  }
}

od::object open_object(od::parser& parser, std::string& text, od::document& doc) {
  check(parser.iterate(simdjson::padded_string_view(text.data(), text.size(), text.capacity()))
            .get(doc));
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) throw Bad{"not a JSON object"};
  return obj;
}

}  // namespace

void pad(std::string& text) {
  // The padding bytes are written (not only reserved): simdjson reads into them, and reading
  // bytes never written is undefined (valgrind: "depends on uninitialised value(s)").
  const std::size_t size = text.size();
  text.append(simdjson::SIMDJSON_PADDING, ' ');
  text.resize(size);
}

std::string parse_record(od::parser& parser, std::string& text, CloudTrailEvent& out) {
  try {
    pad(text);
    od::document doc;
    read_fields(open_object(parser, text, doc), out);
    return {};
  } catch (const Bad& b) {
    return b.why;
  }
}

std::string parse_lookup_event(od::parser& parser, std::string& text, std::string& scratch,
                               CloudTrailEvent& out) {
  std::string event_id, event_name, event_time, event_source, user_name, access_key;
  bool have_record = false;
  try {
    pad(text);
    od::document doc;
    for (auto field : open_object(parser, text, doc)) {
      std::string_view key;
      check(field.unescaped_key().get(key));
      od::value v;
      check(field.value().get(v));
      if (key == "CloudTrailEvent") {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS)
          return "CloudTrailEvent is not a string of JSON text";
        scratch.assign(s);
        have_record = true;
      } else if (key == "EventId") {
        event_id = string_of(v);
      } else if (key == "EventName") {
        event_name = string_of(v);
      } else if (key == "EventTime") {
        event_time = string_of(v);
      } else if (key == "EventSource") {
        event_source = string_of(v);
      } else if (key == "Username") {
        user_name = string_of(v);
      } else if (key == "AccessKeyId") {
        access_key = string_of(v);
      }
    }
  } catch (const Bad& b) {
    return b.why;
  }
  if (have_record) {
    auto why = parse_record(parser, scratch, out);
    if (!why.empty()) return "CloudTrailEvent text: " + why;
  }
  auto fill = [](std::string& field, std::string& value) {
    if (field.empty()) field = std::move(value);
  };
  fill(out.event_id, event_id);
  fill(out.event_name, event_name);
  fill(out.event_source, event_source);
  if (!have_record) fill(out.identity.user_name, user_name);  // else a session name, not a user
  fill(out.identity.access_key_id, access_key);
  if (out.event_time.empty() && !event_time.empty()) {
    out.event_time = event_time;
    out.time = parse_iso8601(event_time);
  }
  if (!have_record && out.event_name.empty()) return "no CloudTrailEvent and no EventName";
  return {};
}

}  // namespace sqltriage::aws::record
