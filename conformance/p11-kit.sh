#!/usr/bin/env bash
# p11-kit: `./build.sh install` installs the module and a p11-kit module file; registered through a private user
# configuration, `p11-kit list-modules` shows Softoken's tokens and every program that loads p11-kit-proxy.so
# sees its slots (pkcs11-tool here); the module file's x-init-reserved reaches C_Initialize as pReserved; and
# `p11-kit server` exposes the module on a unix socket so that another process uses it through
# p11-kit-client.so (how a token is shared with containers and other hosts): slots, digests, objects both ways.
# Signing: through the proxy a PIN is set, RSA and EC key pairs are generated and an RSA signature made and
# verified; through the client (the server holds the keys) RSA and ECDSA signatures verify with openssl.
#
# p11-kit ignores the user configuration in a program running as root ("skipping user config in program running
# as root"), and has no variable that names another configuration directory. When this runs as root, every
# p11-kit consumer therefore runs as the unprivileged user nobody (setpriv), with HOME in the temporary directory.
# Usage: bash conformance/p11-kit.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"
ROOT=$(cd "$(dirname "$0")/.." && pwd)

PROXY=$(dpkg -L p11-kit-modules 2>/dev/null | grep '/p11-kit-proxy\.so$' | head -1)
CLIENT=$(dpkg -L p11-kit-modules 2>/dev/null | grep '/p11-kit-client\.so$' | head -1)
PREFIX="$WORK/prefix"
INSTALLED="$PREFIX/lib/softoken/libsoftoken.so"
# Everything the p11-kit consumers write (token database, socket, outputs) goes to $USER_DIR.
USER_DIR="$WORK/user"
SOCKET="$USER_DIR/p11-kit.sock"
USER_MODULES="$HOME/.config/pkcs11/modules"
GENERIC="Softoken Generic Crypto Services"
TOKEN="Softoken Certificate DB"

# as_user CMD ARGS...: run a p11-kit consumer as a user whose p11-kit honours ~/.config/pkcs11.
AS_USER=()
if [ "$(id -u)" -eq 0 ]; then
  AS_USER=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
  chmod 0755 "$WORK"
