// The weblog checks (apply_weblog_checks, include/sqltriage/checks.hpp): findings built here
// with the type and data the weblog scan writes (request fields by their W3C names, the
// resource stack, the client summary), run through the checks; each check must fire exactly
// when its contract says, with the stated severity and ATT&CK technique, at every boundary
// (address count, window edges, status classes, methods, missing fields).
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqltriage/checks.hpp"
#include "sqltriage/filetime.hpp"
#include "sqltriage/finding.hpp"

using nlohmann::ordered_json;
using sqltriage::CheckHit;
using sqltriage::Filetime;
using sqltriage::Finding;
using sqltriage::Severity;
namespace checks = sqltriage::checks;

namespace {

using Ids = std::vector<std::string>;
using Attack = std::vector<std::string>;

constexpr Filetime kSecond = 10'000'000;  // FILETIME ticks are 100 ns

Filetime at(const char* iso) {
  const auto t = sqltriage::parse_iso8601(iso);
  REQUIRE(t.has_value());
  return *t;
}

/// The pivot 2023-02-20T14:03:11Z with a 2 h window either side.
checks::WeblogCheckOptions window_options() {
  checks::WeblogCheckOptions o;
  o.since = at("2023-02-20T12:03:11Z");
  o.until = at("2023-02-20T16:03:11Z");
  return o;
}

Ids ids(const Finding& f) {
  Ids out;
  for (const auto& c : f.checks) out.push_back(c.id);
  std::sort(out.begin(), out.end());
  return out;
}

Attack sorted(Attack a) {
  std::sort(a.begin(), a.end());
  return a;
}

const CheckHit& hit(const Finding& f, std::string_view id) {
  const auto it =
      std::find_if(f.checks.begin(), f.checks.end(), [&](const CheckHit& c) { return c.id == id; });
  REQUIRE(it != f.checks.end());
  return *it;
}

/// A weblog.upload finding as the scan writes it: the request by its W3C names plus the target.
Finding upload(const std::string& method, std::optional<int> status, std::optional<Filetime> time,
               const checks::WeblogCheckOptions& o) {
  Finding f;
  f.type = "weblog.upload";
  f.time = time;
  f.data["c-ip"] = "203.0.113.7";
  f.data["cs-method"] = method;
  f.data["cs-uri-stem"] = "/uploads/up.aspx";
  if (status) f.data["sc-status"] = *status;
  f.data["cs-bytes"] = 12000;
  f.data["Line"] = 17;
  f.data["Format"] = "w3c";
  f.data["TargetSize"] = 11776;
  f.data["Target"] = "--size";
  f.data["SizeOverTarget"] = 224;
  checks::apply_weblog_checks(f, o);
  return f;
}

struct Stack {
  std::string resource = "/uploads/up.aspx";
  bool script = true;
  unsigned ips = 1;
  ordered_json statuses = {{"200", 3}};
  std::uint64_t post200 = 2;
  std::optional<std::string> first_seen = std::string("2023-02-20T14:00:00.0000000Z");
};

/// A weblog.resource finding as the scan writes it from a resource stack.
Finding resource(const Stack& s, const checks::WeblogCheckOptions& o) {
  Finding f;
  f.type = "weblog.resource";
  f.data["Resource"] = s.resource;
  f.data["Site"] = "W3SVC1";
  f.data["Script"] = s.script;
  f.data["Requests"] = 5;
  f.data["ClientIpCount"] = s.ips;
  ordered_json ips = ordered_json::array();
  for (unsigned i = 0; i < s.ips; ++i) ips.push_back("203.0.113." + std::to_string(i + 1));
  f.data["ClientIps"] = ips;
  f.data["ClientIpsTruncated"] = false;
  f.data["Methods"] = {{"GET", 3}, {"POST", 2}};
  f.data["Statuses"] = s.statuses;
  f.data["Post200"] = s.post200;
  f.data["FirstSeen"] = s.first_seen ? ordered_json(*s.first_seen) : ordered_json();
  f.data["LastSeen"] = f.data["FirstSeen"];
  if (s.first_seen) f.time = sqltriage::parse_iso8601(*s.first_seen);
  checks::apply_weblog_checks(f, o);
  return f;
}

Finding client(std::uint64_t uploads, const ordered_json& rare_scripts) {
  Finding f;
  f.type = "weblog.client";
  f.data["c-ip"] = "203.0.113.7";
  f.data["AddressClass"] = "public";
  f.data["Requests"] = 9;
  f.data["Resources"] = {"/uploads/up.aspx", "/"};
  f.data["UploadMatches"] = uploads;
  f.data["RareScripts"] = rare_scripts;
  checks::apply_weblog_checks(f, {});
  return f;
}

}  // namespace

