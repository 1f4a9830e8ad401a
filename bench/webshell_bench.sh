#!/usr/bin/env bash
# `sqltriage webshell` on a generated web tree against `yara -r -p 2` with the same rules:
# files/s, MB/s and peak RSS. Run on demand after scripts/build.sh; needs yara, hyperfine,
# /usr/bin/time and /usr/bin/python3.
#
#   bench/webshell_bench.sh [FILES] [RUNS]
#
# The tree holds FILES files (default 24000): 40% server scripts (PHP, ASPX, JSP pages of
# ordinary code, 2-24 KiB), 35% images (JPEG/PNG/GIF headers and random bytes, 8-96 KiB),
# 25% binaries and archives (.dll, .exe, .zip, .pdf, 16-256 KiB), in nested site folders,
# plus the corpus webshells when ../shared/corpus is present. Every command runs RUNS times
# (default 3) under hyperfine, output to /dev/null; peak RSS is from one run of
# /usr/bin/time. Rows: sqltriage with its default script filter, sqltriage --all-files (the
# same files yara reads), and yara -r -p 2 with rules/*.yar. Both use 2 threads.
# SQLTRIAGE=path overrides the binary (default build/release/sqltriage); KEEP=DIR keeps the
# tree in DIR.
set -euo pipefail

FILES="${1:-24000}"
RUNS="${2:-3}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SQLTRIAGE="${SQLTRIAGE:-$ROOT/build/release/sqltriage}"
CORPUS="$ROOT/../shared/corpus"

[[ -x "$SQLTRIAGE" ]] || { echo "missing $SQLTRIAGE: run scripts/build.sh first" >&2; exit 2; }
for tool in yara hyperfine /usr/bin/time /usr/bin/python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

if [[ -n "${KEEP:-}" ]]; then
  WORK="$KEEP"
  rm -rf "$WORK" && mkdir -p "$WORK"
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/webshell-bench.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
fi
TREE="$WORK/tree"

/usr/bin/python3 - "$TREE" "$FILES" <<'EOF'
import os, random, sys
tree, total = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261129)
php = ("<?php\n/** Shows the {n} list. */\nfunction render_{n}($items) {{\n"
       "  $out = '';\n  foreach ($items as $i => $item) {{\n"
       "    $out .= '<li>' . htmlspecialchars($item['title']) . '</li>';\n  }}\n"
       "  return '<ul>' . $out . '</ul>';\n}}\n")
aspx = ("<%@ Page Language=\"C#\" AutoEventWireup=\"true\" %>\n<script runat=\"server\">\n"
        "protected void Page_Load(object sender, EventArgs e) {{\n"
        "  Title.Text = \"{n}\";\n  Grid{n}.DataSource = Repository.List(\"{n}\");\n"
        "  Grid{n}.DataBind();\n}}\n</script>\n<asp:GridView id=\"Grid{n}\" runat=\"server\" />\n")
jsp = ("<%@ page contentType=\"text/html; charset=UTF-8\" %>\n<%\n"
       "  java.util.List<String> rows{n} = catalog.rows(\"{n}\");\n"
       "  for (String r : rows{n}) {{ out.println(\"<tr><td>\" + r + \"</td></tr>\"); }}\n%>\n")
kinds = [(".php", php), (".aspx", aspx), (".jsp", jsp)]
images = [(".jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"), (".png", b"\x89PNG\r\n\x1a\n"),
          (".gif", b"GIF89a")]
binaries = [(".dll", b"MZ\x90\x00"), (".exe", b"MZ\x90\x00"), (".zip", b"PK\x03\x04"),
            (".pdf", b"%PDF-1.7\n")]
for i in range(total):
    site = f"site{i % 8}"
    folder = os.path.join(tree, site, f"area{(i // 8) % 25}", f"part{(i // 200) % 6}")
    os.makedirs(folder, exist_ok=True)
    r = i % 20
    if r < 8:
        ext, body = kinds[i % 3]
        text = "".join(body.format(n=f"{i}_{k}") for k in range(rng.randint(6, 70)))
        data = text.encode()
        name = f"page{i}{ext}"
    elif r < 15:
        ext, head = images[i % 3]
        data = head + rng.randbytes(rng.randint(8, 96) * 1024)
        name = f"img{i}{ext}"
    else:
        ext, head = binaries[i % 4]
        data = head + rng.randbytes(rng.randint(16, 256) * 1024)
        name = f"bin{i}{ext}"
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)
EOF
if [[ -f "$CORPUS/webshell.tar.gz" ]]; then tar xzf "$CORPUS/webshell.tar.gz" -C "$TREE/site0"; fi

files=$(find "$TREE" -type f | wc -l)
bytes=$(du -sb "$TREE" | cut -f1)
scripts=$(find "$TREE" -type f \( -name '*.php' -o -name '*.aspx' -o -name '*.jsp' -o -name '*.asp' -o -name '*.ashx' -o -name '*.jpg' -o -name '*.png' -o -name '*.gif' \) | wc -l)
echo "tree: $files files, $((bytes / 1048576)) MiB; $scripts of them scripts or images" >&2

rules=("$ROOT"/rules/*.yar)
cmd_ours="$SQLTRIAGE webshell $TREE --threads 2 --no-cache"
cmd_all="$SQLTRIAGE webshell $TREE --threads 2 --no-cache --all-files"
cmd_yara="yara -r -p 2 -w ${rules[*]} $TREE"

hyperfine --warmup 1 --runs "$RUNS" --export-json "$WORK/hyperfine.json" \
  -n "sqltriage webshell" "$cmd_ours > /dev/null 2>&1" \
  -n "sqltriage webshell --all-files" "$cmd_all > /dev/null 2>&1" \
  -n "yara -r -p 2" "$cmd_yara > /dev/null 2>&1" >&2

rss() { /usr/bin/time -f %M bash -c "$1 > /dev/null 2>/dev/null" 2>&1 | tail -1; }
rss_ours=$(rss "$cmd_ours")
rss_all=$(rss "$cmd_all")
rss_yara=$(rss "$cmd_yara")

/usr/bin/python3 - "$WORK/hyperfine.json" "$files" "$bytes" "$rss_ours" "$rss_all" "$rss_yara" <<'EOF'
import json, sys
runs = json.load(open(sys.argv[1]))["results"]
files, size = int(sys.argv[2]), int(sys.argv[3])
rss = [int(x) / 1024 for x in sys.argv[4:7]]
yara = runs[2]["mean"]
print("| tool | s (mean) | files/s | MB/s | peak RSS MB | speed vs yara |")
print("|---|---|---|---|---|---|")
for r, m in zip(runs, rss):
    t = r["mean"]
    print(f"| {r['command']} | {t:.2f} | {files / t:.0f} | {size / 1e6 / t:.1f} | {m:.1f} | {yara / t:.2f}x |")
EOF
