#!/usr/bin/env bash
# Helper of gnutls.sh, run inside a private network namespace (`unshare -n`), whose only interface is the loopback:
# gnutls-serv has no option for its listening address and binds every interface, so nothing outside the test can
# reach it there. Starts gnutls-serv (echo) with its private key at KEY_URI, connects with gnutls-cli verifying the
# server against CERT, sends a line (which comes back), stops the server and prints its output.
# Usage: gnutls-handshake.sh MODULE KEY_URI CERT PRIORITY OUTDIR   (every wait bounded by STEP_TIMEOUT)
set -u
MODULE=$1 KEY_URI=$2 CERT=$3 PRIORITY=$4 OUTDIR=$5
LIMIT=${STEP_TIMEOUT:-30}
PORT=$((20000 + RANDOM % 40000))

timeout 5 ip link set lo up || exit 1
timeout --kill-after=5 "$LIMIT" gnutls-serv --provider "$MODULE" --echo --port "$PORT" \
  --x509keyfile "$KEY_URI" --x509certfile "$CERT" >"$OUTDIR/gnutls-serv.out" 2>&1 </dev/null &
SERVER=$!
stop() { kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; }
trap stop EXIT
for _ in $(seq 100); do
  grep -q 'listening on' "$OUTDIR/gnutls-serv.out" && break
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 0.1
done
# gnutls-cli ends at the end of its input: keep it open until the echoed line has arrived (at most 10 s).
{
  echo "hello through the token"
  for _ in $(seq 100); do grep -q '^hello through the token' "$OUTDIR/gnutls-cli.out" && break; sleep 0.1; done
} | timeout --kill-after=5 "$LIMIT" gnutls-cli --x509cafile "$CERT" --priority "$PRIORITY" --port "$PORT" 127.0.0.1 \
  >"$OUTDIR/gnutls-cli.out" 2>&1
rc=$?
cat "$OUTDIR/gnutls-cli.out"
stop
echo "--- gnutls-serv"
cat "$OUTDIR/gnutls-serv.out"
exit "$rc"