TEST_CASE("weblog checks: upload_size_match is medium for POST, PUT and PATCH answered 2xx",
          "[weblog][checks]") {
  const checks::WeblogCheckOptions none;
  for (const char* method : {"POST", "PUT", "PATCH", "post", "Put"}) {
    for (int status : {200, 201, 204, 299}) {
      INFO(method << " " << status);
      const Finding f = upload(method, status, at("2023-02-20T14:03:11Z"), none);
      CHECK(ids(f) == Ids{"upload_size_match"});  // no window: never near the pivot
      CHECK(hit(f, "upload_size_match").severity == Severity::medium);
      CHECK(hit(f, "upload_size_match").attack == Attack{"T1105"});
      CHECK(f.severity == Severity::medium);
      CHECK(f.attack == Attack{"T1105"});
    }
  }
  SECTION("no status logged counts as answered") {
    const Finding f = upload("POST", std::nullopt, at("2023-02-20T14:03:11Z"), none);
    CHECK(ids(f) == Ids{"upload_size_match"});
    CHECK(f.severity == Severity::medium);
  }
}

TEST_CASE("weblog checks: upload_size_match is low for other methods and statuses",
          "[weblog][checks]") {
  const auto o = window_options();
  const Filetime inside = at("2023-02-20T14:03:11Z");
  struct Case {
    const char* method;
    std::optional<int> status;
  };
  const Case cases[] = {{"GET", 200},  {"HEAD", 200},          {"OPTIONS", 204},
                        {"POST", 199}, {"POST", 300},          {"POST", 302},
                        {"PUT", 404},  {"PATCH", 500},         {"GET", std::nullopt},
                        {"", 200},     {"POSTX", std::nullopt}};
  for (const auto& c : cases) {
    INFO(c.method << " " << (c.status ? std::to_string(*c.status) : "no status"));
    const Finding f = upload(c.method, c.status, inside, o);
    // Inside the window, yet not a successful body-carrying request: no upload_near_pivot.
    CHECK(ids(f) == Ids{"upload_size_match"});
    CHECK(hit(f, "upload_size_match").severity == Severity::low);
    CHECK(hit(f, "upload_size_match").attack == Attack{"T1105"});
    CHECK(f.severity == Severity::low);
  }
}

TEST_CASE("weblog checks: upload_near_pivot at the window's edges, both inclusive",
          "[weblog][checks]") {
  const auto o = window_options();
  SECTION("at since and at until") {
    for (Filetime t : {*o.since, *o.until, *o.since + kSecond}) {
      const Finding f = upload("POST", 200, t, o);
      CHECK(ids(f) == Ids{"upload_near_pivot", "upload_size_match"});
      CHECK(hit(f, "upload_near_pivot").severity == Severity::high);
      CHECK(hit(f, "upload_near_pivot").attack == Attack{"T1105"});
      CHECK(f.severity == Severity::high);
    }
  }
  SECTION("one tick outside") {
    for (Filetime t : {*o.since - 1, *o.until + 1}) {
      const Finding f = upload("PUT", 201, t, o);
      CHECK(ids(f) == Ids{"upload_size_match"});
      CHECK(f.severity == Severity::medium);
    }
  }
  SECTION("a request without a time is not inside") {
    const Finding f = upload("POST", 200, std::nullopt, o);
    CHECK(ids(f) == Ids{"upload_size_match"});
  }
  SECTION("no status logged is not \"answered 2xx\"") {
    const Finding f = upload("POST", std::nullopt, at("2023-02-20T14:03:11Z"), o);
    CHECK(ids(f) == Ids{"upload_size_match"});
    CHECK(f.severity == Severity::medium);
  }
  SECTION("a window open on one side") {
    checks::WeblogCheckOptions since_only;
    since_only.since = o.since;
    CHECK(ids(upload("POST", 200, *o.since, since_only)) ==
          Ids{"upload_near_pivot", "upload_size_match"});
    CHECK(ids(upload("POST", 200, *o.since - 1, since_only)) == Ids{"upload_size_match"});
    checks::WeblogCheckOptions until_only;
    until_only.until = o.until;
    CHECK(ids(upload("POST", 200, *o.until, until_only)) ==
          Ids{"upload_near_pivot", "upload_size_match"});
    CHECK(ids(upload("POST", 200, *o.until + 1, until_only)) == Ids{"upload_size_match"});
  }
}

