#!/usr/bin/env bash
# OpenSSL 3 with the pkcs11 engine (libengine-pkcs11-openssl, libp11) drives the module: RSA and EC key pairs
# generated on the token by pkcs11-tool sign a certificate request and a self-signed certificate without leaving
# the token (`-engine pkcs11 -keyform engine -key 'pkcs11:...'`), and `openssl s_server` on 127.0.0.1 holds its
# private key on the token for TLS 1.3 (RSA-PSS through CKM_RSA_PKCS_PSS) and TLS 1.2 (ECDSA) handshakes that
# `openssl s_client -verify_return_error` verifies against the self-signed certificate, exchanging a line of data.
# The engine also decrypts on the token (`pkeyutl -decrypt`, PKCS #1 v1.5 and OAEP), derives an ECDH secret
# (`pkeyutl -derive`, equal to the peer's), signs with `dgst -sign`, and signs a request for an outside key with the
# token's RSA key as CA (`x509 -req -CAkeyform engine`).
# The engine is configured in a private OPENSSL_CONF (MODULE_PATH names the module).
# Usage: bash conformance/openssl.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

export SOFTOKEN_PARAMS="configdir='sql:$WORK/token' pinIterations=1000"
SO_PIN=87654321
PIN=123456
TOKEN_URI="pkcs11:token=Softoken%20Certificate%20DB"
RSA_KEY="$TOKEN_URI;object=tls-rsa;type=private?pin-value=$PIN"
EC_KEY="$TOKEN_URI;object=tls-ec;type=private?pin-value=$PIN"

export OPENSSL_CONF="$WORK/openssl.cnf"
write_engine_conf "$OPENSSL_CONF"
ENGINE=$(dpkg -L libengine-pkcs11-openssl 2>/dev/null | grep '/engines-3/pkcs11\.so$' | head -1)

p11() { bounded pkcs11-tool --module "$MODULE" --slot 2 "$@"; }

step "the pkcs11 engine is installed (libengine-pkcs11-openssl)" -- test -f "${ENGINE:-/nonexistent}"
init_token() {
  p11 --init-token --label "Softoken Certificate DB" --so-pin "$SO_PIN" \
    && p11 --login --login-type so --so-pin "$SO_PIN" --init-pin --pin "$PIN"
}
step "setup: pkcs11-tool --init-token and --init-pin on slot 2" -- init_token
step "pkcs11-tool --keypairgen RSA 2048 on the token" --expect 'Key pair generated' \
  -- p11 --login --pin "$PIN" --keypairgen --key-type rsa:2048 --label tls-rsa
step "pkcs11-tool --keypairgen EC P-256 on the token" --expect 'Key pair generated' \
  -- p11 --login --pin "$PIN" --keypairgen --key-type EC:prime256v1 --label tls-ec
step "openssl engine -t pkcs11 loads the engine from OPENSSL_CONF" --expect '\[ available \]' \
  -- openssl engine -t pkcs11

# csr KEYURI NAME: a certificate request signed on the token; `openssl req -verify` checks its signature with the
# public key it carries, which must be the token's public key.
csr() {
  cd "$WORK" || return 1
  bounded openssl req -new -engine pkcs11 -keyform engine -key "$1" -subj "/CN=$2" -out "$2.csr" || return 1
  bounded openssl req -in "$2.csr" -noout -verify || return 1
  bounded openssl req -in "$2.csr" -noout -pubkey -out "$2.csr-pub.pem" || return 1
  p11 --read-object --type pubkey --label "$3" --output-file "$2.token-pub.der" || return 1
  bounded openssl pkey -pubin -inform DER -in "$2.token-pub.der" -out "$2.token-pub.pem" || return 1
  cmp "$2.csr-pub.pem" "$2.token-pub.pem" && echo "public key is the token's"
}
step "openssl req -new signs a request with the token's RSA key; it verifies and carries the token's key" \
  --expect 'verify OK|Certificate request self-signature verify OK' --expect "public key is the token's" \
  -- csr "$RSA_KEY" rsa-req tls-rsa
