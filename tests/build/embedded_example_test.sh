#!/usr/bin/env bash
# examples/embedded_host: a generated class inside a control loop, built the way its comment
# says and run; the example checks the rows it received against its own running mean.
#   embedded_example_test.sh VLAC [CXXFLAGS]
set -euo pipefail
vlac=$1
flags=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$vlac" build "$root/examples/wrist_smoothing.vsql" -o "$tmp/gen"
# shellcheck disable=SC2086
${CXX:-c++} -std=c++17 -O1 -ffp-contract=off $flags -I "$tmp/gen" "$root/examples/embedded_host/control_loop.cpp" \
  "$tmp"/gen/runtime/*.cpp "$tmp"/gen/runtime/io/*.cpp -lsimdjson -o "$tmp/control_loop"
"$tmp/control_loop"
