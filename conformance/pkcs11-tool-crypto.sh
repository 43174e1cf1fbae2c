#!/usr/bin/env bash
# OpenSC pkcs11-tool 0.23 does cryptography with keys generated on the Softoken token: `--test --login` (its own
# self test: digests, signatures, verification, unwrapping, decryption with every key it finds) and `--test-ec`;
# `--keypairgen` for RSA 2048/4096, EC P-256/P-384 and Ed25519; `--keygen` for AES-128/256, DES3 and a generic
# secret; `--sign`/`--verify` with RSA-PKCS, SHA256-RSA-PKCS, RSA-PKCS-PSS, SHA256-RSA-PKCS-PSS, ECDSA,
# ECDSA-SHA256 and EDDSA, every signature also verified by openssl with the public key read off the token;
# `--decrypt` of openssl's RSA-PKCS and RSA-PKCS-OAEP ciphertexts; `--encrypt`/`--decrypt` with AES-ECB, AES-CBC
# and AES-CBC-PAD equal to `openssl enc` (an AES key of known value imported with --write-object); `--wrap` and
# `--unwrap` with AES-KEY-WRAP against openssl's id-aes128-wrap; `--derive` ECDH1-DERIVE with an openssl peer equal
# to `openssl pkeyutl -derive`; `--hash` with SHA3-224/256/384/512 equal to openssl; `--test-threads` with two
# threads initializing and querying the library while the main thread works.
#
# Left out, because pkcs11-tool 0.23 cannot do them (the module can: python.sh and the unit tests cover them):
# - `--encrypt` with AES-CTR, AES-GCM, DES3 or RSA: 0.23 encrypts only with AES-ECB/CBC/CBC-PAD secret keys
#   ("Mechanism ... illegal or not supported", "Secret key not found"), so RSA encryption is done by openssl.
# - AES-KEY-WRAP-PAD: 0.23 does not know the mechanism name.
# - EC:curve25519 key pairs: 0.23 sends CKA_EC_PARAMS as a malformed PrintableString (length 11 for the 10
#   characters of "curve25519"), which the module rightly refuses with CKR_DOMAIN_PARAMS_INVALID.
# - `--read-object --type pubkey` of a P-384 key fails in 0.23 ("cannot create EVP_PKEY", also for a key
#   pkcs11-tool itself wrote from openssl's DER), so openssl gets that key from the CKA_EC_POINT --list-objects shows.
# - `--verify` exits 0 after "Invalid signature", so that step reads the output.
# - `--test-ec` opens a read-only session unless given `--session-rw` (then C_GenerateKeyPair is refused with
#   CKR_SESSION_READ_ONLY, as it must be).
# Usage: bash conformance/pkcs11-tool-crypto.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

# PINs set here use 1,000 PBKDF2 iterations instead of the default 100,000 (many logins below).
export SOFTOKEN_PARAMS="configdir='sql:$WORK/token' pinIterations=1000"
SO_PIN=87654321 PIN=123456

# p11 ARGS...: pkcs11-tool on the key-storage slot, logged in.
p11() { bounded pkcs11-tool --module "$MODULE" --slot 2 --login --pin "$PIN" "$@"; }

init_token() {
  bounded pkcs11-tool --module "$MODULE" --slot 2 --init-token --label crypto --so-pin "$SO_PIN" || return 1
  bounded pkcs11-tool --module "$MODULE" --slot 2 --login --login-type so --so-pin "$SO_PIN" --init-pin --pin "$PIN"
}
step "setup: --init-token and --init-pin" -- init_token

cd "$WORK" || exit 1
head -c 1000 /dev/urandom >data
bounded openssl dgst -sha256 -binary data >digest
IV=000102030405060708090a0b0c0d0e0f

# --- key pairs ----------------------------------------------------------------------------------------------
# keypair TYPE ID: --keypairgen on the token, then the public key read back (DER, or PEM for EdDSA keys in 0.23)
# and turned into PEM by openssl for the cross-checks.
keypair() {
  p11 --keypairgen --key-type "$1" --id "$2" --label "key-$2" || return 1
  bounded pkcs11-tool --module "$MODULE" --slot 2 --read-object --type pubkey --id "$2" -o "pub-$2.raw" || return 1
  bounded openssl pkey -pubin -in "pub-$2.raw" -out "pub-$2.pem" \
    && bounded openssl pkey -pubin -in "pub-$2.pem" -noout -text
}
step "--keypairgen rsa:2048" --expect 'Public-Key: \(2048 bit\)' -- keypair rsa:2048 01
step "--keypairgen EC:prime256v1" --expect 'NIST CURVE: P-256' -- keypair EC:prime256v1 03
step "--test --login: pkcs11-tool's self test with the token's keys" --expect 'No errors' --reject 'ERR|failed' \
  -- p11 --test
