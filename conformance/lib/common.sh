# Shared helpers for the conformance scenarios; sourced, never run.
#
# A scenario script does:
#   source "$(dirname "$0")/lib/common.sh"      # sets MODULE (from $1), WORK (a fresh temp dir), the trap
#   step "what it shows" [options] -- command args...
#   finish                                      # exit status: 0 if every step passed, 1 otherwise
#
# step prints exactly one line: "PASS <scenario>: <step>" or "FAIL <scenario>: <step> (<reason>)".
# Its options:
#   --fails          the command is expected to exit non-zero (e.g. a wrong PIN)
#   --expect RE      the output (stdout and stderr) must match the extended regex RE (repeatable)
#   --reject RE      the output must not match RE (repeatable)
#   --stdin FILE     feed FILE on standard input (default: /dev/null, so nothing ever waits for a terminal)
#   --env NAME=VAL   run the command with this extra environment variable (repeatable)
# An external command is run under `timeout`; a shell function is run as is and must bound its own commands
# with `bounded` (below). Each step's output goes to $WORK/logs/NN.log; on failure its last lines are shown,
# indented, under the FAIL line. Set KEEP_WORK=1 to keep $WORK for inspection.

set -u
export LC_ALL=C

SCENARIO=$(basename "$0" .sh)
STEP_TIMEOUT=${STEP_TIMEOUT:-30}

if [ $# -lt 1 ] || [ ! -f "$1" ]; then
  echo "FAIL $SCENARIO: setup (usage: $0 path/to/libsoftoken.so)"
  exit 2
fi
MODULE=$(realpath "$1")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/softoken-$SCENARIO.XXXXXX")
mkdir -p "$WORK/logs" "$WORK/home"
STEP_NO=0
FAILED=0

# Scenario scripts may register extra cleanup (e.g. stopping a server) with: on_exit 'command'
EXIT_HOOKS=()
on_exit() { EXIT_HOOKS+=("$1"); }

# stop_pid PID: ends a background process started by the script (TERM, up to 5 s, then KILL) and reaps it.
stop_pid() {
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null
  local i
  for i in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

# free_port: a TCP port nobody listens on at 127.0.0.1.
free_port() {
  local p i
  for i in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
  done
  return 1
}

# write_engine_conf FILE: an OpenSSL config loading libp11's pkcs11 engine for $MODULE, with a minimal [req]
# section; the engine path comes from the Debian package.
write_engine_conf() {
  local engine
  engine=$(dpkg -L libengine-pkcs11-openssl 2>/dev/null | grep '/engines-3/pkcs11\.so$' | head -1)
  cat >"$1" <<EOF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = ${engine:-/nonexistent}
MODULE_PATH = $MODULE
init = 0
[req]
distinguished_name = req_dn
[req_dn]
EOF
}

cleanup() {
  local hook
  for hook in "${EXIT_HOOKS[@]}"; do eval "$hook" || true; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then
    echo "  (kept $WORK)"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Keep the module (and NSS) away from the user's real files: its default database lives under the XDG data
# directory, and a config file under the XDG config directory could override what a scenario sets.
export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share" XDG_CONFIG_HOME="$WORK/home/.config"
unset SOFTOKEN_PARAMS SOFTOKEN_CONF NSS_LIB_PARAMS

pass() { echo "PASS $SCENARIO: $1"; }

fail() {
  echo "FAIL $SCENARIO: $1 ($2)"
  FAILED=1
}

# bounded CMD ARGS...: run an external command with the step time limit (for use inside shell functions).
bounded() { timeout --kill-after=5 "$STEP_TIMEOUT" "$@"; }

step() {
  local name=$1
  shift
  local expect_fail=0 stdin=/dev/null
  local expects=() rejects=() envs=()
  while [ $# -gt 0 ]; do
    case $1 in
      --fails) expect_fail=1; shift ;;
      --expect) expects+=("$2"); shift 2 ;;
      --reject) rejects+=("$2"); shift 2 ;;
      --stdin) stdin=$2; shift 2 ;;
      --env) envs+=("$2"); shift 2 ;;
      --) shift; break ;;
      *) echo "step: unknown option $1" >&2; exit 2 ;;
    esac
  done

  STEP_NO=$((STEP_NO + 1))
  local log
  log=$(printf '%s/logs/%02d.log' "$WORK" "$STEP_NO")
  local rc
  if [ "$(type -t "$1")" = function ]; then
    (
      for e in "${envs[@]}"; do export "${e?}"; done
      "$@"
    ) <"$stdin" >"$log" 2>&1
    rc=$?
  else
    env "${envs[@]}" timeout --kill-after=5 "$STEP_TIMEOUT" "$@" <"$stdin" >"$log" 2>&1
    rc=$?
  fi

  local reason=""
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    reason="timed out after ${STEP_TIMEOUT}s"
  elif [ "$expect_fail" -eq 0 ] && [ "$rc" -ne 0 ]; then
    reason="exit status $rc"
  elif [ "$expect_fail" -eq 1 ] && [ "$rc" -eq 0 ]; then
    reason="succeeded but should have failed"
  fi
  local re
  if [ -z "$reason" ]; then
    for re in "${expects[@]}"; do
      grep -Eq -- "$re" "$log" || { reason="output lacks /$re/"; break; }
    done
  fi
  if [ -z "$reason" ]; then
    for re in "${rejects[@]}"; do
      ! grep -Eq -- "$re" "$log" || { reason="output has /$re/"; break; }
    done
  fi

  if [ -z "$reason" ]; then
    pass "$name"
    return 0
  fi
  fail "$name" "$reason"
  tail -n 5 "$log" | sed 's/^/    | /'
  return 1
}

finish() {
  [ "$FAILED" -eq 0 ] && exit 0
  exit 1
}

# hex FILE: the file's bytes as one lowercase hex string.
hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
