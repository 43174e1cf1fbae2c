#!/usr/bin/env bash
# GnuTLS p11tool (gnutls-bin) drives the module: it initialises the key-storage token and its user PIN, lists the
# tokens, their mechanisms and objects, draws random numbers, exports a certificate written by pkcs11-tool byte
# for byte, writes certificates and RSA/EC private keys itself (GnuTLS's own templates), exports the public key
# of an RSA private key (read from CKA_MODULUS and CKA_PUBLIC_EXPONENT), and deletes objects.
# Still to come with the mechanisms (issue 7): `p11tool --generate-privkey`, `certtool` signing with the token
# key, a gnutls-serv / gnutls-cli handshake on 127.0.0.1 with the server key on the token, and
# `--export-pubkey` of an EC private key created from its value (CKA_EC_POINT or CKA_PUBLIC_KEY_INFO would have
# to be computed from the private value).
# Usage: bash conformance/gnutls.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

GENERIC="pkcs11:token=Softoken%20Generic%20Crypto%20Services"
TOKEN="pkcs11:token=Softoken%20Certificate%20DB"
# PINs set here use 1,000 PBKDF2 iterations instead of the default 100,000 (cheap logins; pkcs11-tool.sh and
# nss.sh cover the PINs themselves). p11tool reads the PINs from GNUTLS_PIN and GNUTLS_SO_PIN.
export SOFTOKEN_PARAMS="configdir='sql:$WORK/token' pinIterations=1000"
export GNUTLS_SO_PIN=87654321 GNUTLS_PIN=123456

# p11t ARGS...: p11tool with the module as its only provider, never prompting.
p11t() { bounded p11tool --provider "$MODULE" --batch "$@"; }

make_material() {
  cd "$WORK" || return 1
  bounded openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.pem -subj "/CN=GnuTLS RSA" -days 30 \
    -out rsa-cert.pem 2>/dev/null || return 1
  bounded openssl x509 -in rsa-cert.pem -outform DER -out rsa-cert.der || return 1
  bounded openssl pkey -in rsa.pem -pubout -out rsa-pub.pem || return 1
  bounded openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.pem \
    -subj "/CN=GnuTLS EC" -days 30 -out ec-cert.pem 2>/dev/null
}
step "openssl makes RSA and EC keys and certificates" -- make_material

# --- tokens --------------------------------------------------------------------------------------------------
step "p11tool --initialize sets the token label and SO PIN (C_InitToken)" \
  --expect 'Token was successfully initialized' \
  -- p11t --initialize --label "Softoken Certificate DB" "$TOKEN"
step "p11tool --initialize-pin sets the user PIN as SO (C_InitPIN)" -- p11t --initialize-pin "$TOKEN"
step "p11tool --list-tokens shows both tokens" \
  --expect 'Label: Softoken Generic Crypto Services' --expect 'Label: Softoken Certificate DB' \
  --expect 'Flags: RNG, Requires login' --expect 'Manufacturer: Softoken Project' \
  -- p11t --list-tokens
step "p11tool --list-token-urls gives a URL per token" \
  --expect '^pkcs11:model=Softoken;manufacturer=Softoken%20Project;serial=0000000000000001;token=Softoken%20Generic%20Crypto%20Services$' \
  --expect '^pkcs11:model=Softoken;.*;token=Softoken%20Certificate%20DB$' \
  -- p11t --list-token-urls
step "p11tool --list-mechanisms lists the digests of the Generic Crypto Services token" \
  --expect 'CKM_SHA256 digest' --expect 'CKM_SHA512 digest' --expect 'CKM_SHA_1 digest' \
  -- p11t --list-mechanisms "$GENERIC"

random_bytes() {
  p11t --generate-random 64 "$GENERIC" >"$WORK/random" || return 1
  echo "got $(stat -c %s "$WORK/random") bytes"
  [ "$(stat -c %s "$WORK/random")" -eq 64 ]
}
step "p11tool --generate-random 64" --expect '^got 64 bytes$' -- random_bytes

