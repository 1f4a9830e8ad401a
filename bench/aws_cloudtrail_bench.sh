#!/usr/bin/env bash
# `sqltriage aws cloudtrail --source-ip` over generated gzipped CloudTrail files against
# `zcat | jq` doing the same select: events/s, MB/s (uncompressed), peak RSS and the ratio.
# Run on demand after scripts/build.sh; needs hyperfine, /usr/bin/time, jq, zcat and
# /usr/bin/python3.
#
#   bench/aws_cloudtrail_bench.sh [COMPRESSED_MB] [RUNS] [RECORDS_PER_FILE]
#
# The files (default 1024 MB compressed; 2,000 records a file) are written with a fixed seed,
# as CloudTrail delivers them to S3: one gzip member of {"Records": [...]} on one line per
# file, under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/. Records are varied: instance role sessions (40 instances), IAM users,
# other assumed roles and AWS services; 16 calls from EC2, S3, STS, Secrets Manager, SSM, KMS,
# IAM, Logs, CloudWatch, EFS, CloudTrail and Lambda; private, public, IPv6 and service-name
# source addresses; 5% failed calls; AssumeRole responses carrying credentials.
#
# Both commands look for the same address (the most frequent public one of the first file):
#   sqltriage aws cloudtrail DIR --source-ip X -o FILE
#   xargs zcat < FILES | jq -c '.Records[] | select(.sourceIPAddress == "X")' > FILE
# and must find the same number of events. Times are hyperfine means (CPU = user + system);
# peak RSS is from one run of /usr/bin/time. SQLTRIAGE=path overrides the binary (default
# build/release/sqltriage); THREADS sets --threads (default: cores); KEEP=DIR keeps the files.
set -euo pipefail

SIZE_MB="${1:-1024}"
RUNS="${2:-3}"
PER_FILE="${3:-2000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SQLTRIAGE="${SQLTRIAGE:-$ROOT/build/release/sqltriage}"
THREADS="${THREADS:-0}"

[[ -x "$SQLTRIAGE" ]] || { echo "missing $SQLTRIAGE: run scripts/build.sh first" >&2; exit 2; }
for tool in hyperfine /usr/bin/time jq zcat /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

if [[ -n "${KEEP:-}" ]]; then
  WORK="$KEEP"
  mkdir -p "$WORK"
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/cloudtrail-bench.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
fi
DIR="$WORK/logs"

if [[ ! -d "$DIR/AWSLogs" ]]; then
  start=$(date +%s)
  # generator: OUT_DIR TOTAL_MB RECORDS_PER_FILE; stops once TOTAL_MB compressed are written.
  /usr/bin/python3 - "$DIR" "$SIZE_MB" "$PER_FILE" >&2 <<'PY'
import gzip, json, os, random, sys

out, total_mb = sys.argv[1], float(sys.argv[2])
per_file = int(sys.argv[3]) if len(sys.argv) > 3 else 2000
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20261130)
ACCOUNT = "123456789012"
REGIONS = ["eu-west-1", "us-east-1", "eu-central-1"]
CALLS = [("ec2.amazonaws.com", "DescribeInstances", True), ("s3.amazonaws.com", "GetObject", True),
         ("s3.amazonaws.com", "PutObject", False), ("s3.amazonaws.com", "ListBuckets", True),
         ("sts.amazonaws.com", "GetCallerIdentity", True), ("sts.amazonaws.com", "AssumeRole", False),
         ("secretsmanager.amazonaws.com", "GetSecretValue", True),
         ("ssm.amazonaws.com", "GetParameter", True), ("kms.amazonaws.com", "Decrypt", True),
         ("iam.amazonaws.com", "CreateAccessKey", False), ("iam.amazonaws.com", "ListRoles", True),
         ("logs.amazonaws.com", "PutLogEvents", False), ("monitoring.amazonaws.com", "PutMetricData", False),
         ("elasticfilesystem.amazonaws.com", "DescribeFileSystems", True),
         ("cloudtrail.amazonaws.com", "LookupEvents", True), ("lambda.amazonaws.com", "ListFunctions20150331", True)]
WEIGHTS = [30, 25, 10, 2, 3, 4, 2, 5, 6, 1, 2, 15, 10, 3, 1, 2]
AGENTS = ["aws-cli/2.13.25 Python/3.11.5 Linux/5.10.197-186.748.amzn2.x86_64 exe/x86_64.amzn.2 prompt/off command/s3.cp",
          "aws-sdk-go-v2/1.21.0 os/linux lang/go#1.20.8 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.118.0",
          "Boto3/1.28.62 md/Botocore#1.31.62 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.10.12",
          "aws-internal/3 aws-sdk-java/1.12.560", "console.amazonaws.com", "AWS Internal"]
