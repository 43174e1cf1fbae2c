#!/usr/bin/env bash
# Python (python3-pykcs11, run with /usr/bin/python3: another python3 may come first on PATH) loads the module:
# library and slot information, C_InitToken / C_InitPIN, login in one session showing in every session, digests
# and random numbers, a private token data object created in one process and found, renamed, destroyed in others,
# a session object's life, the sensitive values of private keys (CKR_ATTRIBUTE_SENSITIVE on the raw
# C_GetAttributeValue), and C_Finalize / C_Initialize cycles in one process. The checks are in
# lib/pykcs11_checks.py, one process per step.
# Still to come with the mechanisms (issue 7): key generation, sign/verify, encrypt/decrypt, wrap/unwrap.
# Usage: bash conformance/python.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

PYTHON=/usr/bin/python3
CHECKS="$(dirname "$0")/lib/pykcs11_checks.py"
# PINs set here use 1,000 PBKDF2 iterations instead of the default 100,000 (cheap logins; pkcs11-tool.sh and
# nss.sh cover the PINs themselves).
export SOFTOKEN_PARAMS="configdir='sql:$WORK/token' pinIterations=1000"

# py CHECK ARGS...: one check of lib/pykcs11_checks.py in its own process.
py() { bounded "$PYTHON" "$CHECKS" "$MODULE" "$@"; }

step "PyKCS11 loads the module: C_GetInfo" -- py info
step "C_GetSlotList: slots 1 and 2 with their token labels; slot 1 lists the SHA-2 digests" -- py slots
step "C_InitToken, then C_InitPIN as SO" -- py init
step "C_Login: a wrong PIN fails, the right one logs in every session; C_Logout too" -- py login
step "C_Digest and C_DigestUpdate/Final (SHA-256, SHA-512) equal hashlib; C_GenerateRandom" -- py digest

step "C_CreateObject a private token data object and find it in the same session" \
  -- py create python-data "created by PyKCS11"
step "another process finds it after login only, with its value" -- py find python-data "created by PyKCS11"
step "C_SetAttributeValue renames it" -- py rename python-data python-data-renamed
step "C_Finalize and C_Initialize three times in one process; the object is found each time" \
  -- py reload python-data-renamed
step "a session object is visible to the other sessions and dies with its session" -- py session_object
step "C_DestroyObject removes the data object" -- py destroy python-data-renamed
step "another process no longer finds it" -- py gone python-data-renamed

# Private keys written by another consumer (pkcs11-tool): their secret values never come out.
write_keys() {
  cd "$WORK" || return 1
  bounded openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.pem 2>/dev/null || return 1
  bounded openssl pkey -in rsa.pem -outform DER -out rsa.der || return 1
  bounded openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem || return 1
  bounded openssl pkey -in ec.pem -outform DER -out ec.der || return 1
  bounded openssl rsa -in rsa.pem -noout -modulus | sed 's/^Modulus=//' >modulus || return 1
  local type
  for type in rsa ec; do
    bounded pkcs11-tool --module "$MODULE" --slot 2 --login --pin 123456 --write-object "$type.der" \
      --type privkey --label "$type-key" || return 1
  done
}
step "pkcs11-tool writes an RSA and an EC private key" -- write_keys
step "CKR_ATTRIBUTE_SENSITIVE for CKA_PRIVATE_EXPONENT and the EC CKA_VALUE; the public parts are returned" \
  -- py sensitive "$(cat "$WORK/modulus" 2>/dev/null)"

finish