TEST_CASE("weblog checks: a rare resource is at most rare_ips addresses and at least one",
          "[weblog][checks]") {
  for (unsigned rare : {1u, 3u, 7u}) {
    checks::WeblogCheckOptions o;
    o.rare_ips = rare;
    Stack s;
    s.script = false;
    s.ips = rare;
    INFO("rare_ips " << rare);
    const Finding at_limit = resource(s, o);
    CHECK(ids(at_limit) == Ids{"rare_resource"});
    CHECK(hit(at_limit, "rare_resource").severity == Severity::low);
    CHECK(hit(at_limit, "rare_resource").attack == Attack{"T1190"});
    CHECK(at_limit.severity == Severity::low);
    s.ips = rare + 1;
    const Finding above = resource(s, o);
    CHECK(above.checks.empty());
    CHECK(above.severity == Severity::info);
  }
  SECTION("no client address at all is not rare") {
    Stack s;
    s.ips = 0;
    CHECK(resource(s, {}).checks.empty());
  }
}

TEST_CASE("weblog checks: a rare resource must have been answered 2xx at least once",
          "[weblog][checks]") {
  const checks::WeblogCheckOptions o;
  struct Case {
    ordered_json statuses;
    bool fires;
  };
  const Case cases[] = {
      {{{"199", 4}}, false},
      {{{"200", 1}}, true},
      {{{"299", 1}}, true},
      {{{"300", 2}}, false},
      {{{"301", 1}, {"404", 7}, {"500", 2}}, false},
      {{{"404", 7}, {"206", 1}}, true},
      {ordered_json::object(), false},  // no status logged at all
  };
  for (const auto& c : cases) {
    INFO(c.statuses.dump());
    Stack s;
    s.script = false;
    s.statuses = c.statuses;
    const Finding f = resource(s, o);
    CHECK(ids(f) == (c.fires ? Ids{"rare_resource"} : Ids{}));
  }
  SECTION("a script posted to but never answered 2xx raises nothing") {
    Stack s;
    s.statuses = {{"404", 3}, {"500", 1}};
    s.post200 = 0;
    CHECK(resource(s, o).checks.empty());
  }
}

TEST_CASE("weblog checks: rare_script_post_200 needs a script and a POST answered 200",
          "[weblog][checks]") {
  const checks::WeblogCheckOptions o;
  SECTION("script with Post200 > 0") {
    Stack s;
    s.post200 = 1;
    const Finding f = resource(s, o);
    CHECK(ids(f) == Ids{"rare_resource", "rare_script_post_200"});
    CHECK(hit(f, "rare_script_post_200").severity == Severity::high);
    CHECK(hit(f, "rare_script_post_200").attack == Attack{"T1505.003"});
    CHECK(f.severity == Severity::high);
    CHECK(sorted(f.attack) == Attack{"T1190", "T1505.003"});
  }
  SECTION("script with Post200 == 0") {
    Stack s;
    s.post200 = 0;
    CHECK(ids(resource(s, o)) == Ids{"rare_resource"});
  }
  SECTION("not a script, with Post200 > 0") {
    Stack s;
    s.resource = "/images/logo.png";
    s.script = false;
    s.post200 = 5;
    const Finding f = resource(s, o);
    CHECK(ids(f) == Ids{"rare_resource"});
    CHECK(f.severity == Severity::low);
  }
  SECTION("a script reached by more than rare_ips addresses") {
    Stack s;
    s.ips = 4;
    s.post200 = 9;
    CHECK(resource(s, o).checks.empty());
  }
}

