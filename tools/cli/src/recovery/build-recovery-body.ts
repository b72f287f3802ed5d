import { changeAccount, custodyDescriptor, type BitcoinNetworkName } from '@strongroom/chains-bitcoin';
import { SWEEPER_FACTORY_ADDRESS } from '@strongroom/chains-ethereum';
import type { Database } from '@strongroom/persistence';
import {
  RECOVERY_FORMAT,
  RECOVERY_VERSION,
  type BitcoinScript,
  type RecoveryBody,
  type RecoveryKey,
  type RecoveryWallet,
} from '@strongroom/recovery';
import type { KeyRegistry, WalletKey } from '@strongroom/keys';
import { toChainWalletView, type WalletRecord } from '@strongroom/wallets';

/** A deposit address as issued (deposits.addresses): what its script or CREATE2 salt was derived from. */
interface AddressRow {
  wallet_id: string;
  asset: string;
  tag: string;
  address: string;
  locator: string;
  derivation: string;
}

const key = (k: WalletKey): RecoveryKey => ({
  position: k.position,
  kmsKeyId: k.kmsKeyId,
  publicKey: k.publicKey,
  ethereumAddress: k.ethereumAddress,
});

function bitcoinScript(w: WalletRecord, kind: BitcoinScript['kind'], account: string, network: BitcoinNetworkName) {
  const d = custodyDescriptor(toChainWalletView(w), account, network);
  return {
    kind,
    account,
    scriptTag: d.tag,
    witnessScript: d.witnessScript,
    scriptPubKey: d.scriptPubKey,
    address: d.address,
    descriptor: d.descriptor,
  };
}

/** The wallet's change script first, then every deposit address, each re-derived and compared with what was issued. */
function bitcoinScripts(w: WalletRecord, rows: AddressRow[], network: BitcoinNetworkName): BitcoinScript[] {
  const scripts = [bitcoinScript(w, 'change', changeAccount(w.id), network)];
  for (const r of rows) {
    const s = bitcoinScript(w, 'deposit', r.tag, network);
    if (s.address !== r.address || s.scriptPubKey !== r.locator.toLowerCase())
      throw new Error(
        `deposit address ${r.address} of wallet ${w.label} does not re-derive from its tag; not exporting`,
      );
    scripts.push(s);
  }
  return scripts;
}

/**
 * Everything needed to move every coin without the database: every wallet of the directory
 * (whatever its tier or status) with its KMS key handles from the key registry, and every
 * address it was ever given. A wallet without key handles cannot be recovered: refused.
 */
export async function buildRecoveryBody(
  db: Database,
  registry: KeyRegistry,
  network: BitcoinNetworkName,
  now = new Date(),
): Promise<RecoveryBody> {
  const records = await registry.directory.list();
  const handles = new Map((await registry.wallets()).map((w) => [w.id, w]));
  const rows = await db.query<AddressRow>(
    'SELECT wallet_id, asset, tag, address, locator, derivation FROM deposits.addresses ORDER BY id',
  );
  const wallets = records.map((w): RecoveryWallet => {
    const h = handles.get(w.id);
    if (!h || h.keys.length !== w.publicKeys.length)
      throw new Error(`wallet ${w.label} has no KMS key handles in the key registry; it could not be recovered`);
    const own = rows.filter((r) => r.wallet_id === w.id);
    return {
      id: w.id,
      label: w.label,
      chain: w.chain,
      tier: w.tier,
      clientId: w.clientId,
      status: w.status,
      threshold: w.threshold,
      keys: h.keys.map(key),
      relayer: h.relayer ? key(h.relayer) : null,
      bitcoin: w.chain === 'bitcoin' ? { network, scripts: bitcoinScripts(w, own, network) } : null,
      ethereum:
        w.chain === 'ethereum'
          ? {
              safeAddress: w.safeAddress ?? null,
              factory: SWEEPER_FACTORY_ADDRESS,
              deposits: own.map((r) => ({
                tag: r.tag,
                asset: r.asset,
                salt: r.locator.toLowerCase(),
                initCodeHash: r.derivation.toLowerCase(),
                address: r.address,
              })),
            }
          : null,
    };
  });
  return { format: RECOVERY_FORMAT, version: RECOVERY_VERSION, createdAt: now.toISOString(), wallets };
}
