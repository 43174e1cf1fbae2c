#!/usr/bin/env bash
# NSS tools do their cryptographic jobs with the keys on the Softoken token: `certutil -S -h TOKEN` generates RSA
# and EC key pairs on the token (C_GenerateKeyPair) and signs self-signed certificates with them; `certutil -K`
# and `-L` list keys and user certificates; `pk12util -i -h TOKEN` imports a PKCS #12 file made by openssl (the
# private key unwrapped onto the token by a PBKDF2 key) and `pk12util -o` exports it again (wrapped off the token),
# with the same public key, and the EC key generated on the token as well; `cmsutil -S` signs an S/MIME message
# with the token's RSA and EC keys and `cmsutil -D` (and openssl cms) verify it; `vfychain` validates a CA + leaf
# chain whose certificates and trust are on the token.
# Usage: bash conformance/nss-crypto.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

NSSDB="sql:$WORK/nssdb"
TOKEN="Softoken Certificate DB"
PW="$WORK/pw"
P12PW="$WORK/p12pw"
: >"$WORK/pw-empty"
printf 'token password\n' >"$PW"
printf 'p12 password\n' >"$P12PW"
mkdir -p "$WORK/nssdb"
head -c 2048 /dev/urandom >"$WORK/noise"

# PINs set here use 1,000 PBKDF2 iterations (many logins below); nss.sh covers the passwords themselves.
export SOFTOKEN_PARAMS="configdir='sql:$WORK/token' pinIterations=1000"

# cu ARGS...: certutil on the NSS database, logged in to the Softoken token with the password file.
cu() { bounded certutil -d "$NSSDB" -h "$TOKEN" -f "$PW" "$@"; }

setup_nss() {
  bounded certutil -N -d "$NSSDB" --empty-password || return 1
  bounded modutil -dbdir "$NSSDB" -add softoken -libfile "$MODULE" -force || return 1
  bounded modutil -dbdir "$NSSDB" -changepw "$TOKEN" -pwfile "$WORK/pw-empty" -newpwfile "$PW" -force
}
step "setup: certutil -N, modutil -add, modutil -changepw sets the token password" \
  --expect "Token \"$TOKEN\" password changed successfully" -- setup_nss

# --- certutil -S: key pairs generated on the token, self-signed certificates ----------------------------------
step "certutil -S -k rsa -g 2048 generates an RSA key pair on the token and a self-signed certificate" \
  -- cu -S -n rsa-self -s "CN=Softoken RSA,O=Softoken" -k rsa -g 2048 -x -t "CTu,Cu,Cu" -z "$WORK/noise" -v 12
step "certutil -S -k ec -q nistp256 generates an EC key pair on the token and a self-signed certificate" \
  -- cu -S -n ec-self -s "CN=Softoken EC,O=Softoken" -k ec -q nistp256 -x -t "CTu,Cu,Cu" -z "$WORK/noise" -v 12
step "certutil -K -h TOKEN lists both private keys" \
  --expect "<[ 0-9]+> rsa +[0-9a-f]{40} +$TOKEN:rsa-self\$" --expect "<[ 0-9]+> ec +[0-9a-f]{40} +$TOKEN:ec-self\$" \
  -- cu -K
step "certutil -L -h TOKEN lists both as user certificates (CTu,Cu,Cu)" \
  --expect "^$TOKEN:rsa-self +CTu,Cu,Cu *\$" --expect "^$TOKEN:ec-self +CTu,Cu,Cu *\$" -- cu -L

# The certificates' signatures, checked by openssl: the token's keys signed them.
self_signed_ok() {
  local name
  for name in rsa-self ec-self; do
    cu -L -n "$TOKEN:$name" -a >"$WORK/$name.pem" || return 1
    bounded openssl verify -CAfile "$WORK/$name.pem" -check_ss_sig "$WORK/$name.pem" || return 1
  done
}
step "openssl verifies the self-signed certificates the token's RSA and EC keys signed" -- self_signed_ok

