#!/usr/bin/env bash
# Installs what is missing, builds uicc and runs every test:
#  1. unit and integration tests in a release build (the integration tests drive the card
#     through a private pcscd and need root for their mount namespace);
#  2. the unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer;
#  3. the VM tests with switch dispatch (the other builds use computed goto);
#  4. every libFuzzer target for a bounded time (FUZZ_SECONDS each, default 30).
# Build folders: build-release, build-sanitize, build-switch, build-fuzz.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jobs=$(nproc)
fuzz_seconds=${FUZZ_SECONDS:-30}

step() { printf '\n=== %s ===\n' "$*"; }

step "dependencies"
"$root/tools/scripts/install-dependencies.sh"

step "release build and all tests"
"$root/tools/scripts/build.sh" "$root/build-release" -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest --test-dir "$root/build-release" --output-on-failure -j "$jobs" --timeout 600

step "AddressSanitizer + UndefinedBehaviorSanitizer build, unit tests"
"$root/tools/scripts/build.sh" "$root/build-sanitize" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUICC_SANITIZE=ON \
  -DUICC_BUILD_BENCHMARKS=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$root/build-sanitize" --output-on-failure -j "$jobs" -L unit --timeout 900

step "switch dispatch, VM tests"
cmake -S "$root" -B "$root/build-switch" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUICC_COMPUTED_GOTO=OFF \
  -DUICC_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$root/build-switch" -j "$jobs" --target vm_runtime_tests
ctest --test-dir "$root/build-switch" --output-on-failure -j "$jobs" -L vm --timeout 600 --no-tests=ignore

step "fuzzers, ${fuzz_seconds} s each"
CC=clang CXX=clang++ cmake -S "$root" -B "$root/build-fuzz" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DUICC_FUZZ=ON -DUICC_BUILD_BENCHMARKS=OFF -DUICC_BUILD_TESTS=ON >/dev/null
cmake --build "$root/build-fuzz" -j "$jobs" --target fuzzers
shopt -s nullglob
mapfile -t fuzzers < <(find "$root/build-fuzz/test" -type f -name '*_fuzz' -perm -u+x | sort)
for fuzzer in "${fuzzers[@]}"; do
  name=$(basename "$fuzzer")
  corpus="$root/build-fuzz/corpus/$name"
  mkdir -p "$corpus"
  # Seed inputs live in a seeds/<fuzzer name> folder next to the fuzzer's sources.
  seeds=$(find "$root/test" -type d -path "*/seeds/$name" | head -n 1)
  echo "fuzzing $(basename "$fuzzer")"
  "$fuzzer" -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 -print_final_stats=1 "$corpus" $seeds
done
[ ${#fuzzers[@]} -gt 0 ] || echo "no fuzz targets built"

step "all tests passed"