INSTANCES = ["i-%017x" % rng.getrandbits(68) for _ in range(40)]
PUBLIC = ["%d.%d.%d.%d" % (rng.choice([3, 18, 34, 52, 54, 185, 198, 203]), rng.randrange(256),
                           rng.randrange(256), rng.randrange(1, 255)) for _ in range(300)]
PRIVATE = ["10.0.%d.%d" % (rng.randrange(16), rng.randrange(1, 255)) for _ in range(200)]
V6 = ["2001:db8:%x::%x" % (rng.randrange(65536), rng.randrange(1, 65536)) for _ in range(50)]

def hexid(n):
    return "%0*x" % (n, rng.getrandbits(4 * n))

def identity():
    r = rng.random()
    if r < 0.45:
        inst = rng.choice(INSTANCES)
        role = "WebRole%d" % (INSTANCES.index(inst) % 5)
        return inst, {"type": "AssumedRole", "principalId": "AROAEXAMPLE%05d:%s" % (INSTANCES.index(inst), inst),
                      "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, role, inst),
                      "accountId": ACCOUNT, "accessKeyId": "ASIA" + hexid(16).upper(),
                      "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE%05d" % INSTANCES.index(inst),
                                                           "arn": "arn:aws:iam::%s:role/%s" % (ACCOUNT, role),
                                                           "accountId": ACCOUNT, "userName": role},
                                         "webIdFederationData": {},
                                         "attributes": {"creationDate": "2023-02-20T10:00:00Z", "mfaAuthenticated": "false"},
                                         "ec2RoleDelivery": "2.0"}}
    if r < 0.75:
        user = rng.choice(["alice", "bob", "deploy", "backup-svc", "ci-runner"])
        return None, {"type": "IAMUser", "principalId": "AIDA" + hexid(16).upper(),
                      "arn": "arn:aws:iam::%s:user/%s" % (ACCOUNT, user), "accountId": ACCOUNT,
                      "accessKeyId": "AKIA" + hexid(16).upper(), "userName": user}
    if r < 0.9:
        return None, {"type": "AWSService", "invokedBy": rng.choice(["ec2.amazonaws.com", "lambda.amazonaws.com"])}
    return None, {"type": "AssumedRole", "principalId": "AROAOTHER:session-%d" % rng.randrange(100),
                  "arn": "arn:aws:sts::%s:assumed-role/Admin/session-%d" % (ACCOUNT, rng.randrange(100)),
                  "accountId": ACCOUNT, "accessKeyId": "ASIA" + hexid(16).upper()}

def record(t):
    source, name, ro = rng.choices(CALLS, WEIGHTS)[0]
    inst, ident = identity()
    if ident["type"] == "AWSService":
        ip = ident["invokedBy"]
    else:
        r = rng.random()
        ip = rng.choice(PRIVATE) if r < 0.5 else rng.choice(V6) if r < 0.55 else rng.choice(PUBLIC)
    rec = {"eventVersion": "1.08", "userIdentity": ident, "eventTime": t, "eventSource": source,
           "eventName": name, "awsRegion": rng.choice(REGIONS), "sourceIPAddress": ip,
           "userAgent": rng.choice(AGENTS)}
    if rng.random() < 0.05:
        rec["errorCode"] = rng.choice(["AccessDenied", "Client.UnauthorizedOperation", "ThrottlingException"])
        rec["errorMessage"] = "User: %s is not authorized to perform: %s:%s" % (ident.get("arn", "svc"), source.split(".")[0], name)
    rec["requestParameters"] = {"bucketName": "data-%d" % rng.randrange(50), "key": "exports/%s/part-%05d.csv" % (hexid(8), rng.randrange(10 ** 5)),
                                "Host": "data.s3.eu-west-1.amazonaws.com"} if source == "s3.amazonaws.com" else \
        {"secretId": "prod/db/password-%d" % rng.randrange(20)} if name == "GetSecretValue" else \
        {"name": "/app/config/key%d" % rng.randrange(30), "withDecryption": True} if name == "GetParameter" else \
        {"instancesSet": {"items": [{"instanceId": rng.choice(INSTANCES)}]}, "filterSet": {}} if name == "DescribeInstances" else \
        {"logGroupName": "/aws/app", "logStreamName": hexid(12)} if name == "PutLogEvents" else None
    rec["responseElements"] = {"credentials": {"accessKeyId": "ASIA" + hexid(16).upper(), "sessionToken": hexid(200),
                                               "expiration": "Feb 20, 2023, 4:00:00 PM"}} if name == "AssumeRole" else None
    rec["requestID"] = "%s-%s-%s-%s-%s" % (hexid(8), hexid(4), hexid(4), hexid(4), hexid(12))
    rec["eventID"] = "%s-%s-%s-%s-%s" % (hexid(8), hexid(4), hexid(4), hexid(4), hexid(12))
    rec["readOnly"] = ro
    rec["eventType"] = "AwsApiCall"
    rec["managementEvent"] = source != "s3.amazonaws.com"
    rec["recipientAccountId"] = ACCOUNT
    rec["eventCategory"] = "Management" if source != "s3.amazonaws.com" else "Data"
    rec["tlsDetails"] = {"tlsVersion": "TLSv1.2", "cipherSuite": "ECDHE-RSA-AES128-GCM-SHA256",
                         "clientProvidedHostHeader": source.replace("amazonaws.com", "eu-west-1.amazonaws.com")}
    return rec

