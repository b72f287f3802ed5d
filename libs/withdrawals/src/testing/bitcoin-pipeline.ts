import { ensureClient } from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import type { ChainAdapter, CustodyWallet } from '@strongroom/chains-core';
import { enqueue } from '@strongroom/events';
import { LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { networks, payments } from 'bitcoinjs-lib';
import { OPERATOR } from '../core/ledger-accounts';
import type { PolicyInput } from '../policy/policy.service';
import type { Clock, DigestSigner } from '../ports';
import { createPipelineDeps, type SignerDeps } from '../runner/create-pipeline-deps';
import { OPEN_POLICY } from './open-policy';
import { ScriptedChainAdapter } from './scripted-chain-adapter';

const BTC = 100_000_000n;

/** A 2-of-3 bitcoin wallet whose keys nothing signs with (specs that stop before signing). */
export const UNSIGNED_BTC_WALLET: CustodyWallet = {
  id: 'wallet-btc',
  chain: 'bitcoin',
  threshold: 2,
  publicKeys: ['02' + '11'.repeat(32), '03' + '22'.repeat(32), '02' + '33'.repeat(32)],
};

/** A signer that refuses: a spec that reaches signing with it fails loudly. */
export const NO_SIGNING: DigestSigner = { sign: () => Promise.reject(new Error('no signing in this test')) };

export interface BitcoinPipeline {
  ledger: LedgerService;
  deps: SignerDeps;
}

export interface BitcoinPipelineOptions {
  wallet?: CustodyWallet;
  signer?: DigestSigner;
  adapters?: ChainAdapter[];
  clock?: Clock;
}

/**
 * The pipeline's dependencies over the real ledger, audit log and outbox of `db`, for BTC
 * (2 confirmations) on one wallet; by default a scripted bitcoin chain and no signing.
 */
export function bitcoinPipeline(db: Database, options: BitcoinPipelineOptions = {}): BitcoinPipeline {
  const wallet = options.wallet ?? UNSIGNED_BTC_WALLET;
  const ledger = new LedgerService(db);
  const deps = createPipelineDeps({
    db,
    ledger,
    audit: new AuditLog(db),
    outbox: { enqueue },
    wallets: { walletFor: async () => wallet },
    signer: options.signer ?? NO_SIGNING,
    adapters: options.adapters ?? [new ScriptedChainAdapter('bitcoin')],
    assets: new AssetRegistry().withAssets([{ code: 'BTC', confirmations: 2 }]),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { ledger, deps };
}

/**
 * Client 'c' (pooled) with `policy` as its BTC default, and alice holding 1 BTC deposited into
 * `walletId`'s custody account: enough for a spec to request withdrawals.
 */
export async function fundAlice(
  { ledger, deps }: BitcoinPipeline,
  walletId: string,
  policy: PolicyInput = OPEN_POLICY,
): Promise<void> {
  await ensureClient(deps.db, { id: 'c', name: 'c', custody: 'pooled' });
  await deps.policies.put({ keyId: 'admin-test', role: 'admin' }, 'BTC', '*', policy);
  const user = await ledger.openAccount({ clientId: 'c', ownerId: 'alice', asset: 'BTC', kind: 'user' });
  const custody = await ledger.openAccount({ clientId: OPERATOR, ownerId: walletId, asset: 'BTC', kind: 'custody' });
  await ledger.transfer({
    id: 'deposit:test:alice',
    debitAccountId: custody.id,
    creditAccountId: user.id,
    amount: BTC,
    code: 'deposit',
  });
}

/** A regtest P2WPKH address, distinct per n. */
export const regtestAddress = (n = 1): string =>
  payments.p2wpkh({ hash: Buffer.alloc(20, n), network: networks.regtest }).address as string;
