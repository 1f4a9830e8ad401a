#!/usr/bin/env bash
# `sqltriage weblog` stacking a generated IIS W3C log against awk doing the same grouping:
# lines/s, MB/s and peak RSS. Run on demand after scripts/build.sh; needs hyperfine,
# /usr/bin/time, awk and /usr/bin/python3.
#
#   bench/weblog_bench.sh [SIZE_MB] [RUNS]
#
# The log (default 1024 MB) is an IIS 10 W3C extended log with the full field set
# (s-sitename, s-computername, cs-bytes, sc-bytes, time-taken included) and the
# #Software/#Version/#Date/#Fields header repeated every 50,000 lines, as IIS writes it again
# after a restart: 5,000 client addresses (public, private and IPv6) with Zipf-like
# popularity, 20,000 distinct resources (a few hundred popular pages, a long tail; a tenth of
# the requests spell the path in other letter case), GET/POST/HEAD, statuses 200/304/404/500,
# user agents with '+' for spaces, queries. It is generated with a fixed seed, so every run
# reads the same bytes.
#
# The reference is awk grouping by cs-uri-stem (lower-cased: IIS paths are case-insensitive):
# requests, distinct c-ip, first and last date+time, the columns taken from each #Fields:
# line, written to a file as sqltriage writes its findings. sqltriage runs twice: with
# `--all --top 100000000` (a finding for every resource, every client summarised) and as by
# default (the rare resources only). Each runs RUNS times (default 3) under hyperfine; peak
# RSS is from one run of /usr/bin/time, at SIZE_MB and at a quarter of it. CPU seconds (user + system, hyperfine's means) are given beside the wall-clock ones: on a
# shared machine they move less.
# With jq, sqltriage's resources are checked against the awk result once.
# SQLTRIAGE=path overrides the binary (default build/release/sqltriage); KEEP=DIR keeps the
# log and the awk result in DIR.
set -euo pipefail

SIZE_MB="${1:-1024}"
RUNS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SQLTRIAGE="${SQLTRIAGE:-$ROOT/build/release/sqltriage}"

[[ -x "$SQLTRIAGE" ]] || { echo "missing $SQLTRIAGE: run scripts/build.sh first" >&2; exit 2; }
for tool in hyperfine /usr/bin/time awk /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

if [[ -n "${KEEP:-}" ]]; then
  WORK="$KEEP"
  rm -rf "$WORK" && mkdir -p "$WORK"
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/weblog-bench.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
fi

