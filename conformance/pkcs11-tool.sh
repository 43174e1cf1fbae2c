#!/usr/bin/env bash
# OpenSC pkcs11-tool drives the module: module and slot information, the mechanism list, random numbers,
# digests checked against openssl and coreutils, and the PIN life cycle on the key-storage token
# (C_InitToken, C_InitPIN as SO, C_SetPIN, C_Login with the right and the wrong PIN).
# Usage: bash conformance/pkcs11-tool.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

# p11 DB ARGS...: pkcs11-tool on the module, with its token database in $WORK/DB.
p11() {
  local db=$1
  shift
  SOFTOKEN_PARAMS="configdir='sql:$WORK/$db'" bounded pkcs11-tool --module "$MODULE" "$@"
}

# --- information ---------------------------------------------------------------------------------------------
step "--show-info names the library" \
  --expect 'Cryptoki version 3\.0' --expect 'Manufacturer +Softoken Project' \
  --expect 'Library +Softoken software PKCS #11 token' \
  -- p11 info --show-info

step "--list-slots shows both slots with fixed IDs and labels" \
  --expect 'Slot 0 \(0x1\): Softoken Internal Cryptographic Services' \
  --expect 'token label +: Softoken Generic Crypto Services' \
  --expect 'Slot 1 \(0x2\): Softoken User Private Key and Certificate Services' \
  --expect 'token label +: Softoken Certificate DB' \
  -- p11 info --list-slots

step "--list-mechanisms on slot 1 lists the digests" \
  --expect '^ *MD5, digest' --expect '^ *SHA-1, digest' --expect '^ *SHA224, digest' \
  --expect '^ *SHA256, digest' --expect '^ *SHA384, digest' --expect '^ *SHA512, digest' \
  -- p11 info --slot 1 --list-mechanisms

# --- random --------------------------------------------------------------------------------------------------
random_bytes() {
  p11 info --slot "$1" --generate-random 64 --output-file "$WORK/random-$1-a" || return 1
  p11 info --slot "$1" --generate-random 64 --output-file "$WORK/random-$1-b" || return 1
  local size
  size=$(stat -c %s "$WORK/random-$1-a")
  echo "got $size bytes"
  [ "$size" -eq 64 ] || return 1
  # Two draws of 512 bits are never equal.
  [ "$(hex "$WORK/random-$1-a")" != "$(hex "$WORK/random-$1-b")" ]
}
step "--generate-random 64 on slot 1 gives 64 fresh bytes" --expect '^got 64 bytes$' -- random_bytes 1
step "--generate-random 64 on slot 2 gives 64 fresh bytes (no login)" --expect '^got 64 bytes$' -- random_bytes 2

# --- digests -------------------------------------------------------------------------------------------------
# 1 MiB + 7 bytes, so pkcs11-tool feeds the module several C_DigestUpdate calls and an unaligned tail.
bounded openssl rand -out "$WORK/data" $((1024 * 1024 + 7))
: >"$WORK/empty"

# digest_matches MECHANISM OPENSSL_ALG INPUT: pkcs11-tool --hash equals `openssl dgst`.
digest_matches() {
  p11 info --slot 1 --hash --mechanism "$1" --input-file "$3" --output-file "$WORK/digest" || return 1
  local ours theirs
  ours=$(hex "$WORK/digest")
  theirs=$(bounded openssl dgst "-$2" -r "$3" | cut -d' ' -f1)
  echo "module:  $ours"
  echo "openssl: $theirs"
  [ -n "$ours" ] && [ "$ours" = "$theirs" ]
}
step "--hash SHA-1 equals openssl dgst" -- digest_matches SHA-1 sha1 "$WORK/data"
step "--hash SHA224 equals openssl dgst" -- digest_matches SHA224 sha224 "$WORK/data"
step "--hash SHA256 equals openssl dgst" -- digest_matches SHA256 sha256 "$WORK/data"
step "--hash SHA384 equals openssl dgst" -- digest_matches SHA384 sha384 "$WORK/data"
step "--hash SHA512 equals openssl dgst" -- digest_matches SHA512 sha512 "$WORK/data"
step "--hash MD5 equals openssl dgst" -- digest_matches MD5 md5 "$WORK/data"
step "--hash SHA256 of empty input equals openssl dgst" -- digest_matches SHA256 sha256 "$WORK/empty"

