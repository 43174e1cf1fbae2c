#!/usr/bin/env bash
# NSS tools keep certificates and their trust on the Softoken token: `certutil -A -h TOKEN` stores a certificate
# (CKO_CERTIFICATE) and its trust (CKO_NSS_TRUST) with C_CreateObject, `certutil -L` finds them again (NSS
# searches by label, issuer and serial, subject, DER value and CKA_ID), `certutil -M` changes the trust, a private
# key stored with NSS's CKA_ID (SHA-1 of the modulus) turns the certificate into a user certificate
# (`certutil -K`, trust "u"), and `certutil -D` removes certificate and trust. pkcs11-tool checks from outside
# what NSS left on the token.
#
# The token needs a login, and `certutil -L -n TOKEN:NAME` does not pass its -f password to the lookup (NSS would
# ask on the terminal): with `-h TOKEN -f pwfile` certutil logs in to the token first. A module registered with
# `-mechanisms FRIENDLY` (NSS's "PublicCerts" slot flag: certificates readable without login, as on softokn's
# own database token) is read with no password at all.
# Usage: bash conformance/nss-objects.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

NSSDB="sql:$WORK/nssdb"
FRIENDLY_DB="sql:$WORK/nssdb-friendly"
TOKEN="Softoken Certificate DB"
NAME="Softoken Conformance CA"
PW="$WORK/pw"
: >"$WORK/pw-empty"
printf 'token password\n' >"$PW"
mkdir -p "$WORK/nssdb" "$WORK/nssdb-friendly"

# Both NSS databases use the same token database. PINs set here use 1,000 PBKDF2 iterations instead of the
# default 100,000, so that the many logins below stay cheap; nss.sh covers the passwords themselves.
export SOFTOKEN_PARAMS="configdir='sql:$WORK/token' pinIterations=1000"

# p11 ARGS...: pkcs11-tool on the key-storage slot, to look at what NSS stored.
p11() { bounded pkcs11-tool --module "$MODULE" --slot 2 "$@"; }
# cu ARGS...: certutil on the main NSS database, logged in to the Softoken token with the password file.
cu() { bounded certutil -d "$NSSDB" -h "$TOKEN" -f "$PW" "$@"; }

# --- setup ---------------------------------------------------------------------------------------------------
make_material() {
  cd "$WORK" || return 1
  # OpenSSL 3 makes a self-signed certificate with basicConstraints CA:TRUE, so CA trust flags apply.
  bounded openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -subj "/O=Softoken/CN=$NAME" -days 30 \
    -out ca.pem 2>/dev/null || return 1
  bounded openssl x509 -in ca.pem -outform DER -out ca.der || return 1
  bounded openssl pkey -in ca.key -outform DER -out ca-key.der || return 1
  # NSS's CKA_ID for an RSA key and its certificate: the SHA-1 of the modulus.
  bounded openssl rsa -in ca.key -noout -modulus | sed 's/^Modulus=//' | basenc --base16 -d | sha1sum \
    | cut -d' ' -f1 >nss-id
  [ "$(wc -c <nss-id)" -eq 41 ]
}
step "openssl makes a self-signed CA certificate and its key" -- make_material
NSS_ID=$(cat "$WORK/nss-id" 2>/dev/null)

setup_nss() {
  bounded certutil -N -d "$NSSDB" --empty-password || return 1
  bounded modutil -dbdir "$NSSDB" -add softoken -libfile "$MODULE" -force || return 1
  bounded modutil -dbdir "$NSSDB" -changepw "$TOKEN" -pwfile "$WORK/pw-empty" -newpwfile "$PW" -force
}
step "setup: certutil -N, modutil -add, modutil -changepw sets the token password" \
  --expect "Token \"$TOKEN\" password changed successfully" -- setup_nss

# --- certutil -A / -L ----------------------------------------------------------------------------------------
step "certutil -A -h TOKEN stores the certificate on the token" -- cu -A -n "$NAME" -t "C,," -i "$WORK/ca.pem"
step "certutil -L -h TOKEN lists it with its trust (C,,)" \
  --expect "^$TOKEN:$NAME +C,, *\$" -- cu -L
step "certutil -L -n TOKEN:NAME prints it" \
  --expect "Subject: \"CN=$NAME,O=Softoken\"" --expect 'Valid CA' -- cu -L -n "$TOKEN:$NAME"

