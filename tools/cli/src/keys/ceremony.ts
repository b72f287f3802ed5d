import { KmsKeyAdmin, type Wallet, type WalletVerification } from '@strongroom/keys';
import { changeAccount, custodyDescriptor, type BitcoinNetworkName } from '@strongroom/chains-bitcoin';
import type { ChainId } from '@strongroom/shared-types';
import type { WalletTier } from '@strongroom/wallets';
import { multisigDescriptor } from './descriptor';
import type { KeysContext } from './keys-context';

export interface CeremonyOptions {
  chain: ChainId;
  threshold: number;
  keys: number;
  relayer: boolean;
  label?: string;
  /** The client whose own (segregated) wallet this is; absent = the operator's pool. */
  clientId?: string;
  /** Default 'hot'. A cold wallet's keys get their own aliases, description and tags. */
  tier?: WalletTier;
  aliasPrefix: string;
  network?: BitcoinNetworkName;
}

export interface CeremonyResult {
  wallet: Wallet;
  verification: WalletVerification;
}

/**
 * Creates n (+ relayer) secp256k1 keys in KMS, records their public keys in the registry and
 * verifies them against KMS once more. Each key is reported as soon as it exists, so a ceremony
 * that fails half way leaves the operator a list of what was created.
 */
export async function runCeremony(
  ctx: KeysContext,
  o: CeremonyOptions,
  log: (line: string) => void,
): Promise<CeremonyResult> {
  if (o.chain === 'ethereum' && !o.relayer)
    throw new Error(
      'an Ethereum wallet needs a relayer key (it pays gas and submits Safe transactions): add --relayer',
    );
  if (o.chain === 'bitcoin' && o.relayer) throw new Error('a Bitcoin wallet has no relayer key: drop --relayer');
  const label = o.label ?? `${o.chain}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
  if (!/^[a-zA-Z0-9_-]{1,64}$/.test(label))
    throw new Error(`--label may use letters, digits, - and _ (1-64), not ${JSON.stringify(label)}`);
  const tier = o.tier ?? 'hot';
  assertTierKeys(tier, o);
  const admin = new KmsKeyAdmin(ctx.signer.client);
  const create = async (name: string) => {
    const alias = `alias/${o.aliasPrefix}/${tier === 'hot' ? '' : `${tier}/`}${label}/${name}`;
    const keyId = await admin.createSigningKey({
      alias,
      description: `Strongroom ${o.chain} ${tier} wallet ${label}: ${name}${tier === 'cold' ? COLD_NOTE : ''}`,
      tags: { strongroom: label, 'strongroom-tier': tier, 'strongroom-key-policy': tier },
    });
    const pub = await ctx.signer.publicKey(alias);
    log(`  created ${alias}  key ${keyId}  ${o.chain === 'bitcoin' ? pub.compressedHex : pub.ethereumAddress}`);
    return { kmsKeyId: alias, publicKey: pub.compressedHex, ...(pub.keyArn ? { keyArn: pub.keyArn } : {}) };
  };
  log(
    `Creating ${o.keys} ECC_SECG_P256K1 ${tier} key(s) in KMS (${ctx.kms.endpoint ?? `AWS ${ctx.kms.region}`})${o.relayer ? ' and a relayer key' : ''}:`,
  );
  const keys = [];
  for (let i = 1; i <= o.keys; i++) keys.push(await create(`cosigner-${i}`));
  const relayer = o.relayer ? await create('relayer') : undefined;
  const wallet = await ctx.registry.registerWallet({
    chain: o.chain,
    threshold: o.threshold,
    label,
    clientId: o.clientId ?? null,
    tier,
    keys,
    ...(relayer ? { relayer } : {}),
  });
  const verification = await ctx.registry.verifyWallet(wallet.id, ctx.signer);
  return { wallet: await ctx.registry.wallet(wallet.id), verification };
}

/** Marks a cold key in KMS: an operator reading the key list sees it is never signed with automatically. */
const COLD_NOTE = ' (cold: never signed with automatically; each use approved by people)';

/** A cold wallet is a larger key set than one person could hold: at least 2 of 3. */
function assertTierKeys(tier: WalletTier, o: Pick<CeremonyOptions, 'threshold' | 'keys'>): void {
  if (tier === 'warm') throw new Error('--tier warm is not served yet: use hot or cold');
  if (tier === 'cold' && (o.threshold < 2 || o.keys < 3))
    throw new Error(
      `a cold wallet needs at least 2 of 3 keys (e.g. --threshold 3 --keys 5), not ${o.threshold} of ${o.keys}`,
    );
}

/** What the operator writes down and hands on. */
export function formatWallet(w: Wallet, network: BitcoinNetworkName = 'mainnet'): string[] {
  const lines = [
    `Wallet ${w.label} (${w.id})`,
    `  chain: ${w.chain}   tier: ${w.tier}   threshold: ${w.threshold} of ${w.keys.length}   status: ${w.status}${w.statusReason ? ` (${w.statusReason})` : ''}`,
  ];
  if (w.chain === 'bitcoin') {
    lines.push('  cosigner public keys (compressed):');
    for (const k of w.keys) lines.push(`    ${k.position + 1}. ${k.publicKey}  ${k.kmsKeyId}`);
    lines.push('  multisig descriptor:');
    lines.push(
      `    ${multisigDescriptor(
        w.threshold,
        w.keys.map((k) => k.publicKey),
      )}`,
    );
    lines.push(
      '  note: deposit addresses add a per-user tag to this policy — witness script',
      `        <tag> OP_DROP ${w.threshold} <K1> … <K${w.keys.length}> ${w.keys.length} OP_CHECKMULTISIG (keys sorted) — so each user`,
      '        gets a distinct P2WSH address over these same keys. They are derived by the Bitcoin',
      '        chain library; the descriptor above is the untagged policy, for the record.',
    );
    // The change address is the wallet's own first address (withdrawals pay change only there).
    const change = custodyDescriptor(
      { id: w.id, chain: 'bitcoin', threshold: w.threshold, publicKeys: w.keys.map((k) => k.publicKey) },
      changeAccount(w.id),
      network,
    );
    lines.push(
      `  change address (${network}): ${change.address}`,
      `    ${change.derivation}`,
      `    watch-only: ${change.descriptor}`,
    );
  } else {
    lines.push(
      `  Safe owners (threshold ${w.threshold} of ${w.keys.length}), sorted by address as the Safe orders signatures:`,
    );
    for (const k of [...w.keys].sort((a, b) =>
      a.ethereumAddress.toLowerCase().localeCompare(b.ethereumAddress.toLowerCase()),
    )) {
      lines.push(`    ${k.ethereumAddress}  ${k.kmsKeyId}`);
    }
    if (w.relayer)
      lines.push(`  relayer (pays gas, submits execTransaction): ${w.relayer.ethereumAddress}  ${w.relayer.kmsKeyId}`);
  }
  return lines;
}

export function formatVerification(v: WalletVerification, w: Wallet): string[] {
  const head = `${v.usable ? 'OK  ' : 'FAIL'} ${v.label} (${w.chain} ${w.threshold} of ${w.keys.length})`;
  return [head, ...v.keys.filter((k) => !k.ok).map((k) => `       ${k.reason}`)];
}
