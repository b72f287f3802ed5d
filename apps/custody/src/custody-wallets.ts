import type { CustodyWallet } from '@strongroom/chains-core';
import { EthereumAdapter, setupEthereumCustody, type DevChain } from '@strongroom/chains-ethereum';
import { KeyRegistry, KmsKeyAdmin, KmsSigner, type Wallet, type WalletKeyInput } from '@strongroom/keys';
import type { Database } from '@strongroom/persistence';
import type { ChainId } from '@strongroom/shared-types';
import { AuditLog } from '@strongroom/audit';
import { toChainWalletView, type WalletDirectory } from '@strongroom/wallets';

/** 2-of-3 on each chain, as the embedded default's ceremony makes them. */
export const THRESHOLD = 2;
export const COSIGNERS = 3;
const SAFE_SALT_NONCE = 1n;
const ALIAS_PREFIX = 'alias/strongroom';

export interface CustodySetup {
  bitcoin: { wallet: Wallet; custody: CustodyWallet };
  ethereum: { wallet: Wallet; custody: CustodyWallet; safe: string };
  /** What was created this start (empty on a plain restart). */
  created: string[];
}

/**
 * Makes sure both custody wallets exist and are sound, creating what is missing:
 * - the key ceremony through KMS (kms-local here): 3 cosigners per chain and an Ethereum relayer,
 *   recorded in the key registry and, as the operator's pooled wallets (labels `bitcoin` and
 *   `ethereum`), in the wallet directory deposits and withdrawals both serve from;
 * - the Safe v1.4.1 contracts and the custody Safe on anvil, deployed by the relayer key, its
 *   address then recorded in the wallet directory.
 * Every key is then verified against KMS. A first start that died half way resumes: keys whose
 * alias already exists in KMS are reused (they can only come from this data directory's
 * kms-local), a Safe already at its deterministic address is not deployed again.
 */
export async function ensureCustodyWallets(
  db: Database,
  kms: KmsSigner,
  chains: { ethereum: EthereumAdapter; anvil: DevChain },
  log: (line: string) => void,
): Promise<CustodySetup> {
  const registry = new KeyRegistry(db, new AuditLog(db));
  const directory = registry.directory;
  const created: string[] = [];

  const btcWallet = (await findWallet(registry, 'bitcoin')) ?? (await ceremony(registry, kms, 'bitcoin', log, created));
  const ethWallet =
    (await findWallet(registry, 'ethereum')) ?? (await ceremony(registry, kms, 'ethereum', log, created));

  const verdicts = await registry.verifyAll(kms);
  const bad = verdicts.filter((v) => !v.usable);
  if (bad.length > 0) {
    throw new Error(
      `custody keys do not match KMS, signing is refused: ${bad.map((b) => `${b.label}: ${b.reason ?? 'unusable'}`).join('; ')}`,
    );
  }
  log(`keys            ${verdicts.length} wallet(s) verified against KMS (${verdicts.map((v) => v.label).join(', ')})`);

  const btcCustody = await toCustody(directory, btcWallet);
  const ethCustody = await toCustody(directory, ethWallet);

  // Ethereum: the Safe contracts (idempotent; code hashes checked) and the custody Safe.
  await chains.ethereum.ensureDeployment();
  const predicted = (await chains.ethereum.predictSafe(ethCustody, SAFE_SALT_NONCE)).address;
  const code = await chains.anvil.rpc<string>('eth_getCode', [predicted, 'latest']);
  const relayer = ethWallet.relayer;
  if (!relayer) throw new Error(`ethereum wallet ${ethWallet.id} has no relayer key`);
  if (code === '0x') {
    if (ethCustody.safeAddress)
      log(
        `WARNING: the custody Safe ${predicted} is missing from the anvil chain (its state was lost); deploying it again at the same address — ETH it held is gone`,
      );
    const setup = await setupEthereumCustody(chains.anvil, kms, {
      owners: ethWallet.keys.map((k) => k.kmsKeyId),
      relayer: relayer.kmsKeyId,
      threshold: ethWallet.threshold,
    });
    if (setup.safe.toLowerCase() !== predicted.toLowerCase())
      throw new Error(`the Safe landed at ${setup.safe}, expected ${predicted}`);
    created.push(`Safe ${predicted} (${THRESHOLD}-of-${COSIGNERS})`);
    log(
      `ethereum        custody Safe deployed at ${predicted}; relayer ${relayer.ethereumAddress} funded with 100 ETH`,
    );
  }
  const state = await chains.ethereum.safeState(predicted);
  const owners = chains.ethereum
    .owners(ethCustody)
    .map((a) => a.toLowerCase())
    .sort();
  if (
    state.threshold !== ethWallet.threshold ||
    JSON.stringify(state.owners.map((a) => a.toLowerCase()).sort()) !== JSON.stringify(owners)
  ) {
    throw new Error(`the Safe at ${predicted} does not have the wallet's owners and threshold`);
  }
  ethCustody.safeAddress = predicted;
  chains.ethereum.registerWallet(ethCustody);

  // The Safe completes the directory's record (idempotent; a different Safe under the id is a conflict).
  const before = (await directory.walletById(ethWallet.id))?.safeAddress;
  await directory.register({ ...ethCustody, clientId: ethWallet.clientId, tier: ethWallet.tier });
  if (!before) created.push(`ethereum custody Safe ${predicted} recorded in the wallet directory`);
  return {
    bitcoin: { wallet: btcWallet, custody: btcCustody },
    ethereum: { wallet: ethWallet, custody: ethCustody, safe: predicted },
    created,
  };
}

