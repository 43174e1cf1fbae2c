#!/usr/bin/env bash
# GnuTLS p11tool (gnutls-bin) drives the module: it initialises the key-storage token and its user PIN, lists the
# tokens, their mechanisms and objects, draws random numbers, exports a certificate written by pkcs11-tool byte
# for byte, writes certificates and RSA/EC private keys itself (GnuTLS's own templates), exports the public key
# of an RSA private key (read from CKA_MODULUS and CKA_PUBLIC_EXPONENT), and deletes objects.
# It also generates RSA and EC key pairs on the token (`p11tool --generate-privkey`) and exports their public keys,
# signs self-signed certificates with them (`certtool --provider --load-privkey 'pkcs11:...'`, PIN from GNUTLS_PIN)
# and, with the EC key as CA, a certificate for a request (`--load-ca-privkey 'pkcs11:...'`),
# and runs `gnutls-serv --provider` with its key on the token against `gnutls-cli --x509cafile`: TLS 1.3 with
# RSA-PSS and TLS 1.2 with ECDSA, a line echoed back. gnutls-serv binds every interface (it has no address option),
# so the handshakes run in a private network namespace holding only the loopback (root and `unshare -n` needed;
# otherwise they are left out).
# Not shown: `--export-pubkey` of an EC private key written from its value (CKA_EC_POINT or CKA_PUBLIC_KEY_INFO
# would have to be computed from the private value).
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

# --- keys generated on the token, certtool signing with them, a TLS handshake ---------------------------------------
step "p11tool --generate-privkey rsa --bits 2048 on the token prints the public key" \
  --expect 'BEGIN PUBLIC KEY' -- p11t --login --generate-privkey rsa --bits 2048 --label gen-rsa "$TOKEN"
step "p11tool --generate-privkey ecdsa --curve secp256r1 on the token" \
  --expect 'BEGIN PUBLIC KEY' -- p11t --login --generate-privkey ecdsa --curve secp256r1 --label gen-ec "$TOKEN"
step "p11tool --list-privkeys --login lists the generated keys" \
  --expect 'Label: gen-rsa' --expect 'Label: gen-ec' -- p11t --login --list-privkeys "$TOKEN"

# generated_pubkey LABEL: --export-pubkey of a generated private key equals the public key object pkcs11-tool reads.
generated_pubkey() {
  p11t --login --export-pubkey "$TOKEN;object=$1;type=private" --outfile "$WORK/$1-p11tool.pem" || return 1
  bounded openssl pkey -pubin -in "$WORK/$1-p11tool.pem" -outform DER -out "$WORK/$1-p11tool.der" || return 1
  bounded pkcs11-tool --module "$MODULE" --slot 2 --read-object --type pubkey --label "$1" \
    --output-file "$WORK/$1-tool.der" || return 1
  cmp "$WORK/$1-p11tool.der" "$WORK/$1-tool.der" && echo identical
}
step "p11tool --export-pubkey of the generated RSA key equals the public key object" -- generated_pubkey gen-rsa
step "p11tool --export-pubkey of the generated EC key equals the public key object" -- generated_pubkey gen-ec

printf '%s\n' 'cn = "localhost"' 'dns_name = "localhost"' 'ip_address = "127.0.0.1"' 'serial = 1' \
  'expiration_days = 30' ca cert_signing_key tls_www_server signing_key encryption_key >"$WORK/server.tmpl"
# self_signed LABEL: certtool signs a self-signed server certificate with the token key (PIN from GNUTLS_PIN); it
# verifies against itself (certtool and openssl).
self_signed() {
  bounded certtool --provider "$MODULE" --generate-self-signed --load-privkey "$TOKEN;object=$1;type=private" \
    --template "$WORK/server.tmpl" --outfile "$WORK/$1-cert.pem" || return 1
  bounded certtool --verify --load-ca-certificate "$WORK/$1-cert.pem" --infile "$WORK/$1-cert.pem" || return 1
  bounded openssl verify -CAfile "$WORK/$1-cert.pem" "$WORK/$1-cert.pem"
}
step "certtool --generate-self-signed signs with the token's RSA key; the certificate verifies" \
  --expect 'Chain verification output: Verified' --expect ': OK$' -- self_signed gen-rsa
step "certtool --generate-self-signed signs with the token's EC key; the certificate verifies" \
  --expect 'Chain verification output: Verified' --expect ': OK$' -- self_signed gen-ec

# The token's EC key as a CA: certtool signs a request for a key outside the token; the chain verifies.
printf '%s\n' 'cn = "GnuTLS leaf"' 'serial = 2' 'expiration_days = 30' tls_www_client signing_key >"$WORK/leaf.tmpl"
token_ca_signs() {
  cd "$WORK" || return 1
  bounded certtool --generate-privkey --key-type ecdsa --outfile leaf-key.pem 2>/dev/null || return 1
  bounded certtool --generate-request --load-privkey leaf-key.pem --template leaf.tmpl --outfile leaf.csr || return 1
  bounded certtool --provider "$MODULE" --generate-certificate --load-request leaf.csr \
    --load-ca-certificate gen-ec-cert.pem --load-ca-privkey "$TOKEN;object=gen-ec;type=private" \
    --template leaf.tmpl --outfile leaf.pem || return 1
  bounded certtool --verify --load-ca-certificate gen-ec-cert.pem --infile leaf.pem || return 1
  bounded openssl verify -CAfile gen-ec-cert.pem leaf.pem
}
step "certtool --generate-certificate signs a request with the token's EC key as CA; the chain verifies" \
  --expect 'Chain verification output: Verified' --expect 'leaf.pem: OK$' -- token_ca_signs

# gnutls-serv binds every interface (it has no option for the address), so each handshake runs in a private network
# namespace whose only interface is the loopback (lib/gnutls-handshake.sh); without one (not root, or unshare
# refused) the handshakes are left out.
HANDSHAKE="$(dirname "$0")/lib/gnutls-handshake.sh"
if [ "$(id -u)" -eq 0 ] && timeout 5 unshare -n true 2>/dev/null; then
  step "gnutls-serv with the RSA key on the token; gnutls-cli verifies it (TLS 1.3, RSA-PSS) and the line comes back" \
    --expect 'Status: The certificate is trusted' --expect 'Description: \(TLS1\.3' --expect 'RSA-PSS' \
    --expect '^hello through the token$' --expect 'Server Signature: RSA-PSS' \
    -- unshare -n bash "$HANDSHAKE" "$MODULE" "$TOKEN;object=gen-rsa;type=private?pin-value=$GNUTLS_PIN" \
    "$WORK/gen-rsa-cert.pem" NORMAL "$WORK"
  step "gnutls-serv with the EC key on the token; gnutls-cli verifies it (TLS 1.2, ECDSA) and the line comes back" \
    --expect 'Status: The certificate is trusted' --expect 'Description: \(TLS1\.2' --expect 'ECDSA' \
    --expect '^hello through the token$' --expect 'Server Signature: ECDSA' \
    -- unshare -n bash "$HANDSHAKE" "$MODULE" "$TOKEN;object=gen-ec;type=private?pin-value=$GNUTLS_PIN" \
    "$WORK/gen-ec-cert.pem" NORMAL:-VERS-TLS1.3 "$WORK"
else
  echo "  (no private network namespace: the gnutls-serv handshakes are left out)"
fi

finish
