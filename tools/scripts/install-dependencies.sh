#!/usr/bin/env bash
# Installs the Debian 12 packages that building, running and testing uicc need, skipping
# those already installed. Needs root (or sudo) only when something is missing.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libssl-dev libboost-dev libfmt-dev libspdlog-dev libcli11-dev libzip-dev zlib1g-dev
  libtomlplusplus-dev libpcsclite-dev libgtest-dev libgmock-dev libbenchmark-dev
  openjdk-17-jdk-headless zip unzip
  # the virtual reader and the independent clients the tests use
  pcscd vsmartcard-vpcd pcsc-tools opensc python3-pyscard libosmocore-utils
)

missing=()
for package in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "error: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  run_as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
# --no-install-recommends keeps out the GUI tools that pcsc-tools and vsmartcard recommend.
"${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
