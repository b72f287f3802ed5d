#!/bin/sh
# One-shot setup for the compose stack: migrations, the key ceremonies (once), the first admin
# key written to $ADMIN_KEY_FILE (0600, never to the log). Idempotent: keys are made only when none
# exist, the admin key only when the file is absent. SKIP_KEY_CEREMONY=true leaves the ceremony to an operator.
set -eu
cli() { node "${STRONGROOM_HOME:-/srv/strongroom}/dist/tools/production/src/launch.js" cli "$@"; }
SETUP_DIR=${SETUP_DIR:-/setup}

cli db migrate

if [ "${SKIP_KEY_CEREMONY:-false}" = true ]; then
  echo "setup: key ceremony skipped (an operator runs it against the real KMS)"
elif ! cli keys list --network "${BITCOIN_NETWORK:-regtest}" | grep -q bitcoin; then
  cli keys ceremony --chain bitcoin --threshold 2 --keys 3 --network "${BITCOIN_NETWORK:-regtest}" >/dev/null
  echo "setup: bitcoin custody keys created"
fi
if [ "${SKIP_KEY_CEREMONY:-false}" != true ] && ! cli keys list | grep -q ethereum; then
  cli keys ceremony --chain ethereum --threshold 2 --keys 3 --relayer >/dev/null
  echo "setup: ethereum custody keys created"
fi

if [ -n "${ADMIN_KEY_FILE:-}" ] && [ ! -s "$ADMIN_KEY_FILE" ]; then
  umask 077
  cli admin create-key --role admin --name first-admin --owner "${ADMIN_OWNER:-operator}" --json > "$ADMIN_KEY_FILE.tmp"
  mv "$ADMIN_KEY_FILE.tmp" "$ADMIN_KEY_FILE"
  echo "setup: first admin API key written to $ADMIN_KEY_FILE"
fi

# Variables the apps read at start (STRONGROOM_ENV_FILE), where a setup volume is mounted.
if [ -d "$SETUP_DIR" ] && [ -w "$SETUP_DIR" ]; then
  : > "$SETUP_DIR/strongroom.env"
  if [ -n "${ETHEREUM_SAFE_ADDRESS:-}" ]; then echo "ETHEREUM_SAFE_ADDRESS=$ETHEREUM_SAFE_ADDRESS" > "$SETUP_DIR/strongroom.env"; fi
fi
echo "setup: done"
