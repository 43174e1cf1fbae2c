#!/usr/bin/env bash
# Side-by-side benchmark: Softoken against NSS's softokn and SoftHSMv2, with `openssl speed` as the raw limit.
#
#   bench/run.sh [--quick] [--seconds S] [--threads T] [--rows a,b,...] [--modules softoken,softokn,softhsm]
#                [--workdir DIR] [--no-openssl] [--out DIR]
#
# Builds bench/p11bench.c, prepares fresh tokens for every module in a temporary directory (tmpfs when there is
# one), runs each row on every module in turn (row by row, so machine noise hits all modules alike), runs
# `openssl speed` for the same primitives, then prints one table and writes it as CSV (out/bench/results.csv).
#   --quick       0.2 s per row, no 100,000-object population, no RSA-4096 / DES3 / RSA key generation rows,
#                 and only the OpenSSL figures the targets name: for CI, under a minute or so
#   --seconds S   measuring time per row and thread count (default 1; a short warm-up comes first)
#   --threads T   the second thread count each row runs with (default 2; every row also runs with 1)
#   --workdir D   keep the tokens in D and reuse them next time (the 100,000-object population takes minutes)
#   --repeat R    run the whole row list R times (interleaved again each time) and report each line's median:
#                 for a machine that other work shares (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/out/bench"
SECS=1
THREADS=2
QUICK=0
ROWS=""
MODULES="softoken,softokn,softhsm"
WORKDIR=""
OPENSSL=1
REPEAT=1
PIN=benchpin1
SO_PIN=benchso01
POPULATE_TIMEOUT=${POPULATE_TIMEOUT:-1200}

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1; SECS=0.2 ;;
    --seconds) SECS=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --rows) ROWS=$2; shift ;;
    --modules) MODULES=$2; shift ;;
    --workdir) WORKDIR=$2; shift ;;
    --no-openssl) OPENSSL=0 ;;
    --out) OUT=$2; shift ;;
    --repeat) REPEAT=$2; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
declare -A MODULE_PATH=(
  [softoken]="$ROOT/out/libsoftoken.so"
  [softokn]="/usr/lib/$MULTIARCH/libsoftokn3.so"
  [softhsm]="/usr/lib/softhsm/libsofthsm2.so"
)
declare -A MODULE_TITLE=([softoken]=Softoken [softokn]=softokn [softhsm]=SoftHSMv2)
IFS=, read -r -a MODS <<<"$MODULES"

mkdir -p "$OUT"
BIN="$OUT/p11bench"
echo "== building $BIN"
gcc -O2 -Wall -Wextra -Werror -I/usr/include/p11-kit-1 -o "$BIN" bench/p11bench.c -ldl -lpthread -lcrypto

# Token directories: tmpfs when there is room, so that population and the token rows measure the modules and not
# the disk (every module's store syncs each write).
if [ -n "$WORKDIR" ]; then
  mkdir -p "$WORKDIR"
  W=$(cd "$WORKDIR" && pwd)
else
  base=${TMPDIR:-/tmp}
  # The three 100,000-object tokens take about 600 MB: tmpfs only with room to spare.
  if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 2000000 ]; then
    base=/dev/shm
  fi
  W=$(mktemp -d "$base/softoken-bench.XXXXXX")
  trap 'rm -rf "$W"' EXIT
fi
echo "== tokens in $W"
mkdir -p "$W/keys"
printf '%s\n' "$PIN" >"$W/nss-password"
# Keys are made once with OpenSSL and imported into every module (a module that refuses the import generates
# its own). --quick makes them as rows need them, which skips RSA-4096.
[ "$QUICK" = 1 ] || "$BIN" --genkeys --keydir "$W/keys"

# The p11bench arguments for module $1 with its token directory $2 (main: 1,000 objects; big: 100,000).
module_args() {
  local m=$1 dir=$2
  case "$m" in
    softoken)
      printf '%s\0' --init "configdir='sql:$dir'" --slot 1 --token-slot 2 --init-token --pin "$PIN" --so-pin "$SO_PIN" ;;
    softokn)
      printf '%s\0' --init "configdir='sql:$dir' certPrefix='' keyPrefix='' secmod='secmod.db' flags=" \
        --slot 1 --token-slot 2 --pin "$PIN" ;;
    softhsm)
      printf '%s\0' --slot label:p11bench --token-slot label:p11bench --init-token --pin "$PIN" --so-pin "$SO_PIN" ;;
  esac
}