fi
mkdir -p "$USER_DIR"
as_user() { bounded "${AS_USER[@]}" "$@"; }
hand_over() { [ ${#AS_USER[@]} -eq 0 ] || chown -R 65534:65534 "$@"; }

# p11-kit's module file passes x-init-reserved to C_Initialize in pReserved; the module must prefer it to
# SOFTOKEN_PARAMS, which names a decoy directory here.
export SOFTOKEN_PARAMS="configdir='sql:$USER_DIR/decoy'"
TOKEN_PARAMS="configdir='sql:$USER_DIR/token' pinIterations=1000"
SO_PIN=87654321
PIN=123456

step "p11-kit-proxy.so and p11-kit-client.so are installed (p11-kit-modules)" \
  -- test -f "${PROXY:-/nonexistent}" -a -f "${CLIENT:-/nonexistent}"

# --- ./build.sh install ----------------------------------------------------------------------------------------
installed_with_destdir() {
  SOFTOKEN_MODULE="$MODULE" DESTDIR="$WORK/stage" bounded bash "$ROOT/build.sh" install || return 1
  local file="$WORK/stage/usr/local/share/p11-kit/modules/softoken.module"
  cat "$file"
  cmp "$MODULE" "$WORK/stage/usr/local/lib/softoken/libsoftoken.so" \
    && grep -qx 'module: /usr/local/lib/softoken/libsoftoken.so' "$file"
}
step "./build.sh install with DESTDIR stages the module and a module file naming its final path" \
  -- installed_with_destdir

installed_with_prefix() {
  SOFTOKEN_MODULE="$MODULE" PREFIX="$PREFIX" bounded bash "$ROOT/build.sh" install || return 1
  cmp "$MODULE" "$INSTALLED" && grep -qx "module: $INSTALLED" "$PREFIX/share/p11-kit/modules/softoken.module"
}
step "./build.sh install with PREFIX installs under it" -- installed_with_prefix

# The user configuration: only the user's modules (user-config: only keeps the machine's other modules out),
# and the installed module file plus an x-init-reserved line.
register() {
  mkdir -p "$USER_MODULES" "$HOME/.local/share" || return 1
  printf 'user-config: only\n' >"$HOME/.config/pkcs11/pkcs11.conf"
  { cat "$PREFIX/share/p11-kit/modules/softoken.module"; printf 'x-init-reserved: %s\n' "$TOKEN_PARAMS"; } \
    >"$USER_MODULES/softoken.module"
  hand_over "$HOME" "$PREFIX" "$USER_DIR"
  cat "$USER_MODULES/softoken.module"
}
step "the installed module file goes into ~/.config/pkcs11/modules (with x-init-reserved)" -- register

# --- p11-kit list-modules, p11-kit-proxy.so --------------------------------------------------------------------
step "p11-kit list-modules shows Softoken and both tokens" \
  --expect "^softoken: $INSTALLED\$" --expect 'library-description: Softoken software PKCS #11 token' \
  --expect "token: $GENERIC" --expect "token: $TOKEN" --expect 'login-required' \
  -- as_user p11-kit list-modules
step "the module file's x-init-reserved reached C_Initialize (pReserved wins over SOFTOKEN_PARAMS)" \
  -- test -f "$USER_DIR/token/softoken.db" -a ! -e "$USER_DIR/decoy"

step "pkcs11-tool through p11-kit-proxy.so sees both Softoken slots" \
  --expect 'Softoken Internal Cryptographic Services' --expect "token label +: $GENERIC" \
  --expect 'Softoken User Private Key and Certificate Services' --expect "token label +: $TOKEN" \
  -- as_user pkcs11-tool --module "$PROXY" --list-slots

# A PIN, set through the proxy, and key pairs generated through it for the signing steps.
init_via_proxy() {
  as_user pkcs11-tool --module "$PROXY" --token-label "$TOKEN" --init-token --label "$TOKEN" --so-pin "$SO_PIN" \
    && as_user pkcs11-tool --module "$PROXY" --token-label "$TOKEN" --login --login-type so --so-pin "$SO_PIN" \
      --init-pin --pin "$PIN"
}
step "--init-token and --init-pin through p11-kit-proxy.so" -- init_via_proxy
step "--keypairgen RSA 2048 through p11-kit-proxy.so" --expect 'Key pair generated' \
  -- as_user pkcs11-tool --module "$PROXY" --token-label "$TOKEN" --login --pin "$PIN" --keypairgen \
  --key-type rsa:2048 --id 5001 --label p11-kit-rsa
step "--keypairgen EC P-256 through p11-kit-proxy.so" --expect 'Key pair generated' \
  -- as_user pkcs11-tool --module "$PROXY" --token-label "$TOKEN" --login --pin "$PIN" --keypairgen \
  --key-type EC:prime256v1 --id 5002 --label p11-kit-ec
printf 'signed through p11-kit\n' >"$WORK/message"
proxy_sign_verify() {
  as_user pkcs11-tool --module "$PROXY" --token-label "$TOKEN" --login --pin "$PIN" --sign --id 5001 \
    --mechanism SHA256-RSA-PKCS --input-file "$WORK/message" --output-file "$USER_DIR/proxy.sig" || return 1
  as_user pkcs11-tool --module "$PROXY" --token-label "$TOKEN" --verify --id 5001 --mechanism SHA256-RSA-PKCS \
    --input-file "$WORK/message" --signature-file "$USER_DIR/proxy.sig"
}
step "--sign and --verify SHA256-RSA-PKCS through p11-kit-proxy.so" --expect 'Signature is valid' \
  -- proxy_sign_verify

bounded openssl rand -out "$WORK/data" $((256 * 1024 + 3))
bounded openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/key.pem" \
  -subj "/CN=p11-kit conformance" -days 30 -out "$WORK/cert.pem" 2>/dev/null
bounded openssl x509 -in "$WORK/cert.pem" -outform DER -out "$WORK/cert.der"
printf 'written through p11-kit-client.so\n' >"$WORK/remote.txt"

# sha256_via MODULE: pkcs11-tool --hash through MODULE on the Generic Crypto Services token equals sha256sum.
sha256_via() {
  as_user pkcs11-tool --module "$1" --token-label "$GENERIC" --hash --mechanism SHA256 --input-file "$WORK/data" \
    --output-file "$USER_DIR/digest" || return 1
  local ours theirs
  ours=$(hex "$USER_DIR/digest")
  theirs=$(sha256sum "$WORK/data" | cut -d' ' -f1)
  echo "module: $ours"
  echo "sha256sum: $theirs"
  [ "$ours" = "$theirs" ]
}
step "--hash SHA256 through p11-kit-proxy.so equals sha256sum" -- sha256_via "$PROXY"
step "--write-object a certificate through p11-kit-proxy.so (public object, no login)" \
  --expect 'Created certificate' --expect 'label: +p11-kit-cert' \
  -- as_user pkcs11-tool --module "$PROXY" --token-label "$TOKEN" --write-object "$WORK/cert.der" --type cert \
  --label p11-kit-cert

# --- p11-kit server and p11-kit-client.so ----------------------------------------------------------------------
# The server runs the module with the same token database (it loads the module itself with --provider, without
# the module file, so the directory comes from SOFTOKEN_PARAMS).
SERVER_PID=""
stop_server() { stop_pid "$SERVER_PID"; SERVER_PID=""; }
on_exit stop_server

start_server() {
  SOFTOKEN_PARAMS="$TOKEN_PARAMS" timeout --kill-after=5 120 "${AS_USER[@]}" p11-kit server --foreground \
    --name "$SOCKET" --provider "$INSTALLED" "pkcs11:token=${GENERIC// /%20}" "pkcs11:token=${TOKEN// /%20}" \
    >"$WORK/server.out" 2>&1 &
  SERVER_PID=$!
  local i
  for i in $(seq 100); do
    [ -S "$SOCKET" ] && { cat "$WORK/server.out"; return 0; }
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/server.out"
  return 1
}
# start_server runs in this shell (not through step) so that SERVER_PID stays known to the cleanup.
if start_server >"$WORK/logs/server-start.log" 2>&1; then
  pass "p11-kit server --provider listens on a unix socket in the temporary directory"
else
  fail "p11-kit server --provider listens on a unix socket in the temporary directory" "no socket after 10 s"
  sed 's/^/    | /' "$WORK/logs/server-start.log" | tail -n 5
fi
export P11_KIT_SERVER_ADDRESS="unix:path=$SOCKET"

step "pkcs11-tool through p11-kit-client.so (another process) lists both Softoken slots" \
  --expect "token label +: $GENERIC" --expect "token label +: $TOKEN" \
  -- as_user pkcs11-tool --module "$CLIENT" --list-slots
step "--hash SHA256 through p11-kit-client.so equals sha256sum" -- sha256_via "$CLIENT"
step "--list-objects through p11-kit-client.so shows the certificate written through the proxy" \
  --expect 'Certificate Object; type = X.509 cert' --expect 'label: +p11-kit-cert' \
  --expect 'subject: +DN: CN=p11-kit conformance' \
  -- as_user pkcs11-tool --module "$CLIENT" --token-label "$TOKEN" --list-objects
step "--write-object a data object through p11-kit-client.so" --expect 'Created Data Object' \
  -- as_user pkcs11-tool --module "$CLIENT" --token-label "$TOKEN" --write-object "$WORK/remote.txt" --type data \
  --label remote-data
remote_data_local() {
  as_user pkcs11-tool --module "$INSTALLED" --slot 2 --read-object --type data --label remote-data \
    --output-file "$USER_DIR/remote.out" || return 1
  cmp "$USER_DIR/remote.out" "$WORK/remote.txt" && echo identical
}
step "the module loaded directly reads back what the client wrote (same token database)" \
  --env SOFTOKEN_PARAMS="$TOKEN_PARAMS" -- remote_data_local

# client_sign ID MECHANISM DIGEST [INPUT]: a signature made through p11-kit-client.so (the server holds the key)
# verifies with openssl against the token's public key. p11-kit 0.24's RPC passes only the mechanisms it knows to
# take no parameters: CKM_ECDSA and CKM_ECDSA_SHA1, not CKM_ECDSA_SHA256..512 (the client's C_GetMechanismList
# drops them and C_SignInit answers CKR_MECHANISM_INVALID), so ECDSA signs a SHA-256 digest computed here.
client_sign() {
  as_user pkcs11-tool --module "$CLIENT" --token-label "$TOKEN" --login --pin "$PIN" --sign --id "$1" \
    --mechanism "$2" --signature-format openssl --input-file "${4:-$WORK/message}" \
    --output-file "$USER_DIR/$1.sig" || return 1
  as_user pkcs11-tool --module "$CLIENT" --token-label "$TOKEN" --read-object --type pubkey --id "$1" \
    --output-file "$USER_DIR/$1.pub.der" || return 1
  bounded openssl dgst -"$3" -verify "$USER_DIR/$1.pub.der" -keyform DER -signature "$USER_DIR/$1.sig" \
    "$WORK/message"
}
step "--sign SHA256-RSA-PKCS through p11-kit-client.so; openssl verifies the signature" --expect '^Verified OK$' \
  -- client_sign 5001 SHA256-RSA-PKCS sha256
bounded openssl dgst -sha256 -binary -out "$WORK/message.sha256" "$WORK/message"
step "--sign ECDSA (of a SHA-256 digest) through p11-kit-client.so; openssl verifies the signature" \
  --expect '^Verified OK$' -- client_sign 5002 ECDSA sha256 "$WORK/message.sha256"

stop_server
step "after the server stops, p11-kit-client.so no longer reaches the token" --fails --expect 'No slots' \
  -- as_user pkcs11-tool --module "$CLIENT" --list-slots

finish
