#!/usr/bin/env bash
# Runs every conformance scenario (conformance/*.sh except this file; helpers live in conformance/lib/) against
# the module, each under a time limit. Each scenario prints one PASS/FAIL line per step; a scenario that
# crashes or times out gets a FAIL line here. Exits non-zero if any step failed or any scenario crashed.
# Usage: bash conformance/run-all.sh [path/to/libsoftoken.so]   (default: out/libsoftoken.so)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
MODULE=${1:-$HERE/../out/libsoftoken.so}
SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-300}

if [ ! -f "$MODULE" ]; then
  echo "FAIL run-all: module present ($MODULE not found)"
  exit 1
fi
MODULE=$(realpath "$MODULE")

LOG=$(mktemp "${TMPDIR:-/tmp}/softoken-run-all.XXXXXX")
trap 'rm -f "$LOG"' EXIT

status=0 total_pass=0 total_fail=0
start_all=$(date +%s%N)
for script in "$HERE"/*.sh; do
  name=$(basename "$script" .sh)
  [ "$name" = run-all ] && continue
  echo "== $name"
  start=$(date +%s%N)
  timeout --kill-after=10 "$SCENARIO_TIMEOUT" bash "$script" "$MODULE" 2>&1 | tee "$LOG"
  rc=${PIPESTATUS[0]}
  ms=$((($(date +%s%N) - start) / 1000000))
  passed=$(grep -c '^PASS' "$LOG")
  failed=$(grep -c '^FAIL' "$LOG")
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "FAIL $name: scenario finished (timed out after ${SCENARIO_TIMEOUT}s)"
    failed=$((failed + 1))
  elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "FAIL $name: scenario finished (exit status $rc without a FAIL step)"
    failed=$((failed + 1))
  fi
  [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] && status=1
  total_pass=$((total_pass + passed))
  total_fail=$((total_fail + failed))
  printf -- '-- %s: %d passed, %d failed, %d.%03d s\n' "$name" "$passed" "$failed" $((ms / 1000)) $((ms % 1000))
done
ms=$((($(date +%s%N) - start_all) / 1000000))
printf -- '-- conformance: %d passed, %d failed, %d.%03d s\n' "$total_pass" "$total_fail" $((ms / 1000)) $((ms % 1000))
exit "$status"
