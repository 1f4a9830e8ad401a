#!/usr/bin/env bash
# Installs the Debian 12 packages sqltriage needs to build, test and benchmark.
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config
  # libraries
  libcli11-dev nlohmann-json3-dev libspdlog-dev catch2 libssl-dev libpugixml-dev
  libevtx-dev libfsntfs-dev libregf-dev libfwnt-dev libbfio-dev libyara-dev zlib1g-dev
  libgoogle-perftools-dev
  # test fixtures: NTFS images written through libntfs-3g, partition tables
  ntfs-3g ntfs-3g-dev fdisk
  # independent reference tools the tests compare against
  libevtx-utils python3-evtx python3 sleuthkit libfsntfs-utils libhivex-bin libwin-hivex-perl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
echo "installing: ${missing[*]}" >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