# --- pk12util: a PKCS #12 file made by openssl, imported onto the token and exported again --------------------
make_p12() {
  cd "$WORK" || return 1
  bounded openssl req -x509 -newkey rsa:2048 -nodes -keyout p12.key -subj "/O=Softoken/CN=Softoken PKCS12" \
    -days 30 -out p12.pem 2>/dev/null || return 1
  bounded openssl pkcs12 -export -inkey p12.key -in p12.pem -name p12-user -passout "file:$P12PW" -out in.p12 \
    || return 1
  bounded openssl pkey -in p12.key -pubout -out p12-pub.pem
}
step "openssl pkcs12 -export makes a PKCS #12 file (AES-256-CBC, PBKDF2)" -- make_p12
# NSS's PKCS #11 call log shows how the key got there: C_UnwrapKey with the PBKDF2 key. (Before the module let
# password-generated keys unwrap into sensitive keys, C_UnwrapKey was refused and the import still "succeeded"
# through NSS's fallback path, which this step would have caught.)
step "pk12util -i -h TOKEN imports key and certificate onto the token" \
  --env NSS_DEBUG_PKCS11_MODULE=softoken --env NSPR_LOG_MODULES=nss_mod_log:4 --env "NSPR_LOG_FILE=$WORK/p12-import.log" \
  --expect 'PKCS12 IMPORT SUCCESSFUL' \
  -- bounded pk12util -i "$WORK/in.p12" -d "$NSSDB" -h "$TOKEN" -k "$PW" -w "$P12PW"
unwrapped_on_token() {
  local rv
  rv=$(sed -n '/C_UnwrapKey/,/rv = /p' "$WORK/p12-import.log" | grep -o 'rv = CKR_[A-Z_]*' | head -n 1)
  echo "C_UnwrapKey: ${rv:-not called}"
  [ "$rv" = "rv = CKR_OK" ]
}
step "the private key was unwrapped on the token (C_UnwrapKey with the PBKDF2 key)" -- unwrapped_on_token
# certutil -K names a key by its own CKA_LABEL when it has one (pk12util sets the friendly name), else by its
# certificate's nickname (certutil -S leaves the key's label empty).
step "certutil -K -h TOKEN lists the imported RSA key" --expect "<[ 0-9]+> rsa +[0-9a-f]{40} +p12-user\$" -- cu -K
step "certutil -L -h TOKEN lists the imported certificate as a user certificate" \
  --expect "^$TOKEN:p12-user +u,u,u *\$" -- cu -L
step "pk12util -o exports key and certificate from the token" --expect 'PKCS12 EXPORT SUCCESSFUL' \
  -- bounded pk12util -o "$WORK/out.p12" -n "$TOKEN:p12-user" -d "$NSSDB" -h "$TOKEN" -k "$PW" -w "$P12PW"

same_keys() {
  cd "$WORK" || return 1
  bounded openssl pkcs12 -in out.p12 -passin "file:$P12PW" -nocerts -nodes -out out.key || return 1
  bounded openssl pkcs12 -in out.p12 -passin "file:$P12PW" -nokeys -out out.pem || return 1
  bounded openssl pkey -in out.key -pubout -out out-pub.pem || return 1
  bounded openssl x509 -in out.pem -noout -pubkey >out-cert-pub.pem || return 1
  cmp p12-pub.pem out-pub.pem && cmp p12-pub.pem out-cert-pub.pem || return 1
  # The private key itself came back whole: it signs what the original public key verifies.
  bounded openssl dgst -sha256 -sign out.key -out sig noise && bounded openssl dgst -sha256 -verify p12-pub.pem \
    -signature sig noise
}
step "the exported key and certificate have the original public key; the exported private key signs for it" \
  --expect 'Verified OK' -- same_keys

