// scan_aws_cloudtrail over a folder of exports the test writes (a gzip Records file as S3
// holds it, a plain one, lookup-events output, event lines, a describe-instances export, a file
// that is not an export): every filter against the same select done by jq on all the events;
// the instance sessions against jq's grouping; thread counts give the same document; a 100 MB
// one-line file read in a few MB.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "aws_cloudtrail_fixtures.hpp"
#include "sqltriage/aws_scan.hpp"
#include "sqltriage/output.hpp"
#include "support.hpp"

using namespace sqltriage::test;
using namespace sqltriage::test::cloudtrail;
namespace fs = std::filesystem;

namespace {

const std::string kInstance = "i-0123456789abcdef0";
const std::string kOther = "i-0fedcba9876543210";
const std::string kUserKey = "AKIAEXAMPLEUSERKEY01";

using Collect = sqltriage::test::CollectingSink;

/// Deterministic varied records: three identities, addresses in and out of the filter ranges.
std::vector<OJson> make_records(int n, int seed) {
  std::vector<OJson> out;
  const std::vector<std::string> ips = {"10.0.1.15",      "54.170.1.2",        "198.51.100.7",
                                        "198.51.100.200", "203.0.113.5",       "2001:db8:1::5",
                                        "2001:db8:2::9",  "ec2.amazonaws.com", "AWS Internal"};
  const std::vector<std::pair<std::string, std::string>> calls = {
      {"ec2.amazonaws.com", "DescribeInstances"},
      {"secretsmanager.amazonaws.com", "GetSecretValue"},
      {"sts.amazonaws.com", "GetCallerIdentity"},
      {"s3.amazonaws.com", "ListBuckets"},
      {"iam.amazonaws.com", "CreateAccessKey"}};
  for (int i = 0; i < n; ++i) {
    const int k = i * 7 + seed * 13;
    OJson id = k % 3 == 0   ? instance_identity(kInstance, "ASIAINSTANCEKEY0001")
               : k % 3 == 1 ? instance_identity(kOther, "ASIAOTHERKEY0000001", "DbRole")
                            : user_identity("alice", kUserKey);
    const int hour = (k / 3) % 24;
    char time[32];
    std::snprintf(time, sizeof time, "2023-02-20T%02d:%02d:00Z", hour, k % 60);
    const auto& call = calls[static_cast<std::size_t>(k % 5)];
    auto r = record(seed * 100000 + i, time, call.first, call.second,
                    ips[static_cast<std::size_t>((k / 5) % 9)], id,
                    OJson{{"n", i}, {"secretId", "prod/db"}});
    if (k % 11 == 0) r["errorCode"] = "AccessDenied";
    out.push_back(std::move(r));
  }
  return out;
}

std::string records_doc(const std::vector<OJson>& recs) {
  OJson d;
  d["Records"] = recs;
  return d.dump();
}

const char* kDescribeInstances = R"J({"Reservations": [{"OwnerId": "123456789012", "Instances": [
  {"InstanceId": "i-0123456789abcdef0", "PrivateIpAddress": "10.0.1.15",
   "PublicIpAddress": "54.170.1.2", "Placement": {"AvailabilityZone": "eu-west-1a"},
   "IamInstanceProfile": {"Arn": "arn:aws:iam::123456789012:instance-profile/WebProfile",
                          "Id": "AIPAEXAMPLE"},
   "NetworkInterfaces": [{"PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.15",
                          "Association": {"PublicIp": "54.170.1.2"}}]}]}]}]})J";

/// The exports folder; returns every event written, one JSON text per line (jq's input).
std::string write_exports(const fs::path& dir) {
  const auto a = make_records(300, 1), b = make_records(200, 2), c = make_records(60, 3),
             d = make_records(90, 4);
  const fs::path gz_dir = dir / "AWSLogs/123456789012/CloudTrail/eu-west-1/2023/02/20";
  write_file(gz_dir / "123456789012_CloudTrail_eu-west-1_20230220T1000Z_abc.json", records_doc(a));
  REQUIRE(run("gzip " + shell_quote((gz_dir / "123456789012_CloudTrail_eu-west-1_20230220T1000Z_"
                                              "abc.json")
                                        .string()))
              .exit_code == 0);
  write_file(dir / "b-trail.json", records_doc(b));
  OJson lookup;
  lookup["Events"] = OJson::array();
  for (const auto& r : c)
    lookup["Events"].push_back(
        {{"EventId", r["eventID"]}, {"EventName", r["eventName"]}, {"CloudTrailEvent", r.dump()}});
  write_file(dir / "c-lookup.json", lookup.dump(4));
  std::string lines;
  for (const auto& r : d) lines += r.dump() + "\n";
  write_file(dir / "d-events.jsonl", lines);
  write_file(dir / "describe-instances.json", kDescribeInstances);
  write_file(dir / "notes.txt", "not an export\n");
  std::string all;
  for (const auto* set : {&a, &b, &c, &d})
    for (const auto& r : *set) all += r.dump() + "\n";
  return all;
}

