#!/usr/bin/env bash
# OpenSSH (openssh-client, openssh-server) drives the module: RSA and EC key pairs generated on the token by
# pkcs11-tool are printed by `ssh-keygen -D`; an ssh-agent started here loads them with `ssh-add -s` (PIN through
# SSH_ASKPASS) and lists them with `ssh-add -L`; a throwaway sshd on 127.0.0.1 (own config, host key and
# authorized_keys in the temporary directory) accepts logins authenticated on the token: `ssh -I MODULE` with the
# RSA key (rsa-sha2-512 through CKM_RSA_PKCS) and through the agent with the EC key (CKM_ECDSA).
# sshd needs root (it changes to the logged-in user); as another user the sshd steps are left out.
# Usage: bash conformance/openssh.sh path/to/libsoftoken.so
source "$(dirname "$0")/lib/common.sh"

export SOFTOKEN_PARAMS="configdir='sql:$WORK/token' pinIterations=1000"
SO_PIN=87654321
PIN=123456
AGENT_SOCK="$WORK/agent.sock"

# The PIN reaches ssh and ssh-add through an askpass program, forced even without a terminal or DISPLAY.
printf '#!/bin/sh\necho %s\n' "$PIN" >"$WORK/askpass"
chmod 0755 "$WORK/askpass"
export SSH_ASKPASS="$WORK/askpass" SSH_ASKPASS_REQUIRE=force
unset SSH_AUTH_SOCK SSH_AGENT_PID

p11() { bounded pkcs11-tool --module "$MODULE" --slot 2 "$@"; }
init_token() {
  p11 --init-token --label "Softoken Certificate DB" --so-pin "$SO_PIN" \
    && p11 --login --login-type so --so-pin "$SO_PIN" --init-pin --pin "$PIN"
}
step "setup: pkcs11-tool --init-token and --init-pin on slot 2" -- init_token
step "pkcs11-tool --keypairgen RSA 2048 on the token" --expect 'Key pair generated' \
  -- p11 --login --pin "$PIN" --keypairgen --key-type rsa:2048 --label ssh-rsa
step "pkcs11-tool --keypairgen EC P-256 on the token" --expect 'Key pair generated' \
  -- p11 --login --pin "$PIN" --keypairgen --key-type EC:prime256v1 --label ssh-ec

token_keys() {
  bounded ssh-keygen -D "$MODULE" >"$WORK/token.pub" || return 1
  cat "$WORK/token.pub"
  grep '^ssh-rsa ' "$WORK/token.pub" >"$WORK/rsa.pub" && grep '^ecdsa-sha2-nistp256 ' "$WORK/token.pub" >"$WORK/ec.pub"
}
step "ssh-keygen -D prints the token's RSA and EC public keys" \
  --expect '^ssh-rsa AAAA' --expect '^ecdsa-sha2-nistp256 AAAA' -- token_keys

# The keys ssh-keygen printed are the token's: compare with the public keys pkcs11-tool reads.
same_keys() {
  local label
  for label in ssh-rsa ssh-ec; do
    p11 --read-object --type pubkey --label "$label" --output-file "$WORK/$label.der" || return 1
    bounded openssl pkey -pubin -inform DER -in "$WORK/$label.der" -out "$WORK/$label.pem" || return 1
    bounded ssh-keygen -i -m PKCS8 -f "$WORK/$label.pem" | cut -d' ' -f1,2 >"$WORK/$label.ssh" || return 1
  done
  grep -qxF "$(cat "$WORK/ssh-rsa.ssh")" <(cut -d' ' -f1,2 "$WORK/token.pub") \
    && grep -qxF "$(cat "$WORK/ssh-ec.ssh")" <(cut -d' ' -f1,2 "$WORK/token.pub") && echo "same keys"
}
step "they equal the public keys pkcs11-tool reads from the token" --expect 'same keys' -- same_keys

