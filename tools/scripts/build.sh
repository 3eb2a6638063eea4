#!/usr/bin/env bash
# Configures and builds uicc in BUILD_DIR (default: build) with extra CMake arguments.
# Usage: build.sh [BUILD_DIR] [CMAKE_ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-"$root/build"}
shift || true
cmake -S "$root" -B "$build_dir" -G Ninja "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
