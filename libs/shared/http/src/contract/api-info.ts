/**
 * The three APIs, named and described once: the standalone apps and the embedded default serve the
 * same API under the same title, so a client generated from either document is the same client.
 */
export const API_INFO = {
  ledger: {
    name: 'ledger',
    title: 'Strongroom ledger',
    description:
      'Double-entry balance ledger (accounts, transfers, holds, balances as of a sequence or time, invariants), API ' +
      'keys, clients and dual control for admins, and compliance: user balance snapshots, reconciliation, segregation ' +
      'reports and proofs of liabilities.',
  },
  deposits: {
    name: 'deposits',
    title: 'Strongroom deposit watcher',
    description:
      'Deposit addresses, chain followers, deposits with their confirmation state, reorg incidents, webhook ' +
      'endpoints and deliveries; and (embedded default only) a regtest/anvil faucet and miner under /v1/dev.',
  },
  withdrawals: {
    name: 'withdrawals',
    title: 'Strongroom withdrawal signer',
    description:
      'Withdrawals for the exchange backend: requests with ledger holds, policies, approvals, batching, KMS signing, ' +
      'broadcast, confirmation and settlement; sweeps and solvency breakers.',
  },
} as const;

export type ApiName = keyof typeof API_INFO;