# --- ssh-agent ------------------------------------------------------------------------------------------------
AGENT_PID=""
stop_agent() {
  [ -n "$AGENT_PID" ] || return 0
  kill "$AGENT_PID" 2>/dev/null
  wait "$AGENT_PID" 2>/dev/null
  AGENT_PID=""
}
on_exit stop_agent
# The agent only loads providers matching -P (by default only under /usr/lib*): allow this module.
timeout --kill-after=5 120 ssh-agent -D -a "$AGENT_SOCK" -P "$MODULE" >"$WORK/agent.out" 2>&1 </dev/null &
AGENT_PID=$!
for _ in $(seq 50); do [ -S "$AGENT_SOCK" ] && break; sleep 0.1; done
step "ssh-agent listens on a socket in the temporary directory" -- test -S "$AGENT_SOCK"
export SSH_AUTH_SOCK="$AGENT_SOCK"
step "ssh-add -s MODULE loads the token's keys (PIN through SSH_ASKPASS)" --expect 'Card added' \
  -- ssh-add -s "$MODULE"
listed() {
  bounded ssh-add -L >"$WORK/agent.pub" || return 1
  cat "$WORK/agent.pub"
  grep -qF "$(cut -d' ' -f1,2 "$WORK/rsa.pub")" "$WORK/agent.pub" \
    && grep -qF "$(cut -d' ' -f1,2 "$WORK/ec.pub")" "$WORK/agent.pub" && echo "both token keys"
}
step "ssh-add -L lists both token keys" --expect 'both token keys' -- listed

# --- sshd --------------------------------------------------------------------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
  echo "  (not root: the sshd login steps are left out)"
  finish
fi

SSHD_PID=""
stop_sshd() { stop_pid "$SSHD_PID"; SSHD_PID=""; }
on_exit stop_sshd

PORT=$(free_port)
bounded ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_key"
cat >"$WORK/sshd_config" <<EOF
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/host_key
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/authorized_keys
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthenticationMethods publickey
EOF
mkdir -p /run/sshd
step "sshd -t accepts the throwaway configuration" -- /usr/sbin/sshd -t -f "$WORK/sshd_config"

start_sshd() {
  timeout --kill-after=5 120 /usr/sbin/sshd -D -e -f "$WORK/sshd_config" >"$WORK/sshd.out" 2>&1 </dev/null &
  SSHD_PID=$!
  local i
  for i in $(seq 100); do
    grep -q 'Server listening' "$WORK/sshd.out" && return 0
    kill -0 "$SSHD_PID" 2>/dev/null || break
    sleep 0.1
  done
  cat "$WORK/sshd.out"
  return 1
}
if start_sshd >"$WORK/logs/sshd-start.log" 2>&1; then
  pass "sshd listens on 127.0.0.1:$PORT"
else
  fail "sshd listens on 127.0.0.1:$PORT" "not listening after 10 s"
  sed 's/^/    | /' "$WORK/logs/sshd-start.log" | tail -n 5
fi

SSH_OPTS=(-F /dev/null -p "$PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR
  -o ConnectTimeout=10 -o PasswordAuthentication=no -o KbdInteractiveAuthentication=no)

cp "$WORK/rsa.pub" "$WORK/authorized_keys"
step "ssh -I MODULE logs in with the token's RSA key (no agent)" --expect '^logged in as root$' \
  -- ssh "${SSH_OPTS[@]}" -I "$MODULE" -o BatchMode=no -o IdentityAgent=none root@127.0.0.1 \
  'echo logged in as $(id -un)'
step "without the token key the login is refused" --fails --expect 'Permission denied' \
  -- ssh "${SSH_OPTS[@]}" -o BatchMode=yes -o IdentityAgent=none -o IdentitiesOnly=yes root@127.0.0.1 true

cp "$WORK/ec.pub" "$WORK/authorized_keys"
step "ssh through the agent logs in with the token's EC key" --expect '^logged in as root$' \
  -- ssh "${SSH_OPTS[@]}" -o BatchMode=yes -o IdentityAgent="$AGENT_SOCK" root@127.0.0.1 \
  'echo logged in as $(id -un)'
step "sshd logged the token key's public-key authentications" \
  --expect 'Accepted publickey for root from 127.0.0.1 .* RSA SHA256:' \
  --expect 'Accepted publickey for root from 127.0.0.1 .* ECDSA SHA256:' -- cat "$WORK/sshd.out"

stop_sshd
stop_agent
finish
