import { z } from 'zod';
import { LedgerSequence } from '@strongroom/ledger';
import { AssetCode, BaseUnits, SignedBaseUnits, Timestamp } from '@strongroom/shared-http';

/**
 * The compliance API's answers as they travel in JSON. Amounts are base-unit decimal strings;
 * values (an amount times a price) are exact decimal strings in the quote currency.
 */
const Decimal = z.string().meta({ description: 'An exact decimal string in the quote currency.', example: '6425.017' });
const Hex = z.string().regex(/^[0-9a-f]*$/);

export const ChainTipWire = z
  .object({ chain: z.string(), height: z.number().int(), hash: z.string() })
  .meta({ id: 'ChainTip' });

export const PriceSetWire = z
  .object({
    quote: z.string(),
    prices: z.record(z.string(), z.string()).meta({ description: 'Asset code → price of one whole unit.' }),
    source: z.string(),
    fetchedAt: Timestamp,
  })
  .meta({ id: 'PriceSet' });

export const SnapshotWire = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'complete', 'failed']),
    sequence: LedgerSequence.meta({ description: 'The ledger sequence every balance is read as of.' }),
    takenAt: Timestamp,
    completedAt: Timestamp.nullable(),
    chainTips: z.array(ChainTipWire),
    prices: PriceSetWire,
    requestedBy: z.string(),
    rowsDone: z.number().int(),
    userCount: z.number().int().nullable(),
    totals: z
      .array(z.object({ asset: AssetCode, balance: BaseUnits, value: Decimal.nullable(), users: z.number().int() }))
      .nullable(),
    contentHash: Hex.nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'Snapshot' });

export const SnapshotBalanceWire = z
  .object({
    clientId: z.string(),
    userId: z.string(),
    asset: AssetCode,
    balance: BaseUnits,
    value: Decimal.nullable(),
  })
  .meta({ id: 'SnapshotBalance' });

export const UserHoldingsWire = z
  .object({
    sequence: LedgerSequence,
    asOf: Timestamp,
    prices: PriceSetWire,
    holdings: z
      .array(SnapshotBalanceWire)
      .meta({ description: 'One line per asset the user holds at the sequence (zero balances left out).' }),
    totalValue: Decimal.nullable(),
  })
  .meta({ id: 'UserHoldings' });

const AssetReconciliationWire = z.object({
  asset: AssetCode,
  liabilities: BaseUnits,
  onChain: BaseUnits,
  incoming: BaseUnits,
  outgoing: BaseUnits,
  effective: SignedBaseUnits,
  ledgerCustody: SignedBaseUnits,
  coverage: SignedBaseUnits.meta({ description: 'effective − liabilities: negative is a shortfall.' }),
  status: z.enum(['balanced', 'discrepancy', 'shortfall']),
});

const DifferenceWire = z
  .object({
    asset: AssetCode,
    kind: z.enum(['shortfall', 'custody_mismatch']),
    amount: SignedBaseUnits,
    detail: z.string(),
    accounts: z.array(z.string()),
    addresses: z.array(z.string()),
  })
  .meta({ id: 'ReconciliationDifference' });

export const ReconciliationWire = z
  .object({
    id: z.string(),
    snapshotId: z.string(),
    createdAt: Timestamp,
    status: z.enum(['balanced', 'discrepancy', 'shortfall']),
    assets: z.array(AssetReconciliationWire),
    differences: z.array(DifferenceWire),
  })
  .meta({ id: 'Reconciliation' });

export const ReserveIncidentWire = z
  .object({
    id: z.string(),
    createdAt: Timestamp,
    kind: z.string().meta({ description: '`reserve_shortfall`.' }),
    asset: AssetCode.nullable(),
    reconciliationId: z.string().nullable(),
    detail: z.unknown().meta({ description: 'The difference that raised it.' }),
  })
  .meta({ id: 'ReserveIncident' });

export const SegregationReportWire = z
  .object({
    clientId: z.string(),
    snapshotId: z.string(),
    sequence: LedgerSequence,
    covered: z.boolean(),
    lines: z.array(
      z.object({
        asset: AssetCode,
        balances: BaseUnits.meta({ description: "Σ of the client's user balances at the snapshot." }),
        holdings: BaseUnits.meta({
          description: "Σ held by the client's own custody wallets at the snapshot heights.",
        }),
        covered: z.boolean(),
        addresses: z.array(z.object({ address: z.string(), amount: BaseUnits, walletId: z.string() })),
      }),
    ),
  })
  .meta({ id: 'SegregationReport' });

const AmountMap = z.record(z.string(), BaseUnits).meta({ description: 'Asset code → base units.' });

const LIABILITIES = z.literal('strongroom-proof-of-liabilities');
const SnapshotTime = z.string().meta({ description: 'When the snapshot was taken, `YYYY-MM-DDTHH:MM:SS.sssZ`.' });

/**
 * Both versions of the proof-of-liabilities documents (tools/proof-verifier/src/format.ts,
 * docs/proof-of-liabilities.md): a snapshot published in format 1 keeps answering format 1.
 */
const RootV1 = z.object({
  format: LIABILITIES,
  version: z.literal(1),
  snapshotId: z.string(),
  assets: z.array(AssetCode),
  depth: z.number().int(),
  root: Hex,
  totals: AmountMap,
});
const RootV2 = z.object({
  format: LIABILITIES,
  version: z.literal(2),
  kind: z.literal('root'),
  snapshotId: z.string(),
  snapshotTime: SnapshotTime,
  assets: z.array(AssetCode),
  depth: z.number().int(),
  topHash: Hex.meta({ description: 'The top node hash: with the other fields, anyone can recompute the root.' }),
  totals: AmountMap,
  root: Hex,
  attestations: z
    .array(z.object({ type: z.string() }).catchall(z.unknown()))
    .meta({ description: 'Signatures and anchors of the root, outside what it commits to (none yet).' }),
});

export const PublishedLiabilitiesWire = z
  .discriminatedUnion('version', [RootV1, RootV2])
  .meta({ id: 'PublishedLiabilities' });

const inclusionFields = {
  format: LIABILITIES,
  snapshotId: z.string(),
  assets: z.array(AssetCode),
  root: Hex,
  totals: AmountMap,
  userId: z.string(),
  nonce: Hex,
  balances: AmountMap,
  leafIndex: z.number().int(),
  path: z.array(z.object({ hash: Hex, sums: AmountMap })),
};

export const InclusionProofWire = z
  .discriminatedUnion('version', [
    z.object({ ...inclusionFields, version: z.literal(1) }),
    z.object({ ...inclusionFields, version: z.literal(2), kind: z.literal('inclusion'), snapshotTime: SnapshotTime }),
  ])
  .meta({ id: 'InclusionProof', description: 'Verified by `strongroom proof verify` or the verifier page.' });

export const ProofOfAssetsWire = z
  .object({
    format: z.literal('strongroom-proof-of-assets'),
    version: z.literal(1),
    challenge: z.string(),
    snapshotId: z.string().nullable(),
    chainTips: z.array(ChainTipWire),
    createdAt: Timestamp,
    wallets: z.array(
      z.object({
        walletId: z.string(),
        chain: z.string(),
        threshold: z.number().int(),
        publicKeys: z.array(z.string()),
        digest: Hex,
        signatures: z.array(z.object({ publicKey: z.string(), r: Hex, s: Hex })),
        holdings: z.array(z.object({ address: z.string(), asset: AssetCode, amount: BaseUnits })),
      }),
    ),
  })
  .meta({ id: 'ProofOfAssets', description: 'Verified by `strongroom assets verify`.' });
