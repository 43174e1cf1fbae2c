#!/usr/bin/env bash
# OpenSC pkcs11-tool stores, lists, reads and deletes objects on the key-storage token: a certificate, RSA and EC
# private and public keys, public and private data objects (C_CreateObject, C_FindObjects*, C_GetAttributeValue,
# C_DestroyObject). Checks what stays hidden without a login, that what is read back is byte for byte what was
# written, that re-importing the same certificate or key updates it instead of adding a duplicate (softokn's
# merge), and that every object outlives the process that wrote it (every pkcs11-tool call is a new process).
# pkcs11-tool 0.23 cannot read a private key at all ("sorry, reading private keys not (yet) supported", exit 0),
# so the check that a private key's value is refused (CKR_ATTRIBUTE_SENSITIVE) is made by python.sh.
# Usage: bash conformance/pkcs11-tool-objects.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

SO_PIN=87654321
USER_PIN=123456
# PINs set here use 1,000 PBKDF2 iterations instead of the default 100,000: the scenario logs in some twenty times
# and each default login costs about 0.25 s. The PIN rules themselves are the subject of pkcs11-tool.sh.
export SOFTOKEN_PARAMS="configdir='sql:$WORK/token' pinIterations=1000"

# p11 ARGS...: pkcs11-tool on the key-storage slot; p11u ARGS...: the same, logged in as the user.
p11() { bounded pkcs11-tool --module "$MODULE" --slot 2 "$@"; }
p11u() { p11 --login --pin "$USER_PIN" "$@"; }

# --- material, made with openssl ------------------------------------------------------------------------------
make_material() {
  cd "$WORK" || return 1
  bounded openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.pem -subj "/CN=Softoken conformance" -days 30 \
    -out cert.pem 2>/dev/null || return 1
  bounded openssl x509 -in cert.pem -outform DER -out cert.der || return 1
  bounded openssl pkey -in rsa.pem -outform DER -out rsa-pkcs8.der || return 1          # PKCS #8
  bounded openssl pkey -in rsa.pem -pubout -outform DER -out rsa-pub.der || return 1     # SubjectPublicKeyInfo
  bounded openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.pem || return 1
  bounded openssl ec -in ec.pem -outform DER -out ec-sec1.der 2>/dev/null || return 1    # traditional (SEC 1)
  bounded openssl pkey -in ec.pem -pubout -outform DER -out ec-pub.der || return 1
  printf 'public data written by pkcs11-tool\n' >public.txt
  printf 'private data written by pkcs11-tool\n' >private.txt
}
step "openssl makes a certificate, RSA and EC keys, data files" -- make_material

init_token() {
  p11 --init-token --label "Softoken Certificate DB" --so-pin "$SO_PIN" \
    && p11 --login --login-type so --so-pin "$SO_PIN" --init-pin --pin "$USER_PIN"
}
step "setup: --init-token and --init-pin on slot 2" -- init_token

# --- writing -------------------------------------------------------------------------------------------------
step "--write-object a certificate (DER)" \
  --expect 'Created certificate' --expect 'subject: +DN: CN=Softoken conformance' --expect 'ID: +01' \
  -- p11u --write-object "$WORK/cert.der" --type cert --id 01 --label conformance-cert
step "--write-object an RSA private key (PKCS #8 DER): sensitive" \
  --expect 'Private Key Object; RSA' --expect 'label: +conformance-rsa' --expect 'Access: +sensitive' \
  -- p11u --write-object "$WORK/rsa-pkcs8.der" --type privkey --id 01 --label conformance-rsa
step "--write-object an RSA public key: the token fills CKA_MODULUS_BITS" \
  --expect 'Public Key Object; RSA 2048 bits' --reject 'warning|failed' \
  -- p11u --write-object "$WORK/rsa-pub.der" --type pubkey --id 01 --label conformance-rsa
step "--write-object an EC private key (traditional SEC 1 DER): sensitive" \
  --expect 'Private Key Object; EC' --expect 'label: +conformance-ec' --expect 'Access: +sensitive' \
  -- p11u --write-object "$WORK/ec-sec1.der" --type privkey --id 02 --label conformance-ec
step "--write-object an EC public key (P-256)" \
  --expect 'Public Key Object; EC +EC_POINT 256 bits' --expect 'EC_PARAMS: +06082a8648ce3d030107' \
  -- p11u --write-object "$WORK/ec-pub.der" --type pubkey --id 02 --label conformance-ec
step "--write-object a public data object without login (R/W public session)" \
  --expect 'Created Data Object' --expect "label: +'public-data'" --reject 'flags:.*private' \
  -- p11 --write-object "$WORK/public.txt" --type data --label public-data --application-label conformance
step "--write-object --private without login fails (CKR_USER_NOT_LOGGED_IN)" --fails \
  --expect 'CKR_USER_NOT_LOGGED_IN' \
  -- p11 --write-object "$WORK/private.txt" --type data --label private-data --private
step "--write-object --private data after login" \
  --expect 'Created Data Object' --expect "label: +'private-data'" --expect 'flags:.*private' \
  -- p11u --write-object "$WORK/private.txt" --type data --label private-data --private --application-label conformance
step "--write-object on slot 1 fails (CKR_TOKEN_WRITE_PROTECTED)" --fails --expect 'CKR_TOKEN_WRITE_PROTECTED' \
  -- bounded pkcs11-tool --module "$MODULE" --slot 1 --write-object "$WORK/public.txt" --type data --label nope