# --- objects: written by pkcs11-tool, read by GnuTLS -----------------------------------------------------------
step "pkcs11-tool writes a certificate" --expect 'Created certificate' \
  -- pkcs11-tool --module "$MODULE" --slot 2 --login --pin "$GNUTLS_PIN" --write-object "$WORK/rsa-cert.der" \
  --type cert --id 0a --label pkcs11-tool-cert
step "p11tool --list-all without login lists it" \
  --expect 'Type: X.509 Certificate \(RSA-2048\)' --expect 'Label: pkcs11-tool-cert' --expect 'ID: 0a' \
  -- p11t --list-all "$TOKEN"

exported_same() {
  p11t --export "$TOKEN;object=pkcs11-tool-cert;type=cert" --outfile "$WORK/exported.pem" || return 1
  bounded openssl x509 -in "$WORK/exported.pem" -outform DER -out "$WORK/exported.der" || return 1
  cmp "$WORK/exported.der" "$WORK/rsa-cert.der" && echo "identical: $(stat -c %s "$WORK/exported.der") bytes"
}
step "p11tool --export gives the certificate back byte for byte" -- exported_same

# --- objects written by GnuTLS --------------------------------------------------------------------------------
step "p11tool --write --load-certificate (EC certificate)" \
  -- p11t --login --write --load-certificate "$WORK/ec-cert.pem" --label gnutls-ec-cert "$TOKEN"
step "p11tool --write --load-privkey (RSA private key)" \
  -- p11t --login --write --load-privkey "$WORK/rsa.pem" --label gnutls-rsa-key "$TOKEN"
step "p11tool --write --load-privkey (EC private key)" \
  -- p11t --login --write --load-privkey "$WORK/ec.pem" --label gnutls-ec-key "$TOKEN"
step "p11tool --list-all-certs lists both certificates" \
  --expect 'Label: pkcs11-tool-cert' --expect 'Type: X.509 Certificate \(EC/ECDSA-SECP256R1\)' \
  --expect 'Label: gnutls-ec-cert' -- p11t --list-all-certs "$TOKEN"
step "p11tool --list-privkeys --login lists both private keys, private and sensitive" \
  --expect 'Type: Private key \(RSA-2048\)' --expect 'Label: gnutls-rsa-key' \
  --expect 'Type: Private key \(EC/ECDSA\)' --expect 'Label: gnutls-ec-key' \
  --expect 'Flags:.*CKA_PRIVATE; CKA_SENSITIVE' \
  -- p11t --login --list-privkeys "$TOKEN"
step "p11tool --list-all without login hides the private keys" \
  --expect 'Label: gnutls-ec-cert' --reject 'Private key' -- p11t --list-all "$TOKEN"

pubkey_same() {
  p11t --login --export-pubkey "$TOKEN;object=gnutls-rsa-key;type=private" --outfile "$WORK/exported-pub.pem" \
    || return 1
  bounded openssl pkey -pubin -in "$WORK/exported-pub.pem" -outform DER -out "$WORK/exported-pub.der" || return 1
  bounded openssl pkey -pubin -in "$WORK/rsa-pub.pem" -outform DER -out "$WORK/rsa-pub.der" || return 1
  cmp "$WORK/exported-pub.der" "$WORK/rsa-pub.der" && echo identical
}
step "p11tool --export-pubkey of the RSA private key equals openssl's public key" -- pubkey_same

# --- deleting ------------------------------------------------------------------------------------------------
step "p11tool --delete removes the EC certificate" --expect '1 objects deleted' \
  -- p11t --login --delete "$TOKEN;object=gnutls-ec-cert;type=cert"
step "p11tool --list-all-certs no longer lists it" \
  --expect 'Label: pkcs11-tool-cert' --reject 'gnutls-ec-cert' -- p11t --list-all-certs "$TOKEN"

finish
