#!/usr/bin/env bash
# The README's first command: installs what vlac needs, builds it, and runs the first program
# of LANGUAGE.md (examples/cam_stats.vsql) on the bundled camera recording.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
echo "== vlac run examples/cam_stats.vsql --input camera=examples/data/camera.csv --stats" >&2
build/vlac run examples/cam_stats.vsql --input camera=examples/data/camera.csv --stats
