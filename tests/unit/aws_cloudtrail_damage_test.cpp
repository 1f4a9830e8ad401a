// read_cloudtrail on damaged files: stray brackets in the Records / Events array end the file
// with an error naming the offset (never a loop); one-byte mutations of a valid file at every
// position (a fixed seed) all return; a gzip file with bytes flipped in the middle returns;
// records with bytes that are not UTF-8 are kept with those bytes; simdjson's padding is
// written; a file damaged before its first record counts as unreadable.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "artifacts/aws/cloudtrail_record.hpp"
#include "aws_cloudtrail_fixtures.hpp"
#include "sqltriage/aws_cloudtrail.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/byte_source.hpp"
#include "sqltriage/error.hpp"
#include "support.hpp"

using namespace sqltriage::test;
using namespace sqltriage::test::cloudtrail;
namespace fs = std::filesystem;
using sqltriage::aws::CloudTrailEvent;

namespace {

/// read(), with a refusal or any other exception recorded rather than thrown.
Read read_guarded(const fs::path& p) {
  try {
    return read(p);
  } catch (const sqltriage::ArtifactError&) {
    Read r;
    r.refused = true;
    return r;
  } catch (const std::exception& e) {
    Read r;
    r.escaped = e.what();
    return r;
  }
}

/// Runs `job` on a thread and waits at most `seconds`; false when it did not finish (the
/// thread is left running detached so that the test itself ends).
bool finishes_within(int seconds, std::function<void()> job) {
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::thread t([done, job = std::move(job)] {
    job();
    *done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!*done && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (*done) {
    t.join();
    return true;
  }
  t.detach();
  return false;
}

std::vector<OJson> some_records(int n) {
  std::vector<OJson> out;
  for (int i = 0; i < n; ++i)
    out.push_back(record(i, "2023-02-20T14:0" + std::to_string(i % 10) + ":00Z",
                         "secretsmanager.amazonaws.com", "GetSecretValue",
                         i % 2 ? "203.0.113.9" : "10.0.1.15",
                         instance_identity("i-0123456789abcdef0", "ASIAEXAMPLESESSION1"),
                         OJson{{"secretId", "prod/\"db\\" + std::to_string(i)}}));
  return out;
}

bool has_error(const Read& r, const std::string& code, std::uint64_t offset,
               const std::string& words) {
  for (const auto& e : r.errors)
    if (e.code == code && e.artifact.offset == offset && e.message.find(words) != std::string::npos)
      return true;
  return false;
}

}  // namespace

TEST_CASE("cloudtrail damage: a stray bracket in the array ends the file with an error",
          "[aws-cloudtrail]") {
  TempDir tmp;
  const std::string second = R"J({"Records":[{"eventVersion":"1.08"}},{"eventVersion":"1.08"}]})J";
  struct Case {
    std::string text;
    std::size_t events;
  };
  const std::vector<Case> cases = {{R"J({"Records":[}]})J", 0},
                                   {second, 1},
                                   {R"J({"Events":[}]})J", 0},
                                   {R"J({"Records":[{"eventVersion":"1.08"}:]})J", 1}};
  int n = 0;
  for (const auto& c : cases) {
    const fs::path p = tmp.path() / ("h" + std::to_string(n++) + ".json");
    write_file(p, c.text);
    Read r;
    REQUIRE(finishes_within(20, [&] { r = read_guarded(p); }));
    INFO(c.text);
    CHECK(r.escaped.empty());
    CHECK(r.events.size() == c.events);
    // The stray byte: the first '}' or ':' after the array's '[' that no record encloses.
    std::size_t at = c.text.find('[') + 1;
    if (c.events == 1) at = c.text.find('}', at) + 1;
    REQUIRE(at < c.text.size());
    CHECK(has_error(r, "record", at, "structure is damaged"));
    for (const auto& e : r.errors) CHECK(e.artifact.path == p.string());
  }
}

TEST_CASE("cloudtrail damage: one-byte mutations at every position all return",
          "[aws-cloudtrail]") {
  TempDir tmp;
  OJson doc;
  doc["Records"] = some_records(4);
  const std::string good = doc.dump(1);
  const fs::path p = tmp.path() / "m.json";
  std::mt19937 rng(20230220);
  const std::string specials = "}]\",\\{[:";
  std::size_t cases = 0, lost_silently = 0;
  std::string escaped;
  const bool finished = finishes_within(300, [&] {
    for (std::size_t pos = 0; pos < good.size(); ++pos) {
      for (int kind = 0; kind < 3; ++kind) {  // replace, insert, delete
        const char b =
            rng() % 4 == 0 ? static_cast<char>(rng() & 0xFF) : specials[rng() % specials.size()];
        std::string text = good;
        if (kind == 0)
          text[pos] = b;
        else if (kind == 1)
          text.insert(pos, 1, b);
        else
          text.erase(pos, 1);
        write_file(p, text);
        const Read r = read_guarded(p);
        ++cases;
        if (!r.escaped.empty()) escaped = r.escaped + " at " + std::to_string(pos);
        // Records lost must be said: fewer events than written means an error was reported.
        if (!r.refused && r.events.size() < 4 && r.errors.empty()) ++lost_silently;
      }
    }
  });
  REQUIRE(finished);
  CHECK(cases == 3 * good.size());
  CHECK(escaped.empty());
  CHECK(lost_silently == 0);
}

TEST_CASE("cloudtrail damage: a gzip file with 50 bytes flipped in the middle returns",
          "[aws-cloudtrail]") {
  if (!tool_or_skip("gzip")) return;
  TempDir tmp;
  OJson doc;
  doc["Records"] = some_records(400);
  const fs::path p = tmp.path() / "t.json";
  write_file(p, doc.dump());
  REQUIRE(run("gzip -n " + shell_quote(p.string())).exit_code == 0);
  const fs::path gz = tmp.path() / "t.json.gz";
  std::string bytes;
  {
    std::ifstream in(gz, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  REQUIRE(bytes.size() > 200);
  std::mt19937 rng(7);
  for (int i = 0; i < 50; ++i) {
    const std::size_t at = bytes.size() / 3 + rng() % (bytes.size() / 3);
    bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + rng() % 255));
  }
  write_file(gz, bytes);
  Read r;
  REQUIRE(finishes_within(60, [&] { r = read_guarded(gz); }));
  CHECK(r.escaped.empty());
  CHECK(r.events.size() < 400);
  CHECK_FALSE(r.errors.empty());
}

TEST_CASE("cloudtrail damage: a record with bytes that are not UTF-8 is kept with them",
          "[aws-cloudtrail]") {
  TempDir tmp;
  auto rec = some_records(2);
  // Placeholders replaced by raw bytes after dumping (nlohmann refuses invalid UTF-8).
  rec[1]["userAgent"] = "aws-cli/2.13 @BAD@ \xEE\xBE\x80 end";
  OJson doc;
  doc["Records"] = rec;
  std::string text = doc.dump();
  const std::string raw_agent = "aws-cli/2.13 \xFF\xFE \xEE\xBE\x80 end";
  text.replace(text.find("@BAD@"), 5, "\xFF\xFE");
  const fs::path p = tmp.path() / "u.json";
  write_file(p, text);
  const Read r = read_guarded(p);
  REQUIRE(r.events.size() == 2);
  const auto& e = r.events[1];
  CHECK(e.user_agent == raw_agent);
  CHECK(e.event_name == rec[1]["eventName"].get<std::string>());
  CHECK(e.event_id == rec[1]["eventID"].get<std::string>());
  CHECK(e.source_ip == rec[1]["sourceIPAddress"].get<std::string>());
  CHECK(e.identity.arn == rec[1]["userIdentity"]["arn"].get<std::string>());
  CHECK(e.request_parameters == rec[1]["requestParameters"].dump());
  const std::string rec1 = rec[1].dump().substr(0, 20);
  const auto offset = text.find(rec1, text.find(rec[0].dump().substr(0, 20)) + 1);
  CHECK(e.offset == offset);
  CHECK(has_error(r, "record", offset, "not valid UTF-8"));
  CHECK(r.summary.bad_records == 0);

  // The same record inside lookup-events output (CloudTrailEvent is the record as text).
  OJson lookup;
  lookup["Events"] = OJson::array();
  lookup["Events"].push_back({{"EventId", rec[1]["eventID"]}, {"CloudTrailEvent", rec[1].dump()}});
  std::string ltext = lookup.dump();
  ltext.replace(ltext.find("@BAD@"), 5, "\xFF\xFE");
  write_file(p, ltext);
  const Read l = read_guarded(p);
  REQUIRE(l.events.size() == 1);
  CHECK(l.events[0].user_agent == raw_agent);
  CHECK(l.events[0].event_id == rec[1]["eventID"].get<std::string>());
}

TEST_CASE("cloudtrail damage: the padding handed to simdjson is written", "[aws-cloudtrail]") {
  for (std::size_t n : {0, 1, 63, 64, 1000}) {
    std::string text(n, 'x');
    sqltriage::aws::record::pad(text);
    REQUIRE(text.size() == n);
    REQUIRE(text.capacity() >= n + simdjson::SIMDJSON_PADDING);
    const std::string_view after(text.data() + n, simdjson::SIMDJSON_PADDING);
    CHECK(after.find_first_not_of(std::string(1, '\0') + " ") == std::string_view::npos);
    CHECK(std::count(after.begin(), after.end(), ' ') >=
          static_cast<long>(simdjson::SIMDJSON_PADDING) - 1);
  }
}

TEST_CASE("cloudtrail damage: a file damaged before its first record is unreadable",
          "[aws-cloudtrail]") {
  TempDir tmp;
  const std::string cut = R"J({"Records":[{"eventVersion":)J";
  struct Case {
    std::string text;
    bool unreadable;
  };
  for (const auto& c : std::vector<Case>{
           {R"J({"Records":"x"})J", true}, {cut, true}, {R"J({"Records":[]})J", false}}) {
    const fs::path dir = tmp.path() / std::to_string(std::hash<std::string>{}(c.text));
    write_file(dir / "x.json", c.text);
    sqltriage::AwsCloudTrailScanOptions opt;
    opt.inputs = {dir};
    CollectingSink out;
    const auto outcome = sqltriage::scan_aws_cloudtrail(opt, "aws cloudtrail", out);
    INFO(c.text);
    CHECK(outcome.nothing_readable == c.unreadable);
    if (c.text == cut) {  // the truncated error points at the unfinished record's '{'
      bool found = false;
      for (const auto& e : out.errors)
        found = found || (e.code == "truncated" && e.artifact.offset == cut.find("[{") + 1);
      CHECK(found);
    }
  }
}