# generate SIZE_MB PATH: the W3C log, written in 8 MB pieces.
generate() {
  /usr/bin/python3 - "$1" "$2" <<'EOF'
import random, sys
size_mb, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(20261130)
N_IPS, N_RES, HEADER_EVERY = 5000, 20000, 50000

def ip(i):
    if i % 50 == 7:
        return f"2001:db8:{i % 97:x}:{i:x}::{rng.randrange(1, 0xffff):x}"
    if i % 20 == 3:
        return f"10.{i % 256}.{(i * 7) % 256}.{rng.randrange(1, 255)}"
    if i % 31 == 5:
        return f"192.168.{i % 256}.{rng.randrange(1, 255)}"
    return f"{rng.choice([23, 31, 45, 62, 81, 103, 141, 185, 198, 203])}.{rng.randrange(256)}." \
           f"{rng.randrange(256)}.{rng.randrange(1, 255)}"
ips = list(dict.fromkeys(ip(i) for i in range(N_IPS * 2)))[:N_IPS]
ip_weights = [1 / (r + 1) ** 1.1 for r in range(len(ips))]

words = ["account", "orders", "catalog", "search", "images", "content", "scripts", "api",
         "reports", "admin", "help", "news", "customer", "invoice", "product", "media"]
exts = [".aspx"] * 6 + [".ashx", ".asmx", ".axd", ".css", ".js", ".js", ".png", ".jpg",
                        ".gif", ".html", ".svc", ".woff2"]
popular = ["/", "/default.aspx", "/favicon.ico", "/robots.txt", "/Content/site.css",
           "/Scripts/jquery-3.6.0.min.js", "/login.aspx", "/api/v1/orders", "/owa/auth/logon.aspx",
           "/ecp/default.aspx", "/WebResource.axd", "/ScriptResource.axd"]
resources = list(popular)
seen = {r.lower() for r in resources}
while len(resources) < N_RES:
    depth = rng.randint(1, 4)
    parts = [rng.choice(words) + (str(rng.randrange(40)) if rng.random() < 0.5 else "")
             for _ in range(depth)]
    name = rng.choice(words) + str(rng.randrange(5000)) + rng.choice(exts)
    if rng.random() < 0.4:
        parts = [p.capitalize() for p in parts]
        name = name.capitalize()
    r = "/" + "/".join(parts + [name])
    if r.lower() not in seen:
        seen.add(r.lower())
        resources.append(r)
res_weights = [1 / (r + 1) ** 0.9 for r in range(len(resources))]

def other_case(r):
    return "".join(c.upper() if rng.random() < 0.3 else c.lower() for c in r)

agents = [
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/118.0.0.0+Safari/537.36",
    "Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64;+rv:119.0)+Gecko/20100101+Firefox/119.0",
    "Mozilla/5.0+(Macintosh;+Intel+Mac+OS+X+10_15_7)+AppleWebKit/605.1.15+(KHTML,+like+Gecko)+Version/17.0+Safari/605.1.15",
    "Mozilla/5.0+(iPhone;+CPU+iPhone+OS+17_1+like+Mac+OS+X)+AppleWebKit/605.1.15+(KHTML,+like+Gecko)+Mobile/15E148",
    "Mozilla/5.0+(compatible;+bingbot/2.0;++http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0+(compatible;+Googlebot/2.1;++http://www.google.com/bot.html)",
    "Microsoft+Office/16.0+(Windows+NT+10.0;+Microsoft+Outlook+16.0.17029;+Pro)",
    "python-requests/2.31.0", "curl/8.4.0", "Go-http-client/1.1", "-",
    "Mozilla/4.0+(compatible;+MSIE+7.0;+Windows+NT+6.1;+Trident/7.0)",
]
agent_weights = [30, 12, 8, 10, 4, 4, 6, 2, 2, 1, 1, 1]
methods, method_weights = ["GET", "POST", "HEAD"], [85, 12, 3]
statuses = [(200, 0, 0), (304, 0, 0), (404, 0, 2), (500, 0, 0), (404, 3, 50)]
status_weights = [70, 15, 9, 3, 3]
users = ["-"] * 18 + ["CONTOSO\\jdoe", "CONTOSO\\svc_report"]
queries = ["-"] * 6 + ["id={}", "page={}&sort=asc", "q=report+{}", "ReturnUrl=%2fdefault.aspx",
                       "v={}", "lang=en-US&id={}"]
referers = ["-", "-", "https://www.contoso.com/", "https://www.contoso.com/default.aspx",
            "https://www.bing.com/search?q=contoso"]
fields = ("date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port "
          "cs-username c-ip cs-version cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status "
          "sc-substatus sc-win32-status sc-bytes cs-bytes time-taken")
clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86400)]
start_day = 20393  # 2025-11-01 in days since 1970-01-01
import datetime
def day_text(d):
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=d)).isoformat()
days = {}

