import type { ChainId } from '@strongroom/shared-types';
import type { WalletRecord, WalletStatus, WalletTier } from './wallet.types';

/** A row of wallets.wallets as the drivers return it (jsonb may come back as text). */
export interface WalletRow {
  id: string;
  label: string;
  client_id: string | null;
  chain: string;
  tier: string;
  threshold: number | string;
  public_keys: string[] | string;
  safe_address: string | null;
  relayer_address: string | null;
  relayer_public_key: string | null;
  status: string;
  created_at: Date | string;
}

export function toWalletRecord(r: WalletRow): WalletRecord {
  const keys = typeof r.public_keys === 'string' ? (JSON.parse(r.public_keys) as string[]) : r.public_keys;
  return {
    id: r.id,
    label: r.label,
    clientId: r.client_id,
    chain: r.chain as ChainId,
    tier: r.tier as WalletTier,
    threshold: Number(r.threshold),
    publicKeys: keys,
    ...(r.safe_address ? { safeAddress: r.safe_address } : {}),
    ...(r.relayer_address ? { relayerAddress: r.relayer_address } : {}),
    ...(r.relayer_public_key ? { relayerPublicKey: r.relayer_public_key } : {}),
    status: r.status as WalletStatus,
    createdAt: new Date(r.created_at),
  };
}
