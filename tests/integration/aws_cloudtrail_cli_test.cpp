// `sqltriage aws cloudtrail` end to end: a folder of gzip CloudTrail files the test writes, the
// --source-ip count against `zcat | jq` run on the same files, the usage errors, the exit code
// when nothing is readable, and the peak RSS of a 100 MB one-line file under /usr/bin/time.
#include <algorithm>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "support.hpp"

using namespace sqltriage::test;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

std::string q(const fs::path& p) { return shell_quote(p.string()); }

/// Gzip CloudTrail files written by python: `files` files of `per_file` records, source
/// addresses cycling over 203.0.113.0-49 and 2001:db8::0-9.
void write_trail(const fs::path& dir, int files, int per_file) {
  const std::string py =
      "import gzip,json,os,sys\n"
      "d,files,per=sys.argv[1],int(sys.argv[2]),int(sys.argv[3])\n"
      "os.makedirs(d,exist_ok=True)\n"
      "for f in range(files):\n"
      "  recs=[]\n"
      "  for i in range(per):\n"
      "    n=f*per+i\n"
      "    ip='203.0.113.%d'%(n%50) if n%3 else '2001:db8::%x'%(n%10)\n"
      "    recs.append({'eventVersion':'1.08','userIdentity':{'type':'AssumedRole','arn':"
      "'arn:aws:sts::123456789012:assumed-role/Web/i-0123456789abcdef0','principalId':"
      "'AROAX:i-0123456789abcdef0','accessKeyId':'ASIAEXAMPLE00000001'},'eventTime':"
      "'2023-02-20T%02d:%02d:00Z'%(n//60%24,n%60),'eventSource':'sts.amazonaws.com',"
      "'eventName':'GetCallerIdentity','awsRegion':'eu-west-1','sourceIPAddress':ip,"
      "'eventID':'%032x'%n,'eventType':'AwsApiCall','recipientAccountId':'123456789012'})\n"
      "  p=os.path.join(d,'123456789012_CloudTrail_eu-west-1_%05d.json.gz'%f)\n"
      "  open(p,'wb').write(gzip.compress(json.dumps({'Records':recs}).encode()))\n";
  const auto r = run("/usr/bin/python3 -c " + shell_quote(py) + " " + q(dir) + " " +
                     std::to_string(files) + " " + std::to_string(per_file));
  REQUIRE(r.exit_code == 0);
}