step "--test-ec --login --session-rw: pkcs11-tool's EC test (key pair, attributes, signature, deletion)" \
  --expect '==> OK' -- p11 --session-rw --test-ec --key-type EC:prime256v1 --id 70 --label test-ec
step "--keypairgen rsa:4096" --expect 'Public-Key: \(4096 bit\)' -- keypair rsa:4096 02
# pkcs11-tool 0.23 cannot read a P-384 public key (--read-object: "cannot create EVP_PKEY", also for a key
# pkcs11-tool wrote itself from openssl's DER), so openssl gets it from the CKA_EC_POINT that --list-objects shows.
keypair_p384() {
  local point
  p11 --keypairgen --key-type EC:secp384r1 --id 04 --label key-04 || return 1
  point=$(bounded pkcs11-tool --module "$MODULE" --slot 2 --list-objects --type pubkey \
    | sed -n 's/^ *EC_POINT: *0461\(04[0-9a-f]*\)$/\1/p' | head -n 1)
  [ ${#point} -eq 194 ] || { echo "no 97-byte EC_POINT: $point"; return 1; }   # the only P-384 key
  # SubjectPublicKeyInfo: id-ecPublicKey, secp384r1, then the uncompressed point.
  echo "3076301006072a8648ce3d020106052b81040022036200$point" | tr a-f A-F | basenc --base16 -d >pub-04.der \
    || return 1
  bounded openssl pkey -pubin -inform DER -in pub-04.der -out pub-04.pem \
    && bounded openssl pkey -pubin -in pub-04.pem -noout -text
}
step "--keypairgen EC:secp384r1" --expect 'NIST CURVE: P-384' -- keypair_p384
step "--keypairgen EC:edwards25519 (CKK_EC_EDWARDS)" --expect 'ED25519 Public-Key' -- keypair EC:edwards25519 05

# --- signatures, verified by pkcs11-tool and by openssl -------------------------------------------------------
# signs ID MECHANISM INPUT OPENSSL-VERIFY...: --sign, --verify, then the openssl command (signature file: sig-ID-M).
signs() {
  local id=$1 mech=$2 input=$3
  shift 3
  local sig="sig-$id-$mech" extra=()
  case $mech in *ECDSA*) extra=(--signature-format openssl) ;; esac
  case $mech in RSA-PKCS-PSS) extra=(--hash-algorithm SHA256 --mgf MGF1-SHA256) ;; esac
  p11 --sign -m "$mech" --id "$id" -i "$input" -o "$sig" "${extra[@]}" || return 1
  p11 --verify -m "$mech" --id "$id" -i "$input" --signature-file "$sig" "${extra[@]}" || return 1
  bounded "$@" -sigfile "$sig"
}
PSS=(-pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32 -pkeyopt rsa_mgf1_md:sha256)
step "--sign/--verify RSA-PKCS, openssl verifies" --expect 'Signature is valid' \
  --expect 'Signature Verified Successfully' \
  -- signs 01 RSA-PKCS digest openssl pkeyutl -verify -pubin -inkey pub-01.pem -in digest
for id in 01 02; do
  step "--sign/--verify SHA256-RSA-PKCS (key $id), openssl verifies" --expect 'Signature is valid' \
    --expect 'Signature Verified Successfully' \
    -- signs $id SHA256-RSA-PKCS data openssl pkeyutl -verify -pubin -inkey "pub-$id.pem" -rawin -digest sha256 -in data
done
step "--sign/--verify SHA256-RSA-PKCS-PSS, openssl verifies" --expect 'Signature is valid' \
  --expect 'Signature Verified Successfully' \
  -- signs 01 SHA256-RSA-PKCS-PSS data openssl pkeyutl -verify -pubin -inkey pub-01.pem -rawin -digest sha256 \
  "${PSS[@]}" -in data
step "--sign/--verify RSA-PKCS-PSS (SHA-256 digest, MGF1-SHA256), openssl verifies" --expect 'Signature is valid' \
  --expect 'Signature Verified Successfully' \
  -- signs 01 RSA-PKCS-PSS digest openssl pkeyutl -verify -pubin -inkey pub-01.pem -pkeyopt digest:sha256 "${PSS[@]}" \
  -in digest
