import { z } from 'zod';
import { AssetCode, BaseUnits, Timestamp } from '@strongroom/shared-http';
import { CHAIN_IDS } from '@strongroom/shared-types';

export const SWEEP_STATUSES = ['signing', 'signed', 'broadcast', 'settled', 'failed'] as const;

const ChainId = z.enum(CHAIN_IDS as unknown as [string, ...string[]]);

/** A sweep as the API answers it (the JSON form of `Sweep`). */
export const SweepWire = z
  .object({
    id: z.string(),
    chain: ChainId,
    walletId: z.string(),
    status: z.enum(SWEEP_STATUSES).meta({ id: 'SweepStatus' }),
    addresses: z.array(z.string()).meta({ description: 'The deposit addresses swept, in call order.' }),
    tokens: z.array(z.string()).meta({ description: 'The assets whose tokens the sweep moves.' }),
    txid: z.string().nullable(),
    previousTxids: z.array(z.string()).meta({ description: 'Transactions this one replaced (fee bumps).' }),
    nonce: z.string().meta({ description: 'The relayer nonce, as a decimal string.' }),
    fee: BaseUnits.nullable().meta({
      description: 'Gas paid in base units of `feeAsset` once mined (fee expense out of the relayer’s gas budget).',
    }),
    feeAsset: AssetCode.nullable(),
    minedHeight: z.number().int().nullable(),
    swept: z.array(
      z.object({
        address: z.string(),
        asset: AssetCode,
        amount: BaseUnits,
        display: z.object({ amount: z.string() }),
      }),
    ),
    display: z
      .object({ fee: z.string().nullable() })
      .meta({ description: 'The fee in asset units with the code, for people only; never input.' }),
    failure: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Sweep' });