std::size_t lines_of(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("aws cloudtrail CLI: --source-ip over gzip files agrees with zcat and jq",
          "[aws-cloudtrail]") {
  if (!tool_or_skip("jq") || !tool_or_skip("zcat")) return;
  TempDir tmp;
  const fs::path dir = tmp.path() / "AWSLogs";
  write_trail(dir, 6, 500);
  // run() gives the last command of a pipe /dev/null as its input: jq reads a file.
  const fs::path all = tmp.path() / "all.json";
  const auto jq = run("zcat " + q(dir) + "/*.gz > " + q(all) + " && jq -c '.Records[] | " +
                      "select(.sourceIPAddress == \"203.0.113.7\" or (.sourceIPAddress | " +
                      "startswith(\"2001:db8::\")))' " + q(all));
  REQUIRE(jq.exit_code == 0);
  const fs::path out = tmp.path() / "out.json";
  const auto r =
      run_sqltriage("aws cloudtrail " + q(dir) +
                    " --source-ip 203.0.113.7 --source-ip 2001:db8::/64 --threads 2 -o " + q(out));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto doc = Json::parse(run("cat " + q(out)).out);
  std::size_t calls = 0, exports = 0, events = 0;
  for (const auto& f : doc["findings"]) {
    if (f["type"] == "aws.api_call") {
      ++calls;
      // GetCallerIdentity is reconnaissance: low.
      CHECK(f["severity"] == "low");
    }
    if (f["type"] == "aws.export") {
      ++exports;
      events += f["data"]["events"].get<std::size_t>();
    }
  }
  CHECK(calls == lines_of(jq.out));
  CHECK(calls > 0);
  CHECK(exports == 6);
  CHECK(events == 3000);
  // No describe-instances export among these files: the only error says the instances'
  // addresses are unknown.
  REQUIRE(doc["errors"].size() == 1);
  CHECK(doc["errors"][0]["code"] == "missing");
  CHECK(doc["errors"][0]["message"].get<std::string>().find("--instance-ip") != std::string::npos);

  // --instance-ip: the instance's own address; the other addresses raise the theft check.
  const auto theft = run_sqltriage("aws cloudtrail " + q(dir) +
                                   " --instance-ip 203.0.113.7 --fail-on high -o /dev/null");
  CHECK(theft.exit_code == 1);
}

TEST_CASE("aws cloudtrail CLI: usage errors and nothing readable", "[aws-cloudtrail]") {
  TempDir tmp;
  write_file(tmp.path() / "x.json", "{\"Records\": [");
  CHECK(run_sqltriage("aws cloudtrail " + q(tmp.path()) + " --instance-id i-xyz").exit_code == 2);
  CHECK(run_sqltriage("aws cloudtrail " + q(tmp.path()) + " --source-ip 300.1.1.1").exit_code == 2);
  CHECK(run_sqltriage("aws cloudtrail " + q(tmp.path()) + " --access-key nope").exit_code == 2);
  CHECK(run_sqltriage("aws cloudtrail " + q(tmp.path()) + " --instance-ip host").exit_code == 2);
  write_file(tmp.path() / "x.json", "{\"Records\": [{\"eventName\": tru}]}");
  const auto damaged = run_sqltriage("aws cloudtrail " + q(tmp.path() / "x.json") + " --jsonl");
  CHECK(damaged.exit_code == 3);
  CHECK(damaged.out.find("\"code\":\"record\"") != std::string::npos);
}

TEST_CASE("aws cloudtrail CLI: a 100 MB one-line file stays at a few MB of RSS",
          "[aws-cloudtrail]") {
  if (!tool_or_skip("jq") || !fs::exists("/usr/bin/time")) return;
  TempDir tmp;
  const fs::path big = tmp.path() / "big.json";
  const std::string py =
      "import json,sys\n"
      "f=open(sys.argv[1],'w')\n"
      "f.write('{\"Records\":[')\n"
      "for i in range(110000):\n"
      "  r={'eventTime':'2023-02-20T10:00:00Z','eventSource':'s3.amazonaws.com','eventName':"
      "'GetObject','sourceIPAddress':'198.51.100.%d'%(i%100),'requestParameters':{'key':"
      "'k'*800},'eventID':'%032x'%i}\n"
      "  f.write((',' if i else '')+json.dumps(r,separators=(',',':')))\n"
      "f.write(']}')\n";
  REQUIRE(run("/usr/bin/python3 -c " + shell_quote(py) + " " + q(big)).exit_code == 0);
  REQUIRE(fs::file_size(big) > 100'000'000);
  const auto jq =
      run("jq -c '.Records[] | select(.sourceIPAddress == \"198.51.100.42\") | "
          ".eventID' " +
          q(big));
  REQUIRE(jq.exit_code == 0);
  const fs::path out = tmp.path() / "out.json";
  const auto r = run("/usr/bin/time -f %M " + shell_quote(SQLTRIAGE_BINARY) + " aws cloudtrail " +
                     q(big) + " --source-ip 198.51.100.42 -q -o " + q(out));
  REQUIRE(r.exit_code == 0);
  const long peak_kib = std::stol(r.err.substr(r.err.find_last_of('\n', r.err.size() - 2) + 1));
  INFO("peak RSS " << peak_kib << " KiB");
  CHECK(peak_kib < 64 * 1024);
  const auto doc = Json::parse(run("cat " + q(out)).out);
  std::size_t calls = 0;
  for (const auto& f : doc["findings"]) calls += f["type"] == "aws.api_call" ? 1 : 0;
  CHECK(calls == lines_of(jq.out));
  CHECK(calls == 1100);
}