target = size_mb * 1024 * 1024
written, line_no, second = 0, 0, 0
BATCH = 20000
with open(path, "w", encoding="ascii", newline="\n") as out:
    while written < target:
        ipb = rng.choices(ips, ip_weights, k=BATCH)
        resb = rng.choices(range(len(resources)), res_weights, k=BATCH)
        agb = rng.choices(agents, agent_weights, k=BATCH)
        meb = rng.choices(methods, method_weights, k=BATCH)
        stb = rng.choices(statuses, status_weights, k=BATCH)
        rnd = [rng.random() for _ in range(BATCH)]
        lines = []
        for k in range(BATCH):
            if line_no % HEADER_EVERY == 0:
                d = start_day + second // 86400
                stamp = days.setdefault(d, day_text(d)) + " " + clock[second % 86400]
                lines.append("#Software: Microsoft Internet Information Services 10.0\n"
                             "#Version: 1.0\n#Date: " + stamp + "\n#Fields: " + fields + "\n")
            line_no += 1
            second += 1 if rnd[k] < 0.5 else 0
            d = start_day + second // 86400
            date = days.get(d) or days.setdefault(d, day_text(d))
            r = rnd[k]
            stem = resources[resb[k]]
            if r < 0.1:
                stem = other_case(stem)
            q = queries[int(r * 7919) % len(queries)]
            if "{}" in q:
                q = q.format(int(r * 1e6) % 10000)
            status, sub, win32 = stb[k]
            method = meb[k]
            cs_bytes = 300 + int(r * 900) if method != "POST" else 400 + int(r * 1e7) % 200000
            sc_bytes = 150 if status == 304 else 200 + int(r * 1e9) % 90000
            lines.append(f"{date} {clock[second % 86400]} W3SVC1 WEB01 10.0.0.5 {method} {stem} {q} "
                         f"443 {users[int(r * 1e5) % 20]} {ipb[k]} HTTP/1.1 {agb[k]} - "
                         f"{referers[int(r * 1e4) % 5]} www.contoso.com {status} {sub} {win32} "
                         f"{sc_bytes} {cs_bytes} {int(r * 1e3) % 400 + 1}\n")
        text = "".join(lines)
        out.write(text)
        written += len(text)
EOF
}

# reference LOG OUT: per lower-cased cs-uri-stem: requests, distinct c-ip, first, last.
AWK_REF='
/^#Fields:/ {
  for (k in col) delete col[k]
  for (i = 2; i <= NF; i++) col[$i] = i - 1
  fd = col["date"]; ft = col["time"]; fs = col["cs-uri-stem"]; fc = col["c-ip"]; next
}
/^#/ { next }
{
  k = tolower($fs); if (k == "-") k = ""
  n[k]++
  ip = $fc
  if (ip != "-" && !((k, ip) in seen)) { seen[k, ip] = 1; ips[k]++ }
  ts = $fd " " $ft
  if (!(k in first) || ts < first[k]) first[k] = ts
  if (!(k in last) || ts > last[k]) last[k] = ts
}
END { for (k in n) printf "%s\t%d\t%d\t%s\t%s\n", k, n[k], ips[k], first[k], last[k] }'
export AWK_REF

# measure_rss CMD: peak RSS in KiB of one run (CMD writes its own output somewhere).
measure_rss() {
  /usr/bin/time -f %M -o "$WORK/rss.txt" bash -c "$1" > /dev/null 2>&1
  tail -1 "$WORK/rss.txt"
}

LOG="$WORK/u_ex.log"
SMALL_MB=$((SIZE_MB / 4))
generate "$SMALL_MB" "$LOG"
rss_small_ours=$(measure_rss "$SQLTRIAGE weblog $LOG --all --top 100000000 -o /dev/null")
rss_small_rare=$(measure_rss "$SQLTRIAGE weblog $LOG -o /dev/null")
rss_small_awk=$(measure_rss "LC_ALL=C awk \"\$AWK_REF\" $LOG > $WORK/awk_small.tsv")

start=$(date +%s)
generate "$SIZE_MB" "$LOG"
echo "generated $SIZE_MB MB in $(($(date +%s) - start)) s" >&2
lines=$(wc -l < "$LOG")
bytes=$(stat -c %s "$LOG")
requests=$(grep -vc '^#' "$LOG")
echo "log: $lines lines ($requests requests), $((bytes / 1048576)) MiB" >&2

cmd_ours="$SQLTRIAGE weblog $LOG --all --top 100000000 -o /dev/null"
cmd_rare="$SQLTRIAGE weblog $LOG -o /dev/null"
cmd_awk="LC_ALL=C awk \"\$AWK_REF\" $LOG > $WORK/awk.tsv"
hyperfine --runs "$RUNS" --export-json "$WORK/hyperfine.json" \
  -n "sqltriage weblog --all" "$cmd_ours 2>/dev/null" \
  -n "sqltriage weblog (rare only)" "$cmd_rare 2>/dev/null" \
  -n "awk (mawk) grouping" "$cmd_awk" >&2