# Runs p11bench with a time limit of $1 seconds for module $2 on token directory $3, with more arguments.
p11() {
  local limit=$1 m=$2 dir=$3; shift 3
  local -a args
  mapfile -d '' args < <(module_args "$m" "$dir")
  SOFTHSM2_CONF="$dir/softhsm2.conf" timeout "$limit" "$BIN" --module "${MODULE_PATH[$m]}" --name "$m" --keydir "$W/keys" "${args[@]}" "$@"
}

prepare_dir() {
  local m=$1 dir=$2
  mkdir -p "$dir"
  case "$m" in
    softokn) [ -f "$dir/key4.db" ] || certutil -N -d "sql:$dir" -f "$W/nss-password" ;;
    softhsm)
      mkdir -p "$dir/tokens"
      printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
        "$dir" >"$dir/softhsm2.conf" ;;
  esac
}

RAW="$OUT/raw.tsv"
LOG="$OUT/run.log"
: >"$RAW"
: >"$LOG"
echo "# started $(date -u +%FT%TZ) on $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"

AVAILABLE=()
for m in "${MODS[@]}"; do
  if [ ! -f "${MODULE_PATH[$m]}" ]; then
    echo "== $m: ${MODULE_PATH[$m]} is missing: its column stays empty" | tee -a "$LOG"
    continue
  fi
  AVAILABLE+=("$m")
done

echo "== preparing tokens (1,000 objects$([ "$QUICK" = 1 ] || echo ', and 100,000 in a second token, in parallel'))"
POPULATED_BIG=()
for m in "${AVAILABLE[@]}"; do
  prepare_dir "$m" "$W/$m/main"
  if ! p11 600 "$m" "$W/$m/main" --populate 1000 >>"$LOG" 2>&1; then
    echo "   $m: preparing the main token failed (see $LOG)"
  fi
done
if [ "$QUICK" != 1 ]; then
  pids=()
  for m in "${AVAILABLE[@]}"; do
    prepare_dir "$m" "$W/$m/big"
    p11 $((POPULATE_TIMEOUT + 120)) "$m" "$W/$m/big" --populate 100000 \
      --populate-timeout "$POPULATE_TIMEOUT" -v >"$W/$m/populate.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  for m in "${AVAILABLE[@]}"; do cat "$W/$m/populate.log" >>"$LOG"; grep '^POPULATE' "$W/$m/populate.log" | sed 's/^/   /' || true; done
fi
grep '^POPULATE' "$LOG" | grep -v '	100000	' | sed 's/^/   /' || true

ALL_ROWS=$("$BIN" --list | cut -f1)
SKIP_QUICK=" find-100k rsa4096-sign-pkcs1 rsa4096-sign-pss rsa4096-verify rsa4096-oaep-decrypt des3-cbc-1m keygen-rsa2048 "
selected_rows=()
for r in $ALL_ROWS; do
  if [ -n "$ROWS" ] && [[ ",$ROWS," != *",$r,"* ]]; then continue; fi
  selected_rows+=("$r")
done

echo "== running ${#selected_rows[@]} rows x ${#AVAILABLE[@]} modules, ${SECS} s each with 1 and $THREADS threads$(
  [ "$REPEAT" -gt 1 ] && echo ", $REPEAT times")"
