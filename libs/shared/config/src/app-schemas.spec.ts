import { ConfigError, custodyEnv, depositWatcherEnv, ledgerEnv, parseEnv, withdrawalSignerEnv } from './index';

function errorOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.lines;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('app environment schemas', () => {
  it('gives defaults and typed values for a valid environment', () => {
    const e = parseEnv(ledgerEnv, {
      LEDGER_PORT: '7101',
      LEDGER_HOST: '0.0.0.0',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgres://u@db:5432/x',
      PATH: '/bin',
    });
    expect(e).toMatchObject({ LEDGER_PORT: 7101, LEDGER_HOST: '0.0.0.0', LOG_LEVEL: 'debug', RECONCILE_EVERY_MS: 0 });
    expect(parseEnv(withdrawalSignerEnv, {})).toMatchObject({ WITHDRAWALS_PORT: 7003, WITHDRAWAL_BATCH_SIZE: 100 });
  });

  it('treats empty variables as unset', () => {
    expect(parseEnv(depositWatcherEnv, { DEPOSITS_PORT: '', LOG_LEVEL: '' })).toMatchObject({ DEPOSITS_PORT: 7002 });
  });

  it.each(
    (
      [
        [ledgerEnv, { LEDGER_PORT: 'abc' }, 'config: LEDGER_PORT must be a port number (1-65535), got "abc"'],
        [ledgerEnv, { LEDGER_PORT: '70000' }, 'config: LEDGER_PORT must be a port number (1-65535), got "70000"'],
        [ledgerEnv, { LEDGER_PORT: '-1' }, 'config: LEDGER_PORT must be a port number (1-65535), got "-1"'],
        [
          depositWatcherEnv,
          { DEPOSITS_PORT: '7.5' },
          'config: DEPOSITS_PORT must be a port number (1-65535), got "7.5"',
        ],
        [
          withdrawalSignerEnv,
          { WITHDRAWALS_PORT: '1e3' },
          'config: WITHDRAWALS_PORT must be a port number (1-65535), got "1e3"',
        ],
        [
          ledgerEnv,
          { AUTH_KEY_CACHE_MS: '-5' },
          'config: AUTH_KEY_CACHE_MS must be a whole number from 0 to up, got "-5"',
        ],
        [
          ledgerEnv,
          { LOG_LEVEL: 'verbose' },
          'config: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
        ],
        [
          custodyEnv,
          { LOG_LEVEL: 'verbose' },
          'config: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
        ],
        [
          ledgerEnv,
          { LEDGER_HOST: 'http://0.0.0.0' },
          'config: LEDGER_HOST must be a host name or IP address, got "http://0.0.0.0"',
        ],
        [
          ledgerEnv,
          { DATABASE_URL: 'mysql://db/x' },
          'config: DATABASE_URL must be a URL (postgres:// or postgresql://…), got "mysql://db/x"',
        ],
        [
          depositWatcherEnv,
          { BITCOIN_RPC_URL: 'not a url' },
          'config: BITCOIN_RPC_URL must be a URL (http:// or https://…), got "not a url"',
        ],
        [
          depositWatcherEnv,
          { WEBHOOK_URL: 'https://hooks.example/x' },
          'config: WEBHOOK_URL is no longer read: webhook endpoints are created with POST /v1/webhooks/endpoints (deposits API)',
        ],
        [
          custodyEnv,
          { WEBHOOK_SECRET: 'whsec_x' },
          'config: WEBHOOK_SECRET is no longer read: webhook endpoints are created with POST /v1/webhooks/endpoints (deposits API)',
        ],
        [depositWatcherEnv, { POLL_MS: '10' }, 'config: POLL_MS must be a whole number from 50 to up, got "10"'],
        [
          ledgerEnv,
          { RECONCILE_EVERY_MS: 'soon' },
          'config: RECONCILE_EVERY_MS must be a whole number from 0 to up, got "soon"',
        ],
        [
          withdrawalSignerEnv,
          { KMS_ENDPOINT: 'kms:4599' },
          'config: KMS_ENDPOINT must be a URL (http:// or https://…), got "kms:4599"',
        ],
        [
          withdrawalSignerEnv,
          { ETHEREUM_SAFE_ADDRESS: '0x' + '11'.repeat(20) },
          'config: ETHEREUM_SAFE_ADDRESS is no longer read: the custody Safe is recorded in the wallet directory (strongroom keys safe <wallet> <address>)',
        ],
        [
          withdrawalSignerEnv,
          { WITHDRAWAL_BATCH_SIZE: '0' },
          'config: WITHDRAWAL_BATCH_SIZE must be a whole number from 1 to up, got "0"',
        ],
        [
          withdrawalSignerEnv,
          { WITHDRAWAL_WORKERS: 'yes' },
          'config: WITHDRAWAL_WORKERS must be one of 0, 1, got "yes"',
        ],
        [
          withdrawalSignerEnv,
          { BITCOIN_NETWORK: 'signet' },
          'config: BITCOIN_NETWORK must be one of mainnet, testnet, regtest, got "signet"',
        ],
      ] as const
    ).map(([schema, env, line]) => [line, schema, env] as const),
  )('%s', (line, schema, env) => {
    expect(errorOf(() => parseEnv(schema, env))).toEqual([line]);
  });

  it('reports every bad variable, one line each', () => {
    expect(errorOf(() => parseEnv(ledgerEnv, { LEDGER_PORT: 'abc', LOG_LEVEL: 'loud' }))).toHaveLength(2);
  });
});
