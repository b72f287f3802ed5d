import { z } from 'zod';
import { AssetCode, BaseUnits, Timestamp } from '@strongroom/shared-http';
import { CHAIN_IDS, type ChainId } from '@strongroom/shared-types';
import { DEPOSIT_STATES, type DepositState } from '../deposits.types';

// The JSON forms of the deposits context's read models (deposits.types.ts): bigint amounts as
// base-unit strings, dates as RFC 3339.

export const ChainWire = z.enum(CHAIN_IDS as [ChainId, ...ChainId[]]).meta({ id: 'Chain' });

export const DepositAddressWire = z
  .object({
    id: z.string(),
    chain: ChainWire,
    asset: AssetCode,
    clientId: z.string(),
    userId: z.string(),
    index: z.number().int().meta({ description: 'The n-th address of this (client, user, asset), from 0.' }),
    walletId: z.string().meta({ description: 'The custody wallet it derives from.' }),
    tag: z.string().meta({ description: 'The derivation tag `<clientId>/<userId>/<asset>/<index>`.' }),
    address: z.string(),
    locator: z.string().meta({ description: 'Bitcoin: the scriptPubKey (hex); Ethereum: the CREATE2 salt.' }),
    derivation: z.string().meta({ description: 'Bitcoin: the witness script; Ethereum: the init code hash.' }),
    createdAt: Timestamp,
  })
  .meta({ id: 'DepositAddress' });

export const DepositWire = z
  .object({
    id: z.string().meta({ description: '`<chain>:<txid>:<index>`, the deposit’s identity.' }),
    chain: ChainWire,
    txid: z.string(),
    index: z.string().meta({ description: 'Output index (Bitcoin) or log/trace position (Ethereum).' }),
    address: z.string(),
    clientId: z.string(),
    userId: z.string(),
    asset: AssetCode,
    amount: BaseUnits,
    state: z.enum(DEPOSIT_STATES as [DepositState, ...DepositState[]]).meta({
      id: 'DepositState',
      description:
        '`seen` (mempool), `confirming` (mined, not deep enough), `credited`, `dropped` (gone before crediting), ' +
        '`reversed` (a reorg removed it after crediting).',
    }),
    blockHeight: z.number().int().nullable(),
    blockHash: z.string().nullable(),
    confirmations: z.number().int(),
    requiredConfirmations: z.number().int(),
    orphaned: z.boolean().meta({ description: 'A reorg took its block away and the follower has not decided yet.' }),
    credits: z.number().int(),
    reversals: z.number().int(),
    firstSeenAt: Timestamp,
    updatedAt: Timestamp,
    creditedAt: Timestamp.nullable(),
    reversedAt: Timestamp.nullable(),
    droppedAt: Timestamp.nullable(),
    dropReason: z.enum(['reorged', 'vanished']).nullable(),
    seq: z.string().meta({ description: 'Position in the deposit log (the order of the list).' }),
  })
  .meta({ id: 'Deposit' });

export const IncidentWire = z
  .object({
    id: z.string(),
    kind: z.enum(['credited_deposit_reorged']),
    chain: ChainWire,
    depositId: z.string(),
    clientId: z.string(),
    userId: z.string(),
    asset: AssetCode,
    amount: BaseUnits,
    recovered: BaseUnits.meta({ description: 'Taken back from the user’s balance.' }),
    shortfall: BaseUnits.meta({
      description: 'What the user’s balance could not cover (the client’s incident account).',
    }),
    detail: z.record(z.string(), z.unknown()),
    createdAt: Timestamp,
    resolvedAt: Timestamp.nullable(),
  })
  .meta({ id: 'Incident' });

export const CustodyWalletWire = z
  .object({
    id: z.string(),
    chain: ChainWire,
    clientId: z.string().nullable().meta({ description: 'null: the operator’s shared wallet; else the client’s own.' }),
    threshold: z.number().int(),
    publicKeys: z.array(z.string()),
    safeAddress: z.string().optional(),
    relayerAddress: z.string().optional(),
  })
  .meta({ id: 'CustodyWallet' });
