#!/usr/bin/env bash
# Softoken build entry point (Linux).
#   ./build.sh          install missing prerequisites, publish out/libsoftoken.so, show it working in pkcs11-tool
#   ./build.sh test     the above, then every test suite (unit, native through the .so, conformance); non-zero on failure
#   ./build.sh publish  only publish the module
#   ./build.sh install  install the module and its p11-kit module file (publishing first if out/ has no module):
#                       PREFIX (default /usr/local) puts the module in $PREFIX/lib/softoken/libsoftoken.so and
#                       softoken.module in $PREFIX/share/p11-kit/modules; LIBDIR and P11KIT_MODULE_DIR override
#                       those two directories; DESTDIR stages everything under another root (the module file
#                       still names the final path); SOFTOKEN_MODULE installs another build of the module.
#   ./build.sh bench [--quick] [bench/run.sh options]   publish, then the side-by-side benchmark against softokn,
#                       SoftHSMv2 and openssl speed (table in out/bench/results.txt, CSV in out/bench/results.csv)
set -euo pipefail
CALLER_DIR=$(pwd)
cd "$(dirname "$0")"
ROOT=$(pwd)
OUT="$ROOT/out"
MODULE="$OUT/libsoftoken.so"
RID=linux-x64
case "$(uname -m)" in aarch64|arm64) RID=linux-arm64 ;; esac

# Debian packages: the native toolchain NativeAOT links with, static SQLite, the system PKCS #11 headers for the ABI
# test (p11-kit's pkcs11.h is v2.40 only; NSS's libnss3-dev ships the OASIS v3.0 one with CK_INTERFACE and
# CK_FUNCTION_LIST_3_0), and the real consumers the tests drive.
APT_PACKAGES=(gcc libc6-dev libsqlite3-dev libp11-kit-dev libnss3-dev p11-kit p11-kit-modules opensc libnss3
  libnss3-tools openssl gnutls-bin python3-pykcs11 python3-cryptography libengine-pkcs11-openssl openssh-client
  openssh-server openjdk-17-jdk-headless iproute2)
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

# absolute PATH: PATH as given on the command line, made absolute against the caller's directory.
absolute() { case $1 in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$CALLER_DIR" "$1" ;; esac; }

install_module() {
  local source prefix libdir moduledir destdir
  source=$(absolute "${SOFTOKEN_MODULE:-$MODULE}")
  if [ ! -f "$source" ]; then
    install_prerequisites; publish
    source=$MODULE
  fi
  prefix=$(absolute "${PREFIX:-/usr/local}")
  libdir=$(absolute "${LIBDIR:-$prefix/lib/softoken}")
  moduledir=$(absolute "${P11KIT_MODULE_DIR:-$prefix/share/p11-kit/modules}")
  destdir=${DESTDIR:+$(absolute "$DESTDIR")}
  log "installing $source as $destdir$libdir/libsoftoken.so"
  install -d -m 0755 "$destdir$libdir" "$destdir$moduledir"
  install -m 0644 "$source" "$destdir$libdir/libsoftoken.so"
  # p11-kit reads module files from ~/.config/pkcs11/modules, /etc/pkcs11/modules and its package directory
  # (/usr/share/p11-kit/modules on Debian; `pkg-config --variable p11_module_configs p11-kit-1`).
  printf '# Softoken, a software PKCS #11 token (installed by build.sh install)\nmodule: %s\n' \
    "$libdir/libsoftoken.so" >"$destdir$moduledir/softoken.module"
  chmod 0644 "$destdir$moduledir/softoken.module"
  echo "p11-kit module file: $destdir$moduledir/softoken.module"
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
  install) install_module ;;
  bench) install_prerequisites "${BENCH_PACKAGES[@]}"; publish; shift; bash bench/run.sh "$@" ;;
  *) echo "usage: $0 [build|test|publish|install|bench]" >&2; exit 2 ;;
esac