sha256_matches_coreutils() {
  p11 info --slot 1 --hash --mechanism SHA256 --input-file "$WORK/data" --output-file "$WORK/digest" || return 1
  [ "$(hex "$WORK/digest")" = "$(sha256sum "$WORK/data" | cut -d' ' -f1)" ]
}
step "--hash SHA256 equals sha256sum" -- sha256_matches_coreutils

# --- login rules ---------------------------------------------------------------------------------------------
step "slot 1 refuses a login (CKR_USER_TYPE_INVALID)" --fails --expect 'CKR_USER_TYPE_INVALID' \
  -- p11 info --slot 1 --login --pin 123456 --show-info

# The NSS bootstrap state of a new database: login required, no user PIN yet. (The bootstrap itself, an SO
# login with the empty PIN followed by C_InitPIN, cannot be driven by pkcs11-tool 0.23: its login() returns
# without calling C_Login when the PIN is empty. nss.sh drives it with modutil -changepw.)
step "a new database: login required, user PIN not initialized" \
  --expect 'Slot 1 \(0x2\)' --expect 'token flags +: login required' --reject 'PIN initialized' \
  -- p11 fresh --slot 2 --list-token-slots
step "a new database refuses a user login (CKR_USER_PIN_NOT_INITIALIZED)" --fails \
  --expect 'CKR_USER_PIN_NOT_INITIALIZED' -- p11 fresh --slot 2 --login --pin 123456 --show-info

# --- PIN life cycle on slot 2 --------------------------------------------------------------------------------
SO_PIN=87654321
USER_PIN=123456
NEW_PIN=65432100

step "--init-token sets label and SO PIN" --expect 'Token successfully initialized' \
  -- p11 pins --slot 2 --init-token --label "Conformance Token" --so-pin "$SO_PIN"
step "the token shows the new label" --expect 'token label +: Conformance Token' \
  -- p11 pins --slot 2 --list-token-slots
step "--init-token with a wrong SO PIN fails (CKR_PIN_INCORRECT)" --fails --expect 'CKR_PIN_INCORRECT' \
  -- p11 pins --slot 2 --init-token --label "Other" --so-pin 11112222
step "--init-pin as SO sets the user PIN" --expect 'User PIN successfully initialized' \
  -- p11 pins --slot 2 --login --login-type so --so-pin "$SO_PIN" --init-pin --pin "$USER_PIN"
step "the token shows the user PIN initialized" --expect 'token flags +: login required.*PIN initialized' \
  -- p11 pins --slot 2 --list-token-slots
step "--login with the user PIN works" \
  -- p11 pins --slot 2 --login --pin "$USER_PIN" --generate-random 16 --output-file "$WORK/r"
step "--login with a wrong PIN fails (CKR_PIN_INCORRECT)" --fails --expect 'CKR_PIN_INCORRECT' \
  -- p11 pins --slot 2 --login --pin 000000 --generate-random 16
step "--change-pin changes the user PIN" --expect 'PIN successfully changed' \
  -- p11 pins --slot 2 --change-pin --pin "$USER_PIN" --new-pin "$NEW_PIN"
step "--login with the new PIN works" \
  -- p11 pins --slot 2 --login --pin "$NEW_PIN" --generate-random 16 --output-file "$WORK/r"
step "--login with the old PIN fails (CKR_PIN_INCORRECT)" --fails --expect 'CKR_PIN_INCORRECT' \
  -- p11 pins --slot 2 --login --pin "$USER_PIN" --generate-random 16
step "--change-pin with a wrong old PIN fails (CKR_PIN_INCORRECT)" --fails --expect 'CKR_PIN_INCORRECT' \
  -- p11 pins --slot 2 --change-pin --pin 000000 --new-pin 11111111

finish