async function findWallet(registry: KeyRegistry, label: ChainId): Promise<Wallet | undefined> {
  return (await registry.wallets()).find((w) => w.label === label);
}

/** The wallet as the directory records it (what deposits and withdrawals both use). */
async function toCustody(directory: WalletDirectory, w: Wallet): Promise<CustodyWallet> {
  const record = await directory.walletById(w.id);
  if (!record) throw new Error(`wallet ${w.label} (${w.id}) is in the key registry but not in the wallet directory`);
  return toChainWalletView(record);
}

async function ceremony(
  registry: KeyRegistry,
  kms: KmsSigner,
  chain: ChainId,
  log: (line: string) => void,
  created: string[],
): Promise<Wallet> {
  const admin = new KmsKeyAdmin(kms.client);
  const key = async (name: string): Promise<WalletKeyInput> => {
    const alias = `${ALIAS_PREFIX}/${chain}/${name}`;
    // An alias left by an interrupted first start is reused rather than orphaned.
    const existing = await kms.publicKey(alias, { refresh: true }).catch(() => null);
    if (!existing)
      await admin.createSigningKey({
        alias,
        description: `Strongroom ${chain} custody: ${name}`,
        tags: { strongroom: chain },
      });
    const pub = existing ?? (await kms.publicKey(alias, { refresh: true }));
    return { kmsKeyId: alias, publicKey: pub.compressedHex, ...(pub.keyArn ? { keyArn: pub.keyArn } : {}) };
  };
  const keys: WalletKeyInput[] = [];
  for (let i = 1; i <= COSIGNERS; i++) keys.push(await key(`cosigner-${i}`));
  const relayer = chain === 'ethereum' ? await key('relayer') : undefined;
  const wallet = await registry.registerWallet({
    label: chain,
    chain,
    threshold: THRESHOLD,
    keys,
    ...(relayer ? { relayer } : {}),
  });
  created.push(`${chain} wallet ${wallet.id}: ${THRESHOLD}-of-${COSIGNERS} KMS keys${relayer ? ' + relayer' : ''}`);
  log(
    `key ceremony    ${chain}: ${THRESHOLD}-of-${COSIGNERS} in KMS under ${ALIAS_PREFIX}/${chain}/…${relayer ? ' + relayer' : ''} → wallet ${wallet.id}`,
  );
  return registry.wallet(wallet.id);
}
