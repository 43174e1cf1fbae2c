#!/usr/bin/env bash
# Softoken build entry point (Linux).
#   ./build.sh          install missing prerequisites, publish out/libsoftoken.so, show it working in pkcs11-tool
#   ./build.sh test     the above, then every test suite (unit, native through the .so, conformance); non-zero on failure
#   ./build.sh publish  only publish the module
#   ./build.sh bench [--quick] [bench/run.sh options]   publish, then the side-by-side benchmark against softokn,
#                       SoftHSMv2 and openssl speed (table in out/bench/results.txt, CSV in out/bench/results.csv)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
OUT="$ROOT/out"
MODULE="$OUT/libsoftoken.so"
RID=linux-x64
case "$(uname -m)" in aarch64|arm64) RID=linux-arm64 ;; esac

# Debian packages: the native toolchain NativeAOT links with, static SQLite, the system pkcs11.h for the ABI
# test, and the real consumers the tests drive.
APT_PACKAGES=(gcc libc6-dev libsqlite3-dev libp11-kit-dev p11-kit opensc libnss3 libnss3-tools openssl)
# Only for ./build.sh bench: the peers it measures against (SoftHSMv2; softokn is libnss3, its DB made with
# certutil from libnss3-tools) and OpenSSL's headers for the harness's reference computations.
BENCH_PACKAGES=(softhsm2 libnss3-tools libssl-dev)

log() { printf '\n== %s\n' "$*"; }

install_prerequisites() {
  local missing=()
  for p in "${APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v dotnet >/dev/null || { echo "the .NET SDK (dotnet) is required" >&2; exit 1; }
}

publish() {
  log "publishing $MODULE"
  dotnet publish src/Softoken.Native/Softoken.Native.csproj -c Release -r "$RID" -o "$OUT/publish" -nologo -v quiet
  cp "$OUT/publish/libsoftoken.so" "$MODULE"
  ls -l "$MODULE"
}

demo() {
  log "pkcs11-tool --module $MODULE --show-info --list-slots --list-mechanisms"
  local db
  db=$(mktemp -d)
  SOFTOKEN_PARAMS="configdir='sql:$db'" pkcs11-tool --module "$MODULE" --show-info --list-slots --list-mechanisms
  rm -rf "$db"
}

run_tests() {
  local results="$OUT/test-results"
  rm -rf "$results"; mkdir -p "$results"
  local failed=0
  log "unit and native tests (xunit)"
  export SOFTOKEN_MODULE="$MODULE"
  for project in Softoken.Tests Softoken.NativeTests; do
    dotnet test "tests/$project/$project.csproj" -c Release -nologo \
      --logger "trx;LogFileName=$project.trx" --results-directory "$results" || failed=1
  done
  log "conformance (real consumers)"
  bash conformance/run-all.sh "$MODULE" | tee "$results/conformance.log" || failed=1
  summarize "$results" "$failed"
}

# One closing line for the whole run: counts from the xunit TRX files and the conformance PASS/FAIL lines.
summarize() {
  local results=$1 failed=$2 passed=0 fails=0 skipped=0 n
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    n=$(grep -o '<Counters [^>]*' "$trx" | head -1)
    passed=$((passed + $(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$n")))
    fails=$((fails + $(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$n")))
    skipped=$((skipped + $(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$n")))
  done
  passed=$((passed + $(grep -c '^PASS' "$results/conformance.log" || true)))
  fails=$((fails + $(grep -c '^FAIL' "$results/conformance.log" || true)))
  echo
  echo "tests: $passed passed, $fails failed, $skipped skipped"
  if [ "$failed" -ne 0 ] || [ "$fails" -ne 0 ]; then return 1; fi
}

cmd=${1:-build}
case "$cmd" in
  build) install_prerequisites; publish; demo ;;
  publish) install_prerequisites; publish ;;
  test) install_prerequisites; publish; run_tests ;;
  bench) install_prerequisites "${BENCH_PACKAGES[@]}"; publish; shift; bash bench/run.sh "$@" ;;
  *) echo "usage: $0 [build|test|publish|bench]" >&2; exit 2 ;;
esac