rss_ours=$(measure_rss "$cmd_ours")
rss_rare=$(measure_rss "$cmd_rare")
rss_awk=$(measure_rss "$cmd_awk")
echo "awk grouped $(wc -l < "$WORK/awk.tsv") resources" >&2

# The same numbers from both: sqltriage's weblog.resource findings against the awk result
# (sqltriage keeps at most 1,000 addresses a resource and says when there were more).
if command -v jq >/dev/null; then
  "$SQLTRIAGE" weblog "$LOG" --all --top 100000000 -o "$WORK/ours.json" 2>/dev/null
  jq -r '.findings[] | select(.type == "weblog.resource") | .data |
         [(.Resource | ascii_downcase), .Requests, .ClientIpCount, .ClientIpsTruncated,
          (.FirstSeen[0:19] | sub("T"; " ")), (.LastSeen[0:19] | sub("T"; " "))] | @tsv' \
    "$WORK/ours.json" > "$WORK/ours.tsv"
  # Each finding lists its ClientIpCount addresses, distinct and in byte order.
  jq -e '[.findings[] | select(.type == "weblog.resource") | .data |
          select((.ClientIps | length) != .ClientIpCount or .ClientIps != (.ClientIps | unique))]
         | length == 0' "$WORK/ours.json" > /dev/null ||
    { echo "a weblog.resource finding lists other addresses than it counts" >&2; exit 1; }
  rm -f "$WORK/ours.json"
  /usr/bin/python3 - "$WORK/awk.tsv" "$WORK/ours.tsv" <<'EOF'
import sys
def rows(path, ours):
    out = {}
    for line in open(path):
        key, requests, ips, *rest = line.rstrip("\n").split("\t")
        if ours:
            truncated, first, last = rest
        else:
            first, last = rest
            truncated = "true" if int(ips) > 1000 else "false"
            ips = str(min(int(ips), 1000))
        out[key] = (requests, ips, truncated, first, last)
    return out
awk, ours = rows(sys.argv[1], False), rows(sys.argv[2], True)
wrong = [k for k in awk if awk[k] != ours.get(k)] + [k for k in ours if k not in awk]
if wrong:
    sys.exit(f"sqltriage and awk differ on {len(wrong)} resources, e.g. {wrong[0]!r}: "
             f"{awk.get(wrong[0])} vs {ours.get(wrong[0])}")
print(f"sqltriage and awk agree on all {len(awk)} resources", file=sys.stderr)
EOF
else
  echo "jq missing: the results were not compared" >&2
fi

/usr/bin/python3 - "$WORK/hyperfine.json" "$lines" "$bytes" "$SIZE_MB" "$SMALL_MB" \
  "$rss_ours" "$rss_rare" "$rss_awk" "$rss_small_ours" "$rss_small_rare" "$rss_small_awk" <<'EOF'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
lines, size = int(sys.argv[2]), int(sys.argv[3])
big, small = sys.argv[4], sys.argv[5]
rss = [int(x) / 1024 for x in sys.argv[6:9]]
rss_small = [int(x) / 1024 for x in sys.argv[9:12]]
awk = runs[-1]["mean"]
awk_cpu = runs[-1]["user"] + runs[-1]["system"]
print(f"| tool | s (mean) | CPU s | lines/s | MB/s | peak RSS MB at {small} MB | at {big} MB "
      "| speed vs awk (wall) | (CPU) |")
print("|---|---|---|---|---|---|---|---|---|")
for r, m, s in zip(runs, rss, rss_small):
    t, cpu = r["mean"], r["user"] + r["system"]
    print(f"| {r['command']} | {t:.2f} | {cpu:.2f} | {lines / t:,.0f} | {size / 1e6 / t:.1f} "
          f"| {s:.1f} | {m:.1f} | {awk / t:.2f}x | {awk_cpu / cpu:.2f}x |")
EOF