# --- listing -------------------------------------------------------------------------------------------------
step "--list-objects without login: certificate, public keys, public data; no private object" \
  --expect 'Certificate Object; type = X.509 cert' --expect 'Public Key Object; RSA 2048 bits' \
  --expect 'Public Key Object; EC' --expect "label: +'public-data'" \
  --reject 'Private Key Object' --reject "private-data" \
  -- p11 --list-objects
step "--list-objects after login: the private keys and private data too" \
  --expect 'Certificate Object' --expect 'Private Key Object; RSA' --expect 'Private Key Object; EC' \
  --expect 'Public Key Object; RSA' --expect 'Public Key Object; EC' \
  --expect "label: +'public-data'" --expect "label: +'private-data'" \
  -- p11u --list-objects

# count_objects TYPE N: a logged-in pkcs11-tool --list-objects --type TYPE finds exactly N objects.
count_objects() {
  local out n
  out=$(p11u --list-objects --type "$1") || return 1
  n=$(grep -c -E '^(Certificate|Public Key|Private Key) Object|^Data object' <<<"$out")
  echo "$out"
  echo "$1: $n objects (want $2)"
  [ "$n" -eq "$2" ]
}
# A fresh process reads back every object written by earlier ones: the token database is the only state.
objects_persist() {
  count_objects cert 1 && count_objects privkey 2 && count_objects pubkey 2 && count_objects data 2
}
step "a new process finds every object written by earlier ones (1 cert, 2+2 keys, 2 data)" -- objects_persist

# --- reading -------------------------------------------------------------------------------------------------
# read_same ARGS... -- FILE: --read-object gives exactly FILE's bytes.
read_same() {
  local args=() out="$WORK/read.out"
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  rm -f "$out"
  "${args[@]}" --read-object --output-file "$out" || return 1
  cmp "$out" "$2" && echo "identical: $(stat -c %s "$out") bytes"
}
step "--read-object the certificate: identical to the DER written" -- read_same p11 --type cert --id 01 -- "$WORK/cert.der"
step "--read-object the RSA public key: identical to openssl's SubjectPublicKeyInfo" \
  -- read_same p11 --type pubkey --id 01 -- "$WORK/rsa-pub.der"
step "--read-object the EC public key: identical to openssl's SubjectPublicKeyInfo" \
  -- read_same p11 --type pubkey --id 02 -- "$WORK/ec-pub.der"
step "--read-object the public data object without login" \
  -- read_same p11 --type data --label public-data -- "$WORK/public.txt"
step "--read-object the private data object without login fails (not found)" --fails --expect 'object not found' \
  -- p11 --read-object --type data --label private-data --output-file "$WORK/nope"
step "--read-object the private data object after login" \
  -- read_same p11u --type data --label private-data -- "$WORK/private.txt"

# --- softokn merge: the same certificate or key again updates it -----------------------------------------------
reimport() {
  local type=$1 file=$2 id=$3 label=$4 want=$5
  p11u --write-object "$file" --type "$type" --id "$id" --label "$label" >/dev/null && count_objects "$type" "$want"
}
step "re-importing the same certificate (new label) updates it: still one certificate" \
  --expect 'label: +conformance-cert-renamed' --reject 'label: +conformance-cert$' \
  -- reimport cert "$WORK/cert.der" 01 conformance-cert-renamed 1
step "re-importing the same RSA key (same CKA_ID and key type) updates it: still two private keys" \
  --expect 'label: +conformance-rsa-renamed' --reject 'label: +conformance-rsa$' \
  -- reimport privkey "$WORK/rsa-pkcs8.der" 01 conformance-rsa-renamed 2

# --- deleting ------------------------------------------------------------------------------------------------
# deleted LOGIN TYPE GONE_RE SELECTOR...: --delete-object removes the object, and a new process no longer lists
# anything matching GONE_RE among the objects of TYPE (pkcs11-tool --list-objects filters by type only).
deleted() {
  local login=$1 type=$2 gone=$3 out
  shift 3
  if [ "$login" = login ]; then
    p11u --delete-object --type "$type" "$@" || return 1
  else
    p11 --delete-object --type "$type" "$@" || return 1
  fi
  out=$(p11u --list-objects --type "$type") || return 1
  echo "$out"
  ! grep -q -E -- "$gone" <<<"$out"
}
cert_deleted_keys_stay() {
  deleted login cert 'Certificate Object' --id 01 && count_objects privkey 2 && count_objects pubkey 2
}
step "--delete-object the public data object (no login)" \
  --expect "label: +'private-data'" -- deleted nologin data "'public-data'" --label public-data
step "--delete-object the private data object (login)" -- deleted login data "'private-data'" --label private-data
step "--delete-object the certificate; the keys with its CKA_ID stay" -- cert_deleted_keys_stay
step "--delete-object the EC private key (login)" --expect 'Private Key Object; RSA' \
  -- deleted login privkey 'Private Key Object; EC' --id 02
step "what is left: the RSA private key and both public keys" \
  --expect 'Private Key Object; RSA' --expect 'Public Key Object; RSA' --expect 'Public Key Object; EC' \
  --reject 'Private Key Object; EC' --reject 'Certificate Object' --reject 'Data object' \
  -- p11u --list-objects

finish