step "openssl req -new signs a request with the token's EC key; it verifies and carries the token's key" \
  --expect 'verify OK' --expect "public key is the token's" -- csr "$EC_KEY" ec-req tls-ec

# self_signed KEYURI NAME: a self-signed certificate signed on the token, verified by openssl against itself.
self_signed() {
  cd "$WORK" || return 1
  bounded openssl req -x509 -new -engine pkcs11 -keyform engine -key "$1" -subj "/CN=localhost" -days 30 \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -addext "basicConstraints=critical,CA:TRUE" \
    -out "$2.pem" || return 1
  bounded openssl verify -CAfile "$2.pem" "$2.pem" || return 1
  bounded openssl x509 -in "$2.pem" -noout -text | grep -E 'Signature Algorithm|Public Key Algorithm' | sort -u
}
step "openssl req -x509 makes a self-signed certificate with the token's RSA key; openssl verify accepts it" \
  --expect ': OK$' --expect 'sha256WithRSAEncryption' -- self_signed "$RSA_KEY" rsa-cert
step "openssl req -x509 makes a self-signed certificate with the token's EC key; openssl verify accepts it" \
  --expect ': OK$' --expect 'ecdsa-with-SHA256' -- self_signed "$EC_KEY" ec-cert

# The token's RSA key as a CA: `openssl x509 -req -CAkey` through the engine signs a request for a key outside
# the token; the chain verifies.
token_ca_signs() {
  cd "$WORK" || return 1
  bounded openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf-key.pem \
    -subj "/CN=OpenSSL leaf" -out leaf.csr 2>/dev/null || return 1
  bounded openssl x509 -req -in leaf.csr -CA rsa-cert.pem -engine pkcs11 -CAkeyform engine -CAkey "$RSA_KEY" \
    -CAcreateserial -days 30 -sha256 -out leaf.pem || return 1
  bounded openssl verify -CAfile rsa-cert.pem leaf.pem
}
step "openssl x509 -req signs a request with the token's RSA key as CA (-CAkeyform engine); the chain verifies" \
  --expect 'leaf.pem: OK$' -- token_ca_signs

# --- decryption, key agreement and signing with the token keys through the engine ------------------------------
printf 'secret for the token\n' >"$WORK/plain"
bounded openssl x509 -in "$WORK/rsa-cert.pem" -noout -pubkey -out "$WORK/rsa-pub.pem"
bounded openssl x509 -in "$WORK/ec-cert.pem" -noout -pubkey -out "$WORK/ec-pub.pem"
# token_decrypt PADDING-OPTIONS...: openssl encrypts to the token's RSA public key, the engine decrypts on the token.
token_decrypt() {
  cd "$WORK" || return 1
  bounded openssl pkeyutl -encrypt -pubin -inkey rsa-pub.pem "$@" -in plain -out cipher || return 1
  bounded openssl pkeyutl -engine pkcs11 -keyform engine -inkey "$RSA_KEY" -decrypt "$@" -in cipher -out decrypted \
    || return 1
  cmp plain decrypted && echo "decrypted on the token"
}
step "openssl pkeyutl -decrypt (PKCS #1 v1.5) with the token's RSA key" --expect 'decrypted on the token' \
  -- token_decrypt
step "openssl pkeyutl -decrypt (OAEP, SHA-256) with the token's RSA key" --expect 'decrypted on the token' \
  -- token_decrypt -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
