#!/usr/bin/env bash
# NSS tools (certutil, modutil) load the module as a third-party PKCS #11 module: registration with
# `modutil -add`, both slots and tokens in `modutil -list` and `certutil -U`, the NSS password bootstrap
# (`modutil -changepw` on a new token: an SO login with the empty PIN on a read/write session while NSS holds
# a read-only one, then C_InitPIN), a password change, and the module parameter string that NSS passes in
# CK_C_INITIALIZE_ARGS.pReserved (`modutil -add -string`). pkcs11-tool then checks the PIN that NSS set.
# Usage: bash conformance/nss.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

NSSDB="sql:$WORK/nssdb"
TOKEN="Softoken Certificate DB"
mkdir -p "$WORK/nssdb" "$WORK/nssdb-param"
: >"$WORK/pw-empty"
printf 'first password\n' >"$WORK/pw-first"
printf 'second password\n' >"$WORK/pw-second"
printf 'wrong password\n' >"$WORK/pw-wrong"

# The module finds its own token database through the environment in every NSS tool below.
export SOFTOKEN_PARAMS="configdir='sql:$WORK/token'"

# token_block: `modutil -list softoken` from the key-storage slot on (it is listed last).
token_block() {
  bounded modutil -dbdir "$NSSDB" -list softoken | sed -n '/Slot: Softoken User Private Key/,$p'
}

create_nssdb() {
  bounded certutil -N -d "sql:$1" --empty-password && test -f "$1/cert9.db" && test -f "$1/key4.db"
}

# --- registration --------------------------------------------------------------------------------------------
step "certutil -N creates an NSS database" -- create_nssdb "$WORK/nssdb"
step "modutil -add registers the module" --expect 'Module "softoken" added to database' \
  -- modutil -dbdir "$NSSDB" -add softoken -libfile "$MODULE" -force
step "the module created its token database in SOFTOKEN_PARAMS' configdir" -- test -f "$WORK/token/softoken.db"
step "modutil -list shows the module with both slots and tokens" \
  --expect "library name: $MODULE" --expect 'slots: 2 slots attached' --expect 'status: loaded' \
  --expect 'slot: Softoken Internal Cryptographic Services' --expect 'token: Softoken Generic Crypto Services' \
  --expect 'slot: Softoken User Private Key and Certificate Services' --expect 'token: Softoken Certificate DB' \
  -- modutil -dbdir "$NSSDB" -list
step "modutil -list: a new token needs its first password" \
  --expect 'Token Name: Softoken Certificate DB' --expect 'Login Type: Login required' \
  --expect 'User Pin: NOT Initialized' -- token_block
step "certutil -U lists the Softoken tokens" \
  --expect 'token: Softoken Generic Crypto Services' --expect 'token: Softoken Certificate DB' \
  --expect 'token: NSS Certificate DB' -- certutil -U -d "$NSSDB"

# --- passwords -----------------------------------------------------------------------------------------------
step "modutil -changepw sets the first password (SO bootstrap, C_InitPIN)" \
  --expect "Token \"$TOKEN\" password changed successfully" \
  -- modutil -dbdir "$NSSDB" -changepw "$TOKEN" -pwfile "$WORK/pw-empty" -newpwfile "$WORK/pw-first" -force
step "modutil -list: the user PIN is initialized" \
  --expect 'Login Type: Login required' --expect 'User Pin: Initialized' -- token_block
step "modutil -changepw changes the password (C_SetPIN)" \
  --expect "Token \"$TOKEN\" password changed successfully" \
  -- modutil -dbdir "$NSSDB" -changepw "$TOKEN" -pwfile "$WORK/pw-first" -newpwfile "$WORK/pw-second" -force
step "modutil -changepw with a wrong old password fails" --fails --expect 'Incorrect password' \
  -- modutil -dbdir "$NSSDB" -changepw "$TOKEN" -pwfile "$WORK/pw-wrong" -newpwfile "$WORK/pw-first" -force
step "pkcs11-tool logs in with the password set through NSS" \
  -- pkcs11-tool --module "$MODULE" --slot 2 --login --pin "second password" --generate-random 16 \
  --output-file "$WORK/random"
step "pkcs11-tool: the previous password fails (CKR_PIN_INCORRECT)" --fails --expect 'CKR_PIN_INCORRECT' \
  -- pkcs11-tool --module "$MODULE" --slot 2 --login --pin "first password" --generate-random 16

# --- the parameter string (pReserved) ------------------------------------------------------------------------
# NSS hands a module's "parameters" to C_Initialize in pReserved. It must win over SOFTOKEN_PARAMS, which
# points to a decoy directory here.
PARAM_DB="sql:$WORK/nssdb-param"
PARAMS="configdir='sql:$WORK/token-param' dbTokenDescription='Param Token'"
export SOFTOKEN_PARAMS="configdir='sql:$WORK/token-decoy'"

step "certutil -N creates a second NSS database" -- create_nssdb "$WORK/nssdb-param"
step "modutil -add -string passes a parameter string" --expect 'Module "softoken-param" added to database' \
  -- modutil -dbdir "$PARAM_DB" -add softoken-param -libfile "$MODULE" -string "$PARAMS" -force
step "modutil -rawlist records the parameters" \
  --expect "name=\"softoken-param\" parameters=\"configdir='sql:$WORK/token-param'" \
  -- modutil -dbdir "$PARAM_DB" -rawlist
step "modutil -list shows the token labelled by the parameter string" \
  --expect 'Token Name: Param Token' --expect 'User Pin: NOT Initialized' \
  -- modutil -dbdir "$PARAM_DB" -list softoken-param
step "the token database is in the parameter string's configdir, not SOFTOKEN_PARAMS'" \
  -- test -f "$WORK/token-param/softoken.db" -a ! -e "$WORK/token-decoy"

finish
