#!/bin/sh
# One-shot setup for the compose stack: migrations, the key ceremonies and the custody Safe (once; the
# Safe's address is recorded in the wallet directory, where the signer reads it), the first admin
# key written to $ADMIN_KEY_FILE (0600, never to the log). Idempotent: keys and the Safe are made only when
# missing, the admin key only when the file is absent. SKIP_KEY_CEREMONY=true leaves the ceremony to an operator.
set -eu
cli() { node "${STRONGROOM_HOME:-/srv/strongroom}/dist/tools/production/src/launch.js" cli "$@"; }

cli db migrate

if [ "${SKIP_KEY_CEREMONY:-false}" = true ]; then
  echo "setup: key ceremony skipped (an operator runs it against the real KMS)"
else
  # Dev stack: ceremony through kms-local, the Safe on the dev Ethereum node, wallets registered.
  node "${STRONGROOM_HOME:-/srv/strongroom}/dist/tools/production/src/dev-custody-setup.js"
fi

if [ -n "${ADMIN_KEY_FILE:-}" ] && [ ! -s "$ADMIN_KEY_FILE" ]; then
  umask 077
  cli admin create-key --role admin --name first-admin --owner "${ADMIN_OWNER:-operator}" --json > "$ADMIN_KEY_FILE.tmp"
  mv "$ADMIN_KEY_FILE.tmp" "$ADMIN_KEY_FILE"
  echo "setup: first admin API key written to $ADMIN_KEY_FILE"
fi

echo "setup: done"