token_derive() {
  cd "$WORK" || return 1
  bounded openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out peer.pem || return 1
  bounded openssl pkey -in peer.pem -pubout -out peer-pub.pem || return 1
  bounded openssl pkeyutl -derive -inkey peer.pem -peerkey ec-pub.pem -out secret-peer || return 1
  bounded openssl pkeyutl -engine pkcs11 -keyform engine -inkey "$EC_KEY" -derive -peerkey peer-pub.pem \
    -out secret-token || return 1
  cmp secret-peer secret-token && echo "same shared secret ($(stat -c %s secret-token) bytes)"
}
step "openssl pkeyutl -derive (ECDH) with the token's EC key equals the peer's secret" \
  --expect 'same shared secret \(32 bytes\)' -- token_derive
token_dgst_sign() {
  cd "$WORK" || return 1
  bounded openssl dgst -sha384 -engine pkcs11 -keyform engine -sign "$1" -out "$2.sig" plain || return 1
  bounded openssl dgst -sha384 -verify "$2-pub.pem" -signature "$2.sig" plain
}
step "openssl dgst -sha384 -sign with the token's RSA key; openssl verifies" --expect '^Verified OK$' \
  -- token_dgst_sign "$RSA_KEY" rsa
step "openssl dgst -sha384 -sign with the token's EC key; openssl verifies" --expect '^Verified OK$' \
  -- token_dgst_sign "$EC_KEY" ec

# --- TLS: s_server with its key on the token, s_client verifying it ----------------------------------------------
SERVER_PID=""
stop_server() { stop_pid "$SERVER_PID"; SERVER_PID=""; }
on_exit stop_server


# start_server KEYURI CERT ARGS...: openssl s_server in the background (one connection, echoing lines
# reversed), waiting until it accepts. Runs in this shell so that SERVER_PID stays known to the cleanup.
start_server() {
  local key=$1 cert=$2
  shift 2
  PORT=$(free_port) || return 1
  timeout --kill-after=5 60 openssl s_server -engine pkcs11 -keyform engine -key "$key" -cert "$WORK/$cert.pem" \
    -accept "127.0.0.1:$PORT" -naccept 1 -rev "$@" >"$WORK/server.out" 2>&1 </dev/null &
  SERVER_PID=$!
  local i
  for i in $(seq 100); do
    grep -q '^ACCEPT' "$WORK/server.out" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/server.out"
  return 1
}

# handshake NAME KEY CERT ARGS...: start the server, connect with s_client verifying against CERT, send a line and
# expect it back reversed; the line CLOSE makes the server close the connection, and then it ends (-naccept 1).
handshake() {
  local name=$1 key=$2 cert=$3
  shift 3
  if ! start_server "$key" "$cert" >"$WORK/logs/server-${name//[^A-Za-z0-9]/_}.log" 2>&1; then
    fail "openssl s_server ($name) accepts on 127.0.0.1 with its key on the token" "server did not start"
    sed 's/^/    | /' "$WORK/logs/server-${name//[^A-Za-z0-9]/_}.log" | tail -n 5
    stop_server
    return
  fi
  pass "openssl s_server ($name) accepts on 127.0.0.1 with its key on the token"
  client() {
    printf 'hello through the token\nCLOSE\n' \
      | bounded openssl s_client -connect "127.0.0.1:$PORT" -verify_return_error -CAfile "$WORK/$cert.pem" \
        -ign_eof "$@" 2>&1
  }
  step "openssl s_client ($name) verifies the server and exchanges a line" \
    --expect 'Verify return code: 0 \(ok\)' --expect 'nekot eht hguorht olleh' --expect "Protocol *: $EXPECT_PROTOCOL" \
    --expect "Peer signature type: $EXPECT_SIGNATURE" \
    -- client "$@"
  stop_server
}
EXPECT_PROTOCOL='TLSv1\.3' EXPECT_SIGNATURE=RSA-PSS
handshake "TLS 1.3, RSA-PSS" "$RSA_KEY" rsa-cert -tls1_3
EXPECT_PROTOCOL='TLSv1\.2' EXPECT_SIGNATURE=ECDSA
handshake "TLS 1.2, ECDSA" "$EC_KEY" ec-cert -tls1_2

finish
