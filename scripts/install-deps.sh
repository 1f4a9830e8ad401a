#!/usr/bin/env bash
# Installs the Debian 12 packages sqltriage needs to build, test and benchmark.
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config
  # libraries
  libcli11-dev nlohmann-json3-dev libspdlog-dev catch2 libssl-dev libpugixml-dev
  libevtx-dev libfsntfs-dev libregf-dev libfwnt-dev libbfio-dev libscca-dev libyara-dev zlib1g-dev
  libgoogle-perftools-dev libfuzzy-dev libtlsh-dev libsqlite3-dev libsimdjson-dev
  # test fixtures: NTFS images written through libntfs-3g, partition tables
  ntfs-3g ntfs-3g-dev fdisk
  # test fixtures: Windows programs built, given version info and signed on the spot
  gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 osslsigncode openssl
  # independent reference tools the tests compare against
  libevtx-utils python3-evtx python3 sleuthkit libfsntfs-utils libhivex-bin libwin-hivex-perl
  ssdeep tlsh-tools yara python3-pefile sqlite3 libregf-utils libscca-utils regripper jq
  # the browser the tests render the investigate HTML report in (headless)
  chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  echo "installing: ${missing[*]}" >&2
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi

# A real Microsoft-signed PE for the Authenticode tests: shimx64.efi.signed from Debian's
# shim-signed package. The package itself is not installed (its scripts manage the boot
# loader); its files are unpacked into the user's cache, where the tests look for them.
shim_dir=${XDG_CACHE_HOME:-$HOME/.cache}/sqltriage/shim-signed
if [ ! -f "$shim_dir/usr/lib/shim/shimx64.efi.signed" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download shim-signed >/dev/null 2>&1) \
    && mkdir -p "$shim_dir" && dpkg-deb -x "$tmp"/shim-signed_*.deb "$shim_dir" \
    || echo "warning: could not fetch shim-signed; the Microsoft-signed PE tests will fail in CI" >&2
  rm -rf "$tmp"
fi