written, n, minute = 0, 0, 0
target = total_mb * 1e6
while written < target:
    minute += 5
    day, hh, mm = 20 + minute // 1440, (minute // 60) % 24, minute % 60
    region = rng.choice(REGIONS)
    folder = os.path.join(out, "AWSLogs", ACCOUNT, "CloudTrail", region, "2023", "02", "%02d" % day)
    os.makedirs(folder, exist_ok=True)
    stamp = "202302%02dT%02d%02dZ" % (day, hh, mm)
    path = os.path.join(folder, "%s_CloudTrail_%s_%s_%s.json.gz" % (ACCOUNT, region, stamp, hexid(16)))
    recs = [record("2023-02-%02dT%02d:%02d:%02dZ" % (day, hh, mm, s % 60)) for s in range(per_file)]
    data = json.dumps({"Records": recs}, separators=(",", ":")).encode()
    with open(path, "wb") as f:
        f.write(gzip.compress(data, 6))
    written += os.path.getsize(path)
    n += 1
print("%d files, %d records, %.1f MB compressed" % (n, n * per_file, written / 1e6))
PY
  echo "generated in $(($(date +%s) - start)) s" >&2
fi
mapfile -t FILES < <(find "$DIR" -name '*.json.gz' | sort)
echo "${#FILES[@]} files, $(du -sm "$DIR" | cut -f1) MB compressed" >&2
printf '%s\n' "${FILES[@]}" > "$WORK/files.txt"
raw_bytes=$(xargs zcat < "$WORK/files.txt" | wc -c)
events=$(( ${#FILES[@]} * PER_FILE ))
IP=$(zcat "${FILES[0]}" | jq -r '.Records[].sourceIPAddress' | grep -E '^(3|18|34|52|54|185|198|203)\.' |
     sort | uniq -c | sort -rn | head -1 | awk '{print $2}')
echo "uncompressed: $((raw_bytes / 1048576)) MiB, $events events; looking for $IP" >&2

cmd_ours="$SQLTRIAGE aws cloudtrail $DIR --source-ip $IP --threads $THREADS -q -o $WORK/ours.json"
cmd_jq="xargs zcat < $WORK/files.txt | jq -c '.Records[] | select(.sourceIPAddress == \"$IP\")' > $WORK/jq.jsonl"

hyperfine --runs "$RUNS" --export-json "$WORK/hyperfine.json" \
  -n "sqltriage aws cloudtrail --source-ip" "$cmd_ours" \
  -n "zcat, jq select" "$cmd_jq" >&2

measure_rss() {
  /usr/bin/time -f %M -o "$WORK/rss.txt" bash -c "$1" > /dev/null 2>&1
  tail -1 "$WORK/rss.txt"
}
rss_ours=$(measure_rss "$cmd_ours")
rss_jq=$(measure_rss "$cmd_jq")

ours_n=$(jq '[.findings[] | select(.type == "aws.api_call")] | length' "$WORK/ours.json")
jq_n=$(wc -l < "$WORK/jq.jsonl")
if [[ "$ours_n" != "$jq_n" ]]; then
  echo "MISMATCH: sqltriage found $ours_n events from $IP, jq $jq_n" >&2
  exit 1
fi
echo "both found $ours_n events from $IP" >&2

/usr/bin/python3 - "$WORK/hyperfine.json" "$events" "$raw_bytes" "$rss_ours" "$rss_jq" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
events, raw = int(sys.argv[2]), int(sys.argv[3])
rss = [int(sys.argv[4]) / 1024, int(sys.argv[5]) / 1024]
ref = runs[-1]
print("| tool | s (mean) | CPU s | events/s | MB/s (uncompressed) | peak RSS MB | speed vs jq (wall) | (CPU) |")
print("|---|---|---|---|---|---|---|---|")
for r, m in zip(runs, rss):
    cpu = r["user"] + r["system"]
    print(f"| {r['command']} | {r['mean']:.2f} | {cpu:.2f} | {events / r['mean']:,.0f} | "
          f"{raw / 1e6 / r['mean']:.1f} | {m:.1f} | {ref['mean'] / r['mean']:.2f}× | "
          f"{(ref['user'] + ref['system']) / cpu:.2f}× |")
PY