struct Scan {
  Collect out;
  sqltriage::ScanOutcome outcome;
};

Scan scan(sqltriage::AwsCloudTrailScanOptions opt) {
  Scan s;
  s.outcome = sqltriage::scan_aws_cloudtrail(opt, "aws cloudtrail", s.out);
  return s;
}

std::multiset<std::string> ids_of(const std::vector<OJson>& calls) {
  std::multiset<std::string> out;
  for (const auto& f : calls) out.insert(f["data"]["event"]["id"].get<std::string>());
  return out;
}

/// The eventIDs jq selects from all the events.
std::multiset<std::string> jq_ids(const fs::path& all, const std::string& select) {
  auto r = run("jq -r " + shell_quote("select(" + select + ") | .eventID") + " " +
               shell_quote(all.string()));
  REQUIRE(r.exit_code == 0);
  std::multiset<std::string> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) out.insert(line);
  return out;
}

}  // namespace

TEST_CASE("cloudtrail scan: filters agree with jq selects over every layout", "[aws-cloudtrail]") {
  if (!tool_or_skip("jq") || !tool_or_skip("gzip")) return;
  TempDir tmp;
  const fs::path dir = tmp.path() / "exports";
  write_file(tmp.path() / "all.jsonl", write_exports(dir));
  const fs::path all = tmp.path() / "all.jsonl";

  sqltriage::AwsCloudTrailScanOptions opt;
  opt.inputs = {dir};
  opt.threads = 2;
  auto everything = scan(opt);
  INFO(errors_text(everything.out.errors));
  CHECK(ids_of(everything.out.of("aws.api_call")) == jq_ids(all, "true"));
  const auto exports = everything.out.of("aws.export");
  REQUIRE(exports.size() == 4);
  std::map<std::string, std::uint64_t> layouts;
  for (const auto& e : exports)
    layouts[e["data"]["layout"].get<std::string>()] += e["data"]["events"].get<std::uint64_t>();
  CHECK(layouts == std::map<std::string, std::uint64_t>{
                       {"records", 500}, {"lookup-events", 60}, {"event-lines", 90}});
  // notes.txt is not an export: one open_failed error naming it; the second instance is in no
  // describe-instances export: one missing error saying its addresses are unknown.
  REQUIRE(everything.out.errors.size() == 2);
  CHECK(everything.out.errors[0].code == "open_failed");
  CHECK(everything.out.errors[0].artifact.path.find("notes.txt") != std::string::npos);
  CHECK(everything.out.errors[1].code == "missing");
  CHECK(everything.out.errors[1].message.find("i-0fedcba9876543210") != std::string::npos);
  CHECK(!everything.outcome.nothing_readable);
  CHECK(everything.out.stats.records == 650);

  SECTION("source ip: addresses and CIDR blocks, IPv4 and IPv6, any of them") {
    opt.source_ips = {"198.51.100.0/24", "2001:db8:1::/48", "203.0.113.5"};
    CHECK(
        ids_of(scan(opt).out.of("aws.api_call")) ==
        jq_ids(
            all,
            R"J((.sourceIPAddress | startswith("198.51.100.") or startswith("2001:db8:1:")) or .sourceIPAddress == "203.0.113.5")J"));
  }
  SECTION("instance id, access key and a time window, combined with AND") {
    opt.instance_id = kInstance;
    CHECK(ids_of(scan(opt).out.of("aws.api_call")) ==
          jq_ids(all, ".userIdentity.arn | endswith(\"/" + kInstance + "\")"));
    opt.instance_id.clear();
    opt.access_key = kUserKey;
    opt.since = sqltriage::parse_iso8601("2023-02-20T06:00:00Z");
    opt.until = sqltriage::parse_iso8601("2023-02-20T12:30:00Z");
    const auto got = ids_of(scan(opt).out.of("aws.api_call"));
    CHECK(!got.empty());
    CHECK(got == jq_ids(all, ".userIdentity.accessKeyId == \"" + kUserKey +
                                 "\" and .eventTime >= \"2023-02-20T06:00:00Z\" and .eventTime "
                                 "<= \"2023-02-20T12:30:00Z\""));
  }
  SECTION("one thread or three: the same document") {
    opt.threads = 1;
    auto one = scan(opt);
    opt.threads = 3;
    auto three = scan(opt);
    CHECK(one.out.findings == three.out.findings);
    CHECK(one.out.findings == everything.out.findings);
  }
}