# The EC key certutil -S generated on the token leaves it the same way (PKCS #8 inside the PKCS #12 file).
export_generated() {
  cd "$WORK" || return 1
  bounded pk12util -o ec-self.p12 -n "$TOKEN:ec-self" -d "$NSSDB" -h "$TOKEN" -k "$PW" -w "$P12PW" || return 1
  bounded openssl pkcs12 -in ec-self.p12 -passin "file:$P12PW" -nocerts -nodes -out ec-self.key || return 1
  bounded openssl pkey -in ec-self.key -pubout -out ec-self-key-pub.pem || return 1
  bounded openssl x509 -in ec-self.pem -noout -pubkey >ec-self-cert-pub.pem || return 1
  cmp ec-self-key-pub.pem ec-self-cert-pub.pem && echo "the exported EC key belongs to the certificate"
}
step "pk12util -o exports the EC key generated on the token; openssl finds it matches its certificate" \
  -- export_generated

# --- cmsutil: S/MIME signed data with the token's key ---------------------------------------------------------
printf 'Content-Type: text/plain\r\n\r\nSigned by a key on the Softoken token.\r\n' >"$WORK/message.txt"
for name in rsa-self ec-self; do
  step "cmsutil -S -N $name signs a message with the token's key" \
    -- bounded cmsutil -S -N "$TOKEN:$name" -G -P -i "$WORK/message.txt" -o "$WORK/$name.p7m" -d "$NSSDB" -f "$PW"
  step "cmsutil -D verifies the $name signature and gives the content back" \
    --expect 'Signed by a key on the Softoken token' --expect 'signer0.status=GoodSignature' \
    -- bounded cmsutil -D -i "$WORK/$name.p7m" -d "$NSSDB" -f "$PW" -h 1
  step "openssl cms -verify accepts the $name signature" --expect 'Verification successful' \
    -- bounded openssl cms -verify -inform DER -in "$WORK/$name.p7m" -CAfile "$WORK/$name.pem" -purpose any
done

# --- vfychain: a CA + leaf chain stored on the token ----------------------------------------------------------
make_chain() {
  cd "$WORK" || return 1
  bounded openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -days 30 \
    -subj "/O=Softoken/CN=Softoken Chain CA" -out ca.pem 2>/dev/null || return 1
  bounded openssl req -new -newkey rsa:2048 -nodes -keyout leaf.key -subj "/O=Softoken/CN=localhost" \
    -out leaf.csr 2>/dev/null || return 1
  printf '%s\n' basicConstraints=CA:FALSE keyUsage=digitalSignature,keyEncipherment extendedKeyUsage=serverAuth \
    subjectAltName=DNS:localhost >leaf.ext
  bounded openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile leaf.ext \
    -out leaf.pem 2>/dev/null || return 1
  bounded openssl x509 -in leaf.pem -outform DER -out leaf.der
}
step "openssl makes a CA and a server certificate it issued" -- make_chain
step "certutil -A -h TOKEN stores the CA with trust CT,C,C" -- cu -A -n chain-ca -t "CT,C,C" -i "$WORK/ca.pem"
step "certutil -A -h TOKEN stores the leaf" -- cu -A -n chain-leaf -t ",," -i "$WORK/leaf.pem"
step "vfychain -pp -u 1 validates the leaf for a TLS server through the CA on the token" \
  --expect 'Chain is good!' -- bounded vfychain -d "$NSSDB" -W "$PW" -pp -u 1 "$WORK/leaf.der"
step "vfychain -u 1 (the classic verifier) too" \
  --expect 'Chain is good!' -- bounded vfychain -d "$NSSDB" -W "$PW" -u 1 "$WORK/leaf.der"
step "vfychain refuses the leaf for a usage it lacks (email signer)" --fails \
  -- bounded vfychain -d "$NSSDB" -W "$PW" -pp -u 4 "$WORK/leaf.der"
remove_ca_trust() { cu -M -n "$TOKEN:chain-ca" -t ",," ; }
step "certutil -M removes the CA's trust on the token" -- remove_ca_trust
step "vfychain now refuses the chain (untrusted issuer)" --fails --expect 'issuer has been marked as not trusted' \
  -- bounded vfychain -d "$NSSDB" -W "$PW" -pp -u 1 "$WORK/leaf.der"

finish