for id in 03 04; do
  step "--sign/--verify ECDSA (key $id), openssl verifies" --expect 'Signature is valid' \
    --expect 'Signature Verified Successfully' \
    -- signs $id ECDSA digest openssl pkeyutl -verify -pubin -inkey "pub-$id.pem" -in digest
  step "--sign/--verify ECDSA-SHA256 (key $id), openssl verifies" --expect 'Signature is valid' \
    --expect 'Signature Verified Successfully' \
    -- signs $id ECDSA-SHA256 data openssl pkeyutl -verify -pubin -inkey "pub-$id.pem" -rawin -digest sha256 -in data
done
step "--sign/--verify EDDSA (Ed25519), openssl verifies" --expect 'Signature is valid' \
  --expect 'Signature Verified Successfully' -- signs 05 EDDSA data openssl pkeyutl -verify -pubin -inkey pub-05.pem \
  -rawin -in data
tamper() {
  cp data data-tampered && printf 'x' >>data-tampered
  p11 --verify -m SHA256-RSA-PKCS --id 01 -i data-tampered --signature-file sig-01-SHA256-RSA-PKCS
}
step "--verify rejects a signature over other data" --expect 'Invalid signature' --reject 'Signature is valid' -- tamper

# --- RSA decryption of openssl's ciphertexts -------------------------------------------------------------------
# pkcs11-tool 0.23 encrypts only with secret keys; openssl encrypts for the token's public key instead.
rsa_decrypt() {
  local mech=$1
  shift
  printf 'a secret for the token RSA key' >plain-rsa
  bounded openssl pkeyutl -encrypt -pubin -inkey pub-01.pem "$@" -in plain-rsa -out "ct-$mech" || return 1
  local extra=()
  [ "$mech" = RSA-PKCS-OAEP ] && extra=(--hash-algorithm SHA256 --mgf MGF1-SHA256)
  p11 --decrypt -m "$mech" --id 01 -i "ct-$mech" -o "pt-$mech" "${extra[@]}" || return 1
  cmp plain-rsa "pt-$mech"
}
step "--decrypt RSA-PKCS of openssl's ciphertext" -- rsa_decrypt RSA-PKCS
step "--decrypt RSA-PKCS-OAEP (SHA-256) of openssl's ciphertext" -- rsa_decrypt RSA-PKCS-OAEP \
  -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256

# --- secret keys --------------------------------------------------------------------------------------------
step "--keygen AES:16" --expect 'Secret Key Object; AES length 16' -- p11 --keygen --key-type AES:16 --id 10 --label aes16
step "--keygen AES:32" --expect 'Secret Key Object; AES length 32' -- p11 --keygen --key-type AES:32 --id 11 --label aes32
step "--keygen DES3:24" --expect 'Secret Key Object; DES3' -- p11 --keygen --key-type DES3:24 --id 12 --label des3
step "--keygen GENERIC:32" --expect 'Secret Key Object; Generic secret length 32' \
  -- p11 --keygen --key-type GENERIC:32 --id 13 --label generic

# sym MECH KEYID ENC-ARGS...: --encrypt and --decrypt round trip with a generated key.
sym_roundtrip() {
  local mech=$1 id=$2
  shift 2
  p11 --encrypt -m "$mech" --id "$id" "$@" -i data -o "ct-$mech-$id" || return 1
  p11 --decrypt -m "$mech" --id "$id" "$@" -i "ct-$mech-$id" -o "pt-$mech-$id" || return 1
  cmp data "pt-$mech-$id"
}
step "--encrypt/--decrypt AES-CBC-PAD with the generated AES-256 key" -- sym_roundtrip AES-CBC-PAD 11 --iv "$IV"

# An AES key with a value openssl knows, imported (extractable, so it can be wrapped below): every mode equals
# openssl enc, both ways.
head -c 16 /dev/urandom >aes.key
head -c 64 /dev/urandom >block-data
step "--write-object of an AES key openssl knows (extractable)" \
  -- p11 --write-object aes.key --type secrkey --key-type AES:16 --id 20 --label aes-known --extractable