TEST_CASE("cloudtrail scan: instance sessions and credentials used elsewhere", "[aws-cloudtrail]") {
  if (!tool_or_skip("jq") || !tool_or_skip("gzip")) return;
  TempDir tmp;
  const fs::path dir = tmp.path() / "exports";
  write_file(tmp.path() / "all.jsonl", write_exports(dir));
  const fs::path all = tmp.path() / "all.jsonl";
  sqltriage::AwsCloudTrailScanOptions opt;
  opt.inputs = {dir};
  auto s = scan(opt);
  const auto uses = s.out.of("aws.credential_use");
  REQUIRE(uses.size() == 2);
  // jq: calls per source address of each instance session (addresses: IPv4 dotted digits or
  // IPv6 with ':'), and per other sourceIPAddress value (service names) apart; the summary
  // counts the addresses only.
  for (const auto& use : uses) {
    const std::string id = use["data"]["cloud"]["instance"]["id"].get<std::string>();
    for (const bool addresses : {true, false}) {
      auto r = run("jq -s -c " +
                   shell_quote("map(select((.userIdentity.arn | endswith(\"/" + id +
                               "\")) and ((.sourceIPAddress | test(\"^[0-9.]+$|:\")) == " +
                               (addresses ? "true" : "false") +
                               "))) | group_by(.sourceIPAddress) | "
                               "map({(.[0].sourceIPAddress): length}) | add // {}") +
                   " " + shell_quote(all.string()));
      REQUIRE(r.exit_code == 0);
      const auto expected = nlohmann::json::parse(r.out);
      const auto& ct = use["data"]["aws"]["cloudtrail"];
      const char* key = addresses ? "source_addresses" : "source_names";
      CHECK(nlohmann::json(ct.contains(key) ? ct[key] : OJson::object()) == expected);
      if (addresses)
        CHECK(use["summary"].get<std::string>().find(" from " + std::to_string(expected.size()) +
                                                     " addresses") != std::string::npos);
    }
    // artifact: the file and offset of the session's first call (jq: its earliest eventTime).
    auto first = run("jq -s -r " +
                     shell_quote("map(select(.userIdentity.arn | endswith(\"/" + id +
                                 "\"))) | min_by(.eventTime) | .eventTime") +
                     " " + shell_quote(all.string()));
    REQUIRE(first.exit_code == 0);
    const std::string path = use["artifact"]["path"].get<std::string>();
    REQUIRE(fs::exists(path));
    // In a subshell: run() redirects the last command's stdin from /dev/null.
    auto at =
        run(std::string("(") + (path.ends_with(".gz") ? "zcat " : "cat ") + shell_quote(path) +
            " | tail -c +" + std::to_string(use["artifact"]["offset"].get<std::uint64_t>() + 1) +
            " | head -c 20000 | /usr/bin/python3 -c " +
            shell_quote("import json,sys; r=json.JSONDecoder().raw_decode(sys.stdin.read()"
                        ")[0]; print(r['eventTime'], r['userIdentity']['arn'])") +
            ")");
    INFO(at.err);
    REQUIRE(at.exit_code == 0);
    CHECK(at.out.substr(0, at.out.find(' ')) + "\n" == first.out);
    CHECK(at.out.find("/" + id) != std::string::npos);
    CHECK(use["data"]["aws"]["cloudtrail"]["role_arn"].get<std::string>().find(":role/") !=
          std::string::npos);
  }
  // The undescribed instance's session says its addresses are unknown, and one "missing"
  // error names it.
  std::size_t missing = 0;
  for (const auto& e : s.out.errors)
    if (e.code == "missing") {
      ++missing;
      CHECK(e.message.find(kOther) != std::string::npos);
      CHECK(e.message.find(kInstance) == std::string::npos);
    }
  CHECK(missing == 1);
  for (const auto& use : uses)
    CHECK((use["summary"].get<std::string>().find("own addresses are unknown") !=
           std::string::npos) == (use["data"]["cloud"]["instance"]["id"] == kOther));
  // The described instance's addresses come from describe-instances; its credentials were
  // used from others, so its session is raised; the other instance is not described.
  for (const auto& use : uses) {
    const bool described = use["data"]["cloud"]["instance"]["id"] == kInstance;
    bool raised = false;
    for (const auto& c : use["checks"])
      raised = raised || c["id"] == "cloudtrail_instance_credentials_elsewhere";
    CHECK(raised == described);
    if (described)
      CHECK(use["data"]["aws"]["cloudtrail"]["instance_addresses"] ==
            OJson::array({"10.0.1.15", "54.170.1.2"}));
  }
  // Each api_call of the described instance from an address of its own is not raised.
  for (const auto& f : s.out.of("aws.api_call")) {
    if (!f["data"]["cloud"].contains("instance")) continue;
    const std::string ip = f["data"].contains("source") && f["data"]["source"].contains("ip")
                               ? f["data"]["source"]["ip"].get<std::string>()
                               : "";
    bool raised = false;
    for (const auto& c : f["checks"])
      raised = raised || c["id"] == "cloudtrail_instance_credentials_elsewhere";
    const bool foreign = f["data"]["cloud"]["instance"]["id"] == kInstance && !ip.empty() &&
                         ip != "10.0.1.15" && ip != "54.170.1.2";
    CHECK(raised == foreign);
  }
}