same_der() {
  cu -L -n "$TOKEN:$NAME" -a >"$WORK/listed.pem" || return 1
  bounded openssl x509 -in "$WORK/listed.pem" -outform DER -out "$WORK/listed.der" || return 1
  cmp "$WORK/listed.der" "$WORK/ca.der" && echo "identical: $(stat -c %s "$WORK/listed.der") bytes"
}
step "certutil -L -n TOKEN:NAME -a gives back the certificate byte for byte" -- same_der

# What NSS left on the token, seen through another consumer: the certificate (public: no login needed) with
# NSS's label and CKA_ID, and the trust object (CKO_NSS_TRUST = 0xce534353 = 3461563219).
# token_objects CERTS TRUSTS: the token holds CERTS certificates and TRUSTS NSS trust objects.
token_objects() {
  local out certs trusts
  out=$(p11 --login --pin "token password" --list-objects) || return 1
  echo "$out"
  certs=$(grep -c '^Certificate Object' <<<"$out")
  trusts=$(grep -c '^Object [0-9]*, type 3461563219' <<<"$out")
  echo "certificates: $certs (want $1), trust objects: $trusts (want $2)"
  [ "$certs" -eq "$1" ] && [ "$trusts" -eq "$2" ]
}
step "pkcs11-tool sees the certificate NSS stored, with NSS's label and CKA_ID, without login" \
  --expect "label: +$NAME" --expect "ID: +$NSS_ID" -- p11 --list-objects --type cert
step "pkcs11-tool sees one certificate and one NSS trust object" -- token_objects 1 1
step "certutil -A of the same certificate again: no duplicate (softokn merge)" \
  -- cu -A -n "$NAME" -t "C,," -i "$WORK/ca.pem"
step "still one certificate and one trust object on the token" -- token_objects 1 1

# --- trust ---------------------------------------------------------------------------------------------------
step "certutil -M -t CT,C,C changes the trust on the token" -- cu -M -n "$TOKEN:$NAME" -t "CT,C,C"
step "certutil -L -h TOKEN shows CT,C,C" --expect "^$TOKEN:$NAME +CT,C,C *\$" -- cu -L
step "certutil -L -n TOKEN:NAME prints the trust flags" \
  --expect 'Trusted CA' --expect 'Trusted Client CA' -- cu -L -n "$TOKEN:$NAME"
step "the trust change updated the trust object in place" -- token_objects 1 1

# A second NSS database that registers the module as FRIENDLY reads the same token without any password,
# in another process: certificate and trust are on the token, not in NSS's own database.
setup_friendly() {
  bounded certutil -N -d "$FRIENDLY_DB" --empty-password || return 1
  bounded modutil -dbdir "$FRIENDLY_DB" -add softoken -libfile "$MODULE" -mechanisms FRIENDLY -force || return 1
  bounded modutil -dbdir "$FRIENDLY_DB" -rawlist
}
step "a second NSS database registers the module with -mechanisms FRIENDLY (PublicCerts)" \
  --expect 'slotFlags=PublicCerts' -- setup_friendly
step "FRIENDLY: certutil -L -n TOKEN:NAME with no password shows the certificate and its trust" \
  --expect "Subject: \"CN=$NAME,O=Softoken\"" --expect 'Trusted Client CA' \
  -- certutil -d "$FRIENDLY_DB" -L -n "$TOKEN:$NAME"

# --- a user certificate: the private key with the same CKA_ID --------------------------------------------------
step "pkcs11-tool stores the certificate's private key with NSS's CKA_ID" --expect 'Private Key Object; RSA' \
  -- p11 --login --pin "token password" --write-object "$WORK/ca-key.der" --type privkey --id "$NSS_ID" \
  --label "$NAME"
step "certutil -K -h TOKEN lists the key with its CKA_ID" \
  --expect "<[ 0-9]+> rsa +$NSS_ID +$NAME\$" -- cu -K
step "certutil -L -h TOKEN: the certificate is now a user certificate (u)" \
  --expect "^$TOKEN:$NAME +CTu,Cu,Cu *\$" -- cu -L

# --- certutil -D ---------------------------------------------------------------------------------------------
step "certutil -D -n TOKEN:NAME deletes the certificate" -- cu -D -n "$TOKEN:$NAME"
step "certutil -L -h TOKEN no longer lists it" --reject "$NAME" -- cu -L
step "no certificate and no trust object left on the token" -- token_objects 0 0
step "the private key stays (certutil -D removes only the certificate)" \
  --expect "ID: +$NSS_ID" -- p11 --login --pin "token password" --list-objects --type privkey

finish