# aes_vs_openssl MECH OPENSSL-CIPHER-ARGS...
aes_vs_openssl() {
  local mech=$1 iv=(--iv "$IV")
  shift
  [ "$mech" = AES-ECB ] && iv=()
  p11 --encrypt -m "$mech" --id 20 "${iv[@]}" -i block-data -o "ct-$mech" || return 1
  bounded openssl enc "$@" -K "$(hex aes.key)" -iv "$IV" -in block-data -out "ossl-$mech" || return 1
  cmp "ct-$mech" "ossl-$mech" || return 1
  p11 --decrypt -m "$mech" --id 20 "${iv[@]}" -i "ossl-$mech" -o "pt-$mech" || return 1
  cmp block-data "pt-$mech" && echo "$mech: token and openssl agree"
}
step "--encrypt/--decrypt AES-ECB equals openssl enc -aes-128-ecb" -- aes_vs_openssl AES-ECB -aes-128-ecb -nopad
step "--encrypt/--decrypt AES-CBC equals openssl enc -aes-128-cbc" -- aes_vs_openssl AES-CBC -aes-128-cbc -nopad
step "--encrypt/--decrypt AES-CBC-PAD equals openssl enc -aes-128-cbc (PKCS #7 padding)" \
  -- aes_vs_openssl AES-CBC-PAD -aes-128-cbc

# --- wrap / unwrap ------------------------------------------------------------------------------------------
head -c 16 /dev/urandom >kek.key
step "--write-object of a key-encryption key openssl knows" \
  -- p11 --write-object kek.key --type secrkey --key-type AES:16 --id 21 --label kek --usage-wrap
wrap_known() {
  p11 --wrap -m AES-KEY-WRAP --id 21 --application-id 20 -o wrapped || return 1
  bounded openssl enc -d -id-aes128-wrap -K "$(hex kek.key)" -iv A6A6A6A6A6A6A6A6 -in wrapped -out unwrapped.key \
    || return 1
  cmp aes.key unwrapped.key && echo "openssl unwraps the token's AES-KEY-WRAP output to the key"
}
step "--wrap AES-KEY-WRAP: openssl's id-aes128-wrap unwraps it to the key's value" -- wrap_known
unwrap_known() {
  p11 --unwrap -m AES-KEY-WRAP --id 21 -i wrapped --key-type AES:16 --application-id 22 \
    --application-label unwrapped || return 1
  p11 --encrypt -m AES-CBC --id 22 --iv "$IV" -i block-data -o ct-unwrapped || return 1
  cmp ct-unwrapped ossl-AES-CBC && echo "the unwrapped key encrypts like the original"
}
step "--unwrap AES-KEY-WRAP makes a key that encrypts like the original" -- unwrap_known

# --- ECDH ---------------------------------------------------------------------------------------------------
ecdh() {
  bounded openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out peer.pem || return 1
  bounded openssl pkey -in peer.pem -pubout -outform DER -out peer-pub.der || return 1
  p11 --derive -m ECDH1-DERIVE --id 03 -i peer-pub.der -o shared-token || return 1
  bounded openssl pkeyutl -derive -inkey peer.pem -peerkey pub-03.pem -out shared-openssl || return 1
  cmp shared-token shared-openssl && echo "shared secret: $(wc -c <shared-token) bytes, equal"
}
step "--derive ECDH1-DERIVE with an openssl peer equals openssl pkeyutl -derive" -- ecdh

# --- digests ------------------------------------------------------------------------------------------------
sha3() {
  local bits
  for bits in 224 256 384 512; do
    bounded pkcs11-tool --module "$MODULE" --slot 1 --hash -m "SHA3-$bits" -i data -o "sha3-$bits" || return 1
    [ "$(hex "sha3-$bits")" = "$(bounded openssl dgst "-sha3-$bits" -binary data | od -An -v -tx1 | tr -d ' \n')" ] \
      || return 1
    echo "SHA3-$bits equal to openssl"
  done
}
step "--hash SHA3-224/256/384/512 equal openssl dgst" -- sha3

# --- threads ------------------------------------------------------------------------------------------------
# Two threads initialize the library (CKF_OS_LOCKING_OK), read its information, the slot list and one token
# each, while the main thread logs in and lists the objects. (pkcs11-tool waits 30 s for threads that outlive
# the main thread; the main thread's work keeps that from happening.)
step "--test-threads ILGISLT0 and ILGISLT1 while the main thread lists the objects" \
  --expect 'all threads have ended with CKR_OK' --reject 'threads stills active' \
  -- p11 --test-threads ILGISLT0 --test-threads ILGISLT1 --list-objects

finish