namespace {

/// Counts findings; keeps nothing.
class Count : public sqltriage::FindingSink {
 public:
  void begin(const sqltriage::DocumentHeader&) override {}
  void finding(const sqltriage::Finding& f) override { ++by_type[f.type]; }
  void error(const sqltriage::ErrorEntry& e) override { errors.push_back(e); }
  void end(const sqltriage::RunStats&) override {}
  std::map<std::string, std::uint64_t> by_type;
  std::vector<sqltriage::ErrorEntry> errors;
};

/// The process's peak resident set (VmHWM) in KiB.
long peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

TEST_CASE("cloudtrail scan: a 100 MB file on one line is streamed", "[aws-cloudtrail]") {
  if (!tool_or_skip("jq")) return;
  TempDir tmp;
  const fs::path big = tmp.path() / "big.json";
  // ~100k records of about 1 KB on one line, every 250th from 198.51.100.7.
  const auto gen = run(
      "/usr/bin/python3 -c " +
      shell_quote("import json,sys\n"
                  "f=open(sys.argv[1],'w')\n"
                  "f.write('{\"Records\":[')\n"
                  "for i in range(100000):\n"
                  "  r={'eventVersion':'1.08','userIdentity':{'type':'IAMUser','arn':"
                  "'arn:aws:iam::123456789012:user/u%d'%(i%7),'accessKeyId':'AKIAEXAMPLE%09d'%i},"
                  "'eventTime':'2023-02-20T%02d:%02d:%02dZ'%(i//3600%24,i//60%60,i%60),"
                  "'eventSource':'s3.amazonaws.com','eventName':'GetObject','awsRegion':"
                  "'eu-west-1','sourceIPAddress':'198.51.100.%d'%(i%250),'userAgent':'aws-cli/2'"
                  ",'requestParameters':{'bucketName':'b','key':'x'*600},'responseElements':None,"
                  "'eventID':'%032x'%i,'eventType':'AwsApiCall','recipientAccountId':"
                  "'123456789012'}\n"
                  "  f.write((',' if i else '')+json.dumps(r,separators=(',',':')))\n"
                  "f.write(']}')\n") +
      " " + shell_quote(big.string()));
  REQUIRE(gen.exit_code == 0);
  REQUIRE(fs::file_size(big) > 100'000'000);
  const auto total = run("jq '.Records | length' " + shell_quote(big.string()));
  const auto selected = run("jq -c '.Records[] | select(.sourceIPAddress==\"198.51.100.7\")' " +
                            shell_quote(big.string()));
  REQUIRE(total.exit_code == 0);
  REQUIRE(selected.exit_code == 0);
  const auto jq_selected =
      static_cast<std::uint64_t>(std::count(selected.out.begin(), selected.out.end(), '\n'));

  // Reset the peak RSS (Linux clear_refs "5"), then scan.
  { std::ofstream("/proc/self/clear_refs") << "5"; }
  const long before = peak_rss_kib();
  sqltriage::AwsCloudTrailScanOptions opt;
  opt.inputs = {big};
  opt.source_ips = {"198.51.100.7"};
  opt.threads = 2;
  Count out;
  sqltriage::scan_aws_cloudtrail(opt, "aws cloudtrail", out);
  const long peak = peak_rss_kib();
  INFO(errors_text(out.errors));
  CHECK(out.errors.empty());
  CHECK(out.by_type["aws.api_call"] == jq_selected);
  CHECK(jq_selected == 400);
  CHECK(std::to_string(100000) + "\n" == total.out);
  INFO("peak RSS before " << before << " KiB, during the scan " << peak << " KiB");
  CHECK(peak < 64 * 1024);
}