i=0
for ((rep = 1; rep <= REPEAT; rep++)); do
  for r in "${selected_rows[@]}"; do
    # Rotate the module order from row to row, so that none always runs first.
    n=${#AVAILABLE[@]}
    for ((k = 0; k < n; k++)); do
      m=${AVAILABLE[$(((i + k) % n))]}
      if [ "$QUICK" = 1 ] && [[ "$SKIP_QUICK" == *" $r "* ]]; then
        [ "$rep" = 1 ] && printf 'RESULT\t%s\t%s\t1\t-\t-\tskipped\t--quick\n' "$r" "$m" >>"$RAW"
        continue
      fi
      dir="$W/$m/main"
      [ "$r" = find-100k ] && dir="$W/$m/big"
      out=$(p11 300 "$m" "$dir" --rows "$r" --seconds "$SECS" --threads "$THREADS" 2>>"$LOG") && rc=0 || rc=$?
      grep '^RESULT' <<<"$out" >>"$RAW" || true
      if ! grep -q '^RESULT' <<<"$out"; then
        printf 'RESULT\t%s\t%s\t1\t-\t-\tn/a\tthe benchmark process ended with status %s (see run.log)\n' "$r" "$m" "$rc" >>"$RAW"
      fi
      grep '^RESULT' <<<"$out" | awk -F'\t' '{ printf "   %-28s %-9s %s thr %12s %-6s %s %s\n", $2, $3, $4, $5, $6, $7, $8 }' || true
    done
    i=$((i + 1))
  done
done

# openssl speed for the raw primitives: wall-clock time (-elapsed), like p11bench, one thread.
OSSL="$OUT/openssl.tsv"
: >"$OSSL"
speed() { timeout 120 openssl speed -mr -elapsed -seconds 1 "$@" 2>/dev/null | grep '^+F' || true; }
want() { [ -z "$ROWS" ] && return 0; local x; for x in "$@"; do [[ ",$ROWS," == *",$x,"* ]] && return 0; done; return 1; }
if [ "$OPENSSL" = 1 ] && command -v openssl >/dev/null; then
  echo "== openssl speed ($(openssl version))"
  sym() { # row, bytes, openssl args...
    local row=$1 bytes=$2; shift 2
    want "$row" || return 0
    local f
    f=$(speed -bytes "$bytes" "$@" | head -1 | awk -F: '{ print $NF }')
    [ -n "$f" ] || return 0
    if [ "$bytes" -ge 1048576 ]; then
      awk -v r="$row" -v f="$f" 'BEGIN { printf "%s\t%.0f\tMB/s\n", r, f / 1e6 }' >>"$OSSL"
    else
      awk -v r="$row" -v f="$f" -v b="$bytes" 'BEGIN { printf "%s\t%.0f\tops/s\n", r, f / b }' >>"$OSSL"
    fi
  }
  sym sha256-64 64 -evp sha256
  sym sha256-1m 1048576 -evp sha256
  sym aes256-gcm-1m 1048576 -evp aes-256-gcm
  if [ "$QUICK" != 1 ]; then
    sym hmac-sha256-1k 1024 -hmac sha256
    sym aes128-cbc-1m 1048576 -evp aes-128-cbc
    sym aes128-cbc-16 16 -evp aes-128-cbc
    sym des3-cbc-1m 1048576 -evp des-ede3-cbc
  fi
  pk() { # rows (comma list), algorithm
    local rows=$1 alg=$2
    IFS=, read -r -a rs <<<"$rows"
    want "${rs[@]}" || return 0
    speed "$alg" | awk -F: -v rows="$rows" '
      BEGIN { n = split(rows, r, ",") }
      /^\+F2:/ { s = $4; v = $5 }      # RSA: sign/s verify/s
      /^\+F4:/ { s = $4; v = $5 }      # ECDSA
      /^\+F5:/ { s = $4; v = "" }      # ECDH
      /^\+F6:/ { s = $5; v = $6 }      # EdDSA
      END {
        for (i = 1; i <= n; i++) {
          x = (r[i] ~ /verify/) ? v : s
          if (x != "") printf "%s\t%.0f\tops/s\n", r[i], x
        }
      }' >>"$OSSL"
  }
  pk rsa2048-sign-pkcs1,rsa2048-sign-pss,rsa2048-verify,rsa2048-oaep-decrypt rsa2048
  pk ecdsa-p256-sign,ecdsa-p256-verify ecdsap256
  pk ecdh-p256 ecdhp256
  if [ "$QUICK" != 1 ]; then
    pk rsa4096-sign-pkcs1,rsa4096-sign-pss,rsa4096-verify,rsa4096-oaep-decrypt rsa4096
    pk ecdsa-p384-sign,ecdsa-p384-verify ecdsap384
    pk ed25519-sign,ed25519-verify ed25519
  fi
fi
echo "# finished $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"

# The table: one line per row and thread count; a column per module, the OpenSSL limit (one thread, raw
# primitive without PKCS #11), and Softoken / best peer. "<" marks a row where Softoken is not ahead.
TABLE="$OUT/results.txt"
CSV="$OUT/results.csv"
awk -F'\t' -v threads="$THREADS" -v rowlist="${selected_rows[*]}" -v csv="$CSV" '
  FILENAME == ARGV[1] { ossl[$1] = $2; next }
  $1 == "RESULT" {
    # With --repeat a line has several results: the median of the measured ones is shown, a FAIL always wins.
    key = $2 SUBSEP $4
    seenkm[key SUBSEP $3] = 1
    unit[$2] = ($6 != "-" ? $6 : unit[$2])
    if ($7 == "ok") vals[key, $3, ++cnt[key, $3]] = $5
    else if ($7 == "FAIL") { failed[key, $3] = 1; note[key, $3] = $8 }
    else { other[key, $3] = $7; note[key, $3] = $8 }
  }
  function resolve(key, m,   n, i, j, t, a) {
    if ((key, m) in failed) return "FAIL"
    n = cnt[key, m] + 0
    if (n == 0) return ((key, m) in other) ? other[key, m] : ""
    for (i = 1; i <= n; i++) a[i] = vals[key, m, i] + 0
    for (i = 2; i <= n; i++) { t = a[i]; j = i - 1; while (j >= 1 && a[j] > t) { a[j + 1] = a[j]; j-- } a[j + 1] = t }
    t = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    return (t >= 100) ? sprintf("%.0f", t) : sprintf("%.4g", t)
  }
  function fmt(x) {
    if (x == "") return "-"
    if (x !~ /^[0-9.]+$/) return x
    if (x >= 100) { s = sprintf("%.0f", x); out = ""; while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) } return s out }
    return sprintf("%.3g", x)
  }
  function num(x) { return (x ~ /^[0-9.]+$/) ? x + 0 : -1 }
  END {
    for (km in seenkm) {
      split(km, part, SUBSEP)
      val[part[1] SUBSEP part[2], part[3]] = resolve(part[1] SUBSEP part[2], part[3])
      if (val[part[1] SUBSEP part[2], part[3]] ~ /^[0-9.]+$/) delete note[part[1] SUBSEP part[2], part[3]]
    }
    split(rowlist, rows, " ")
    nm = split("softoken softokn softhsm", mods, " ")
    printf "%-28s %3s %-5s %12s %12s %12s %12s %8s %8s\n", "row", "thr", "unit", "Softoken", "softokn", "SoftHSMv2", "OpenSSL", "vs peer", "vs OSSL"
    print "row,threads,unit,softoken,softokn,softhsm,openssl,softoken_vs_best_peer,softoken_vs_openssl,softoken_ahead,notes" > csv
    behind = 0; total = 0
    for (i = 1; i in rows; i++) {
      r = rows[i]
      for (t = 1; t <= 2; t++) {
        th = (t == 1) ? 1 : threads
        if (t == 2 && threads == 1) continue
        key = r SUBSEP th
        if (!((key, "softoken") in val) && !((key, "softokn") in val) && !((key, "softhsm") in val)) continue
        s = num(val[key, "softoken"]); best = -1
        for (j = 2; j <= nm; j++) { v = num(val[key, mods[j]]); if (v > best) best = v }
        o = (th == 1 && (r in ossl)) ? ossl[r] : ""
        ratio = (s > 0 && best > 0) ? sprintf("%.2f", s / best) : "-"
        oratio = (s > 0 && o != "") ? sprintf("%.2f", s / o) : "-"
        ahead = (best < 0) ? "" : (s >= best ? "yes" : "no")
        mark = (ahead == "no") ? " <" : ""
        if (ahead != "") { total++; if (ahead == "no") behind++ }
        printf "%-28s %3s %-5s %12s %12s %12s %12s %8s %8s%s\n", r, th, unit[r], fmt(val[key, "softoken"]), fmt(val[key, "softokn"]), fmt(val[key, "softhsm"]), fmt(o), ratio, oratio, mark
        notes = ""
        for (j = 1; j <= nm; j++) if ((key, mods[j]) in note && note[key, mods[j]] != "") notes = notes mods[j] ": " note[key, mods[j]] "; "
        gsub(/"/, "\"\"", notes)
        printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,\"%s\"\n", r, th, unit[r], val[key, "softoken"], val[key, "softokn"], val[key, "softhsm"], o, ratio, oratio, ahead, notes > csv
        for (j = 1; j <= nm; j++) if (note[key, mods[j]] != "" && val[key, mods[j]] != "skipped" && !(seen_note[r, mods[j], note[key, mods[j]]]++)) footnotes = footnotes sprintf("  %-28s %-9s %s\n", r, mods[j], note[key, mods[j]])
      }
    }
    printf "\nSoftoken is behind the best peer on %d of %d comparable rows (marked <).\n", behind, total
    if (footnotes != "") printf "\nNot measured (n/a: the module lacks the mechanism or function; FAIL: a wrong result):\n%s", footnotes
  }' "$OSSL" "$RAW" | tee "$TABLE"
echo
echo "table: $TABLE   csv: $CSV   raw: $RAW   log: $LOG"
