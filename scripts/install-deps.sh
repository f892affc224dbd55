#!/usr/bin/env bash
# Installs vlac's build and test dependencies from Debian 12 packages.
# Idempotent: prints nothing and touches nothing when every package is already installed.
# Usage: scripts/install-deps.sh [--with-arm] [--with-fuzz]
#   --with-arm adds the Cortex-M4 toolchain and qemu; --with-fuzz adds libFuzzer.
# clang-19 is a build dependency: it compiles the value rules the JIT inlines to LLVM bitcode.
# graphviz: the tests check that `vlac explain --format dot` is accepted by `dot -Tsvg`.
set -euo pipefail

packages=(
  antlr4 libantlr4-runtime-dev uuid-dev
  llvm-19-dev libzstd-dev clang-19
  nlohmann-json3-dev libsimdjson-dev libboost-dev libgtest-dev
  cmake ninja-build g++ sqlite3 python3 libedit-dev
  graphviz
  libmosquitto-dev mosquitto mosquitto-clients
)
for flag in "$@"; do
  case "$flag" in
    --with-arm) packages+=(gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm) ;;
    --with-fuzz) packages+=(libclang-rt-19-dev) ;;
    *) echo "usage: scripts/install-deps.sh [--with-arm] [--with-fuzz]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
