#!/usr/bin/env bash
# Configures and builds the release preset (warnings are errors). Usage: scripts/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >&2
cmake --build --preset release -j "$(nproc)" >&2