TEST_CASE("weblog checks: first_seen_in_window at the window's edges", "[weblog][checks]") {
  const auto o = window_options();
  const auto iso = [](Filetime t) { return sqltriage::format_filetime(t); };
  for (Filetime t : {*o.since, *o.until}) {
    Stack s;
    s.script = false;
    s.first_seen = iso(t);
    INFO(*s.first_seen);
    const Finding f = resource(s, o);
    CHECK(ids(f) == Ids{"first_seen_in_window", "rare_resource"});
    CHECK(hit(f, "first_seen_in_window").severity == Severity::medium);
    CHECK(hit(f, "first_seen_in_window").attack == Attack{"T1505.003"});
    CHECK(f.severity == Severity::medium);
  }
  for (Filetime t : {*o.since - 1, *o.until + 1}) {
    Stack s;
    s.script = false;
    s.first_seen = iso(t);
    INFO(*s.first_seen);
    CHECK(ids(resource(s, o)) == Ids{"rare_resource"});
  }
  SECTION("no FirstSeen, or no window") {
    Stack s;
    s.script = false;
    s.first_seen.reset();
    CHECK(ids(resource(s, o)) == Ids{"rare_resource"});
    Stack in;
    in.script = false;
    CHECK(ids(resource(in, {})) == Ids{"rare_resource"});
  }
  SECTION("a resource that is not rare is not raised for its first sight") {
    Stack s;
    s.ips = 4;
    CHECK(resource(s, o).checks.empty());
  }
  SECTION("all three on one resource") {
    Stack s;
    const Finding f = resource(s, o);
    CHECK(ids(f) == Ids{"first_seen_in_window", "rare_resource", "rare_script_post_200"});
    CHECK(f.severity == Severity::high);
  }
}

TEST_CASE("weblog checks: the client checks", "[weblog][checks]") {
  SECTION("nothing sent, nothing reached") {
    const Finding f = client(0, ordered_json::array());
    CHECK(f.checks.empty());
    CHECK(f.severity == Severity::info);
  }
  SECTION("one matching request") {
    const Finding f = client(1, ordered_json::array());
    CHECK(ids(f) == Ids{"client_sent_upload"});
    CHECK(hit(f, "client_sent_upload").severity == Severity::medium);
    CHECK(hit(f, "client_sent_upload").attack == Attack{"T1105"});
    CHECK(f.severity == Severity::medium);
  }
  SECTION("a rare script reached") {
    const Finding f = client(0, ordered_json::array({"/uploads/up.aspx"}));
    CHECK(ids(f) == Ids{"client_reached_rare_script"});
    CHECK(hit(f, "client_reached_rare_script").severity == Severity::high);
    CHECK(hit(f, "client_reached_rare_script").attack == Attack{"T1505.003"});
    CHECK(hit(f, "client_reached_rare_script").reason.find("/uploads/up.aspx") !=
          std::string::npos);
    CHECK(f.severity == Severity::high);
  }
  SECTION("both") {
    const Finding f = client(3, ordered_json::array({"/a.aspx", "/b.php"}));
    CHECK(ids(f) == Ids{"client_reached_rare_script", "client_sent_upload"});
    CHECK(sorted(f.attack) == Attack{"T1105", "T1505.003"});
  }
}

TEST_CASE("weblog checks: other finding types are left alone", "[weblog][checks]") {
  for (const char* type : {"weblog.log", "webshell.file", "evtx.event"}) {
    Finding f;
    f.type = type;
    f.data["cs-method"] = "POST";
    f.data["sc-status"] = 200;
    f.data["ClientIpCount"] = 1;
    f.data["Statuses"] = {{"200", 1}};
    f.data["UploadMatches"] = 4;
    checks::apply_weblog_checks(f, window_options());
    CHECK(f.checks.empty());
  }
}
