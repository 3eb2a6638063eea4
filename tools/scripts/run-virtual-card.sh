#!/usr/bin/env bash
# Installs what is missing, builds uicc, makes sure pcscd runs with the vpcd driver, starts
# the card with the built-in default profile and prints the reader it sits in. The card
# runs in the foreground; Ctrl-C stops it (and the pcscd this script started, if any).
#
# Environment: VPCD_PORT (default 35963), UICC_IMAGE (default ~/.local/state/uicc/card.img),
# UICC_ARGS (more options for `uicc run`, e.g. "--trace").
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
port=${VPCD_PORT:-35963}
state_dir=${XDG_STATE_HOME:-$HOME/.local/state}/uicc
mkdir -p "$state_dir"

"$root/tools/scripts/install-dependencies.sh"
"$root/tools/scripts/build.sh" "$root/build" -DUICC_BUILD_TESTS=OFF -DUICC_BUILD_BENCHMARKS=OFF

# A pcscd that someone else started is used as it is: Debian's vsmartcard-vpcd package
# configures its vpcd reader on port 35963. Otherwise start one with our reader config.
pcscd_pid=""
if [ -S /run/pcscd/pcscd.comm ] && timeout 5 pcsc_scan -r >/dev/null 2>&1; then
  echo "using the running pcscd" >&2
else
  conf_dir="$state_dir/reader.conf.d"
  mkdir -p "$conf_dir"
  cat > "$conf_dir/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$port
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $port
CONF
  pcscd --foreground --config "$conf_dir" > "$state_dir/pcscd.log" 2>&1 &
  pcscd_pid=$!
  echo "started pcscd (pid $pcscd_pid, log $state_dir/pcscd.log)" >&2
fi

card_pid=""
cleanup() {
  [ -n "$card_pid" ] && kill "$card_pid" 2>/dev/null && wait "$card_pid" 2>/dev/null
  [ -n "$pcscd_pid" ] && kill "$pcscd_pid" 2>/dev/null && wait "$pcscd_pid" 2>/dev/null
  true
}
trap cleanup EXIT INT TERM

image_args=()
[ -n "${UICC_IMAGE:-}" ] && image_args=(--image "$UICC_IMAGE")
# shellcheck disable=SC2086
"$root/build/tools/cli/uicc" run --vpcd-port "$port" "${image_args[@]}" ${UICC_ARGS:-} &
card_pid=$!

for _ in $(seq 1 50); do
  if reader=$(timeout 5 opensc-tool -l 2>/dev/null | awk '$2 == "Yes" && /Virtual PCD/ { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }') && [ -n "$reader" ]; then
    echo "card ready in reader: $reader"
    break
  fi
  sleep 0.2
done
[ -n "${reader:-}" ] || echo "warning: the card did not show up in a reader within 10 s" >&2
wait "$card_pid"
