// read_cloudtrail on files the tests write: the three layouts, gzip (one and several members),
// damage in the middle, cut files, a record with missing fields, requestParameters compacted and
// cut. Expected values are the ones the test wrote; counts are checked against jq.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "aws_cloudtrail_fixtures.hpp"
#include "pipeline/aws/cloudtrail_finding.hpp"
#include "sqltriage/aws_cloudtrail.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "sqltriage/json_text.hpp"
#include "sqltriage/output.hpp"
#include "support.hpp"

using namespace sqltriage::test;
using namespace sqltriage::test::cloudtrail;
namespace fs = std::filesystem;
using sqltriage::aws::CloudTrailEvent;

namespace {

/// Twelve varied records: users and instance sessions, IPv4/IPv6/service sources, failures.
std::vector<OJson> sample_records() {
  std::vector<OJson> out;
  for (int i = 0; i < 12; ++i) {
    OJson id = i % 3 == 0 ? user_identity("alice", "AKIAEXAMPLEUSERKEY01")
                          : instance_identity("i-0123456789abcdef0", "ASIAEXAMPLESESSION1");
    const std::string ip = i % 4 == 0   ? "203.0.113." + std::to_string(i)
                           : i % 4 == 1 ? "10.0.1.15"
                           : i % 4 == 2 ? "2001:db8::" + std::to_string(i)
                                        : "ec2.amazonaws.com";
    OJson params =
        i % 2 ? OJson{{"secretId", "prod/db/{password}\"" + std::to_string(i)}} : OJson(nullptr);
    auto r = record(i, "2023-02-20T14:0" + std::to_string(i % 10) + ":00Z",
                    "secretsmanager.amazonaws.com", i % 2 ? "GetSecretValue" : "ListSecrets", ip,
                    id, params);
    if (i == 5) {
      r["errorCode"] = "AccessDenied";
      r["errorMessage"] = "User: x is not authorized";
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::string records_file(const std::vector<OJson>& recs) {
  OJson doc;
  doc["Records"] = recs;
  return doc.dump();
}

void require_same(const CloudTrailEvent& e, const OJson& r) {
  CHECK(e.event_time == r["eventTime"].get<std::string>());
  CHECK(e.time.has_value());
  CHECK(e.event_source == r["eventSource"].get<std::string>());
  CHECK(e.event_name == r["eventName"].get<std::string>());
  CHECK(e.aws_region == r["awsRegion"].get<std::string>());
  CHECK(e.source_ip == r["sourceIPAddress"].get<std::string>());
  CHECK(e.user_agent == r["userAgent"].get<std::string>());
  CHECK(e.event_id == r["eventID"].get<std::string>());
  CHECK(e.event_type == r["eventType"].get<std::string>());
  CHECK(e.recipient_account_id == r["recipientAccountId"].get<std::string>());
  REQUIRE(e.read_only.has_value());
  CHECK(*e.read_only == r["readOnly"].get<bool>());
  CHECK(e.error_code == r.value("errorCode", std::string()));
  CHECK(e.error_message == r.value("errorMessage", std::string()));
  const auto& id = r["userIdentity"];
  CHECK(e.identity.type == id["type"].get<std::string>());
  CHECK(e.identity.arn == id["arn"].get<std::string>());
  CHECK(e.identity.principal_id == id["principalId"].get<std::string>());
  CHECK(e.identity.access_key_id == id["accessKeyId"].get<std::string>());
  CHECK(e.identity.account_id == id["accountId"].get<std::string>());
  CHECK(e.identity.user_name == id.value("userName", std::string()));
  if (id.contains("sessionContext")) {
    CHECK(e.identity.session_issuer_arn ==
          id["sessionContext"]["sessionIssuer"]["arn"].get<std::string>());
    CHECK(e.identity.session_issuer_type == "Role");
  }
  CHECK(e.request_parameters ==
        (r["requestParameters"].is_null() ? std::string() : r["requestParameters"].dump()));
}

/// How many values jq's filter yields on the file.
std::string jq_count(const fs::path& file, const std::string& filter) {
  auto r = run("jq -c " + shell_quote(filter) + " " + shell_quote(file.string()));
  REQUIRE(r.exit_code == 0);
  return std::to_string(std::count(r.out.begin(), r.out.end(), '\n')) + "\n";
}

}  // namespace

TEST_CASE("cloudtrail reader: a Records file, plain and gzip, every field as written",
          "[aws-cloudtrail]") {
  TempDir tmp;
  const auto recs = sample_records();
  const fs::path plain = tmp.path() / "trail.json";
  write_file(plain, records_file(recs));
  const auto r = read(plain);
  INFO(errors_text(r.errors));
  CHECK(r.errors.empty());
  CHECK(r.summary.layout == "records");
  REQUIRE(r.events.size() == recs.size());
  CHECK(r.summary.events == recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) {
    require_same(r.events[i], recs[i]);
    CHECK(r.events[i].index == i);
  }
  // Offsets point at each record's '{': the record's own text starts there.
  const std::string text = records_file(recs);
  for (std::size_t i = 0; i < recs.size(); ++i)
    CHECK(text.compare(r.events[i].offset, recs[i].dump().size(), recs[i].dump()) == 0);

  if (!tool_or_skip("gzip") || !tool_or_skip("jq")) return;
  REQUIRE(run("gzip -k " + shell_quote(plain.string())).exit_code == 0);
  const auto gz = read(tmp.path() / "trail.json.gz");
  CHECK(gz.errors.empty());
  REQUIRE(gz.events.size() ==
          std::stoul(run("jq '.Records | length' " + shell_quote(plain.string())).out));
  for (std::size_t i = 0; i < recs.size(); ++i) require_same(gz.events[i], recs[i]);

  // Two gzip members, the text split in the middle of a record (as `cat a.gz b.gz` makes).
  const auto half = text.size() / 2;
  write_file(tmp.path() / "a", text.substr(0, half));
  write_file(tmp.path() / "b", text.substr(half));
  REQUIRE(run("cd " + shell_quote(tmp.path().string()) +
              " && gzip a b && cat a.gz b.gz > two.json.gz && true")
              .exit_code == 0);
  const auto two = read(tmp.path() / "two.json.gz");
  CHECK(two.errors.empty());
  REQUIRE(two.events.size() == recs.size());
  CHECK(two.events.back().event_id == recs.back()["eventID"].get<std::string>());
}

TEST_CASE("cloudtrail reader: lookup-events output and event lines", "[aws-cloudtrail]") {
  TempDir tmp;
  const auto recs = sample_records();
  OJson lookup;
  lookup["Events"] = OJson::array();
  for (const auto& r : recs)
    lookup["Events"].push_back({{"EventId", r["eventID"]},
                                {"EventName", r["eventName"]},
                                {"ReadOnly", "true"},
                                {"AccessKeyId", r["userIdentity"]["accessKeyId"]},
                                {"EventTime", "2023-02-20T14:00:00+00:00"},
                                {"EventSource", r["eventSource"]},
                                {"Username", "ignored"},
                                {"Resources", OJson::array()},
                                {"CloudTrailEvent", r.dump()}});
  lookup["NextToken"] = "eyJuZXh0VG9rZW4iOiBudWxsfQ==";
  const fs::path lf = tmp.path() / "lookup.json";
  write_file(lf, lookup.dump(4));  // the CLI pretty-prints
  auto l = read(lf);
  INFO(errors_text(l.errors));
  CHECK(l.errors.empty());
  CHECK(l.summary.layout == "lookup-events");
  REQUIRE(l.events.size() == recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) require_same(l.events[i], recs[i]);

  std::string lines;
  for (const auto& r : recs) lines += r.dump() + "\n";
  const fs::path ef = tmp.path() / "events.jsonl";
  write_file(ef, lines);
  auto e = read(ef);
  CHECK(e.errors.empty());
  CHECK(e.summary.layout == "event-lines");
  REQUIRE(e.events.size() == recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) require_same(e.events[i], recs[i]);
  if (tool_or_skip("jq")) {
    CHECK(std::to_string(e.events.size()) + "\n" == jq_count(ef, "."));
    CHECK(std::to_string(l.events.size()) + "\n" == jq_count(lf, ".Events[]"));
  }
}

TEST_CASE("cloudtrail reader: damaged records are reported and the next ones read",
          "[aws-cloudtrail]") {
  TempDir tmp;
  const auto recs = sample_records();
  // Records: an element that is not an object, and one with an invalid literal in a field.
  std::string text = "{\"Records\":[" + recs[0].dump() + ",42," + recs[1].dump() +
                     ",{\"eventName\":tru,\"eventTime\":\"x\"}," + recs[2].dump() + "]}";
  const fs::path f = tmp.path() / "damaged.json";
  write_file(f, text);
  auto r = read(f);
  REQUIRE(r.events.size() == 3);
  CHECK(r.events[2].event_id == recs[2]["eventID"].get<std::string>());
  CHECK(r.events[2].index == 4);  // the two damaged records keep their places
  CHECK(r.summary.bad_records == 2);
  REQUIRE(r.errors.size() == 2);
  CHECK(r.errors[0].code == "record");
  CHECK(r.errors[0].artifact.path == f.string());
  CHECK(r.errors[0].artifact.offset == text.find(",42,") + 1);
  CHECK(r.errors[1].artifact.offset == text.find("{\"eventName\":tru"));

  // Event lines: a line cut short in a string, a line that is not an object.
  const std::string cut = recs[1].dump().substr(0, 150);
  std::string lines = recs[0].dump() + "\n" + cut + "\n[1,2]\n" + recs[2].dump() + "\n";
  const fs::path lf = tmp.path() / "lines.jsonl";
  write_file(lf, lines);
  auto l = read(lf);
  INFO(errors_text(l.errors));
  REQUIRE(l.events.size() == 2);
  CHECK(l.events[1].event_id == recs[2]["eventID"].get<std::string>());
  CHECK(l.events[1].offset == lines.find(recs[2].dump()));
  REQUIRE(l.errors.size() == 2);
  CHECK(l.errors[0].artifact.offset == recs[0].dump().size() + 1);
  CHECK(l.errors[1].artifact.offset == lines.find("[1,2]"));
}

TEST_CASE("cloudtrail reader: a truncated gzip keeps the events before the cut",
          "[aws-cloudtrail]") {
  if (!tool_or_skip("gzip")) return;
  TempDir tmp;
  std::vector<OJson> recs;
  for (int i = 0; i < 400; ++i)
    recs.push_back(record(i, "2023-02-20T14:00:00Z", "s3.amazonaws.com", "GetObject",
                          "198.51.100." + std::to_string(i % 200),
                          user_identity("bob", "AKIAEXAMPLEBOBKEY001"),
                          OJson{{"bucketName", "b"}, {"key", "k" + std::to_string(i)}}));
  const fs::path plain = tmp.path() / "t.json";
  write_file(plain, records_file(recs));
  REQUIRE(run("gzip " + shell_quote(plain.string())).exit_code == 0);
  const fs::path gz = tmp.path() / "t.json.gz";
  const auto size = fs::file_size(gz);
  fs::resize_file(gz, size / 2);
  auto r = read(gz);
  CHECK(r.summary.truncated);
  REQUIRE(!r.events.empty());
  CHECK(r.events.size() < recs.size());
  for (std::size_t i = 0; i < r.events.size(); ++i)
    CHECK(r.events[i].event_id == recs[i]["eventID"].get<std::string>());
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == "truncated");
  CHECK(r.errors[0].artifact.path == gz.string());

  // A plain file cut inside a record: the same.
  const std::string text = records_file(recs);
  write_file(plain, text.substr(0, text.size() / 3));
  auto p = read(plain);
  CHECK(p.summary.truncated);
  // The records whose closing brace lies before the cut, counted on the text written.
  const std::size_t cut_at = text.size() / 3;
  std::size_t whole = 0, end = std::string("{\"Records\":[").size();
  for (const auto& rec : recs) {
    end += rec.dump().size();
    if (end > cut_at) break;
    ++whole;
    ++end;  // the comma
  }
  CHECK(p.events.size() == whole);
  CHECK(p.events.size() > 0);
  REQUIRE(p.errors.size() == 1);
  CHECK(p.errors[0].code == "truncated");
}

TEST_CASE("cloudtrail reader: missing fields, odd values and requestParameters cut",
          "[aws-cloudtrail]") {
  TempDir tmp;
  OJson big = OJson::object();
  for (int i = 0; i < 400; ++i) big["key" + std::to_string(i)] = "value é " + std::to_string(i);
  OJson pretty_params = {{"bucketName", "b"}, {"policy", {{"Version", "2012-10-17"}}}};
  std::string text =
      "{\"Records\": [\n  {\"eventVersion\": \"1.08\", \"eventName\": \"Odd\"},\n"
      "  {\"eventName\": \"Big\", \"requestParameters\": " +
      big.dump() +
      "},\n  {\"eventName\": \"Pretty\", \"requestParameters\": " + pretty_params.dump(2) +
      ", \"readOnly\": null, \"eventTime\": 17}\n]}\n";
  const fs::path f = tmp.path() / "odd.json";
  write_file(f, text);
  auto r = read(f);
  INFO(errors_text(r.errors));
  CHECK(r.errors.empty());
  REQUIRE(r.events.size() == 3);
  const auto& odd = r.events[0];
  CHECK(odd.event_name == "Odd");
  CHECK(!odd.time.has_value());
  CHECK(odd.event_time.empty());
  CHECK(odd.source_ip.empty());
  CHECK(odd.identity.arn.empty());
  CHECK(!odd.read_only.has_value());
  CHECK(odd.request_parameters.empty());
  const std::string compact = big.dump();
  const auto& cut = r.events[1].request_parameters;
  REQUIRE(cut.size() <= 4096 + 3);
  CHECK(cut.size() > 4000);
  CHECK(cut.substr(cut.size() - 3) == "...");
  CHECK(compact.compare(0, cut.size() - 3, cut.substr(0, cut.size() - 3)) == 0);
  CHECK(r.events[2].request_parameters == pretty_params.dump());
  CHECK(r.events[2].event_time == "17");
  CHECK(!r.events[2].time.has_value());
}

TEST_CASE("cloudtrail reader: files that are not CloudTrail are refused", "[aws-cloudtrail]") {
  TempDir tmp;
  for (const std::string& content : {std::string("{\"Reservations\": []}"), std::string("hello"),
                                     std::string(""), std::string("[1,2,3]")}) {
    write_file(tmp.path() / "x.json", content);
    CHECK_THROWS_AS(read(tmp.path() / "x.json"), sqltriage::ArtifactError);
  }
}

TEST_CASE("cloudtrail reader: responseElements never reaches the finding", "[aws-cloudtrail]") {
  TempDir tmp;
  const auto recs = sample_records();
  write_file(tmp.path() / "t.json", records_file(recs));
  auto r = read(tmp.path() / "t.json");
  REQUIRE(r.events.size() == recs.size());
  for (const auto& e : r.events) {
    const auto f = sqltriage::aws::api_call_finding(e, "t.json");
    const std::string json = sqltriage::to_json_text(sqltriage::to_json(f));
    CHECK(json.find("SECRET-SESSION-TOKEN") == std::string::npos);
    CHECK(json.find("ASIARESPONSEKEY") == std::string::npos);
  }
}

TEST_CASE("cloudtrail reader: escapes and brackets in strings across 64 KiB chunk ends",
          "[aws-cloudtrail]") {
  TempDir tmp;
  // A string ending in backslash-quote and backslash-backslash sequences and holding brackets,
  // moved byte by byte over the 65,536-byte boundary where the reader refills its buffer.
  for (std::size_t shift = 0; shift < 8; ++shift) {
    const std::string head = "{\"Records\":[{\"eventName\":\"A\",\"requestParameters\":{\"k\":\"";
    const std::string filler(65536 - head.size() - 4 + shift, 'x');
    const std::string value = filler + "\\\"}]{[\\\\\\\\\\\"";  // x..x \" } ] { [ \\ \\ \"
    const std::string text = head + value + "\"}},{\"eventName\":\"B\"}]}";
    write_file(tmp.path() / "edge.json", text);
    auto r = read(tmp.path() / "edge.json");
    INFO("shift " << shift << ": " << errors_text(r.errors));
    CHECK(r.errors.empty());
    REQUIRE(r.events.size() == 2);
    CHECK(r.events[1].event_name == "B");
    CHECK(r.events[1].offset == text.find("{\"eventName\":\"B\""));
    // The value as nlohmann reads it from the same text, compacted.
    const auto expected = nlohmann::json::parse(text)["Records"][0]["requestParameters"].dump();
    CHECK(r.events[0].request_parameters.substr(0, 100) == expected.substr(0, 100));
  }
}
