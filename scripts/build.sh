#!/usr/bin/env bash
# Configures and builds one configuration of vlac.
# Usage: scripts/build.sh release|sanitize|tsan   -> build/, build-sanitize/ or build-tsan/
# (tsan: only the threading tests, under ThreadSanitizer: tests/tsan/CMakeLists.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-release}"
case "$config" in
  release)  dir=build;          flags=(-DCMAKE_BUILD_TYPE=Release) ;;
  sanitize) dir=build-sanitize; flags=(-DCMAKE_BUILD_TYPE=Debug -DVLAC_SANITIZE=ON) ;;
  tsan)     dir=build-tsan;     flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DVLAC_TSAN=ON) ;;
  *) echo "usage: scripts/build.sh release|sanitize|tsan" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
ninja -C "$dir" >&2
