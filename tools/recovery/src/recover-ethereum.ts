import { computeAddress, getAddress, type JsonRpcProvider } from 'ethers';
import { ERC20, SAFE, SWEEPER_FACTORY } from './ethereum-abi';
import { execTransaction, sendAs, type SafeCall } from './ethereum-node';
import type { DigestSigner } from './kms-keys';
import { checkKeysInKms } from './recover-bitcoin';
import type { RecoveryFile, RecoveryKey, RecoveryWallet } from './recovery-format';

export interface RecoverEthereumOptions {
  file: RecoveryFile;
  provider: JsonRpcProvider;
  signer: DigestSigner;
  /** The operator's destination: every Safe transaction pays only this address. */
  to: string;
  /** ERC-20 contracts to sweep besides ETH (the file does not list tokens). */
  tokens: string[];
  /** A KMS key id paying gas instead of the wallet's relayer. */
  sender?: string;
  log?: (line: string) => void;
}

export interface EthereumSweep {
  walletId: string;
  /** Deposit addresses swept into the Safe first. */
  deposits: number;
  /** Per asset ('ETH' or the token address): what the Safe paid to `to`. */
  paid: Record<string, bigint>;
}

/** The intent check of each Safe call before its owners sign: ETH to `to`, or one token's transfer to `to`. */
export function checkSafeCall(call: SafeCall, to: string, tokens: string[]): void {
  if (call.data === '0x' && getAddress(call.to) === getAddress(to)) return;
  if (call.value === 0n && tokens.some((t) => getAddress(t) === getAddress(call.to))) {
    const [dest] = ERC20.decodeFunctionData('transfer', call.data) as unknown as [string, bigint];
    if (getAddress(dest) === getAddress(to)) return;
  }
  throw new Error(`a Safe transaction to ${call.to} does not pay only ${to}; refusing to sign`);
}

async function checkSafe(provider: JsonRpcProvider, w: RecoveryWallet, safe: string): Promise<void> {
  const [owners] = SAFE.decodeFunctionResult(
    'getOwners',
    await provider.call({ to: safe, data: SAFE.encodeFunctionData('getOwners') }),
  ) as unknown as [string[]];
  const threshold = BigInt(await provider.call({ to: safe, data: SAFE.encodeFunctionData('getThreshold') }));
  const mine = new Set(w.keys.map((k) => k.ethereumAddress));
  if (threshold !== BigInt(w.threshold) || owners.length !== mine.size || !owners.every((o) => mine.has(getAddress(o))))
    throw new Error(`the Safe ${safe} on chain does not have wallet ${w.label}'s owners and threshold; refusing`);
}

async function balance(provider: JsonRpcProvider, token: string | null, holder: string): Promise<bigint> {
  if (!token) return provider.getBalance(holder);
  return BigInt(await provider.call({ to: token, data: ERC20.encodeFunctionData('balanceOf', [holder]) }));
}

async function senderKey(o: RecoverEthereumOptions, w: RecoveryWallet): Promise<RecoveryKey> {
  if (!o.sender) {
    if (!w.relayer) throw new Error(`wallet ${w.label} has no relayer key; name one with --sender`);
    return w.relayer;
  }
  const publicKey = await o.signer.publicKey(o.sender);
  return { position: 0, kmsKeyId: o.sender, publicKey, ethereumAddress: computeAddress(`0x${publicKey}`) };
}

/** One Ethereum wallet: its deposit addresses swept into the Safe, then every token and the ETH out to `to`. */
async function recoverWallet(
  o: RecoverEthereumOptions,
  w: RecoveryWallet,
  eth: NonNullable<RecoveryWallet['ethereum']>,
  safe: string,
): Promise<EthereumSweep> {
  await checkSafe(o.provider, w, safe);
  await checkKeysInKms(w, o.signer);
  const sender = await senderKey(o, w);
  const funded = [];
  for (const d of eth.deposits)
    for (const t of [null, ...o.tokens])
      if ((await balance(o.provider, t, d.address)) > 0n) {
        funded.push(d);
        break;
      }
  if (funded.length) {
    const data = SWEEPER_FACTORY.encodeFunctionData('sweep', [safe, funded.map((d) => d.salt), o.tokens]);
    o.log?.(`wallet ${w.label}: sweeping ${funded.length} deposit address(es) into ${safe}`);
    await sendAs(o.provider, o.signer, sender, { to: eth.factory, data });
  }
  const paid: Record<string, bigint> = {};
  for (const t of [...o.tokens, null]) {
    const amount = await balance(o.provider, t, safe);
    if (amount === 0n) continue;
    const call: SafeCall = t
      ? { to: t, value: 0n, data: ERC20.encodeFunctionData('transfer', [o.to, amount]) }
      : { to: o.to, value: amount, data: '0x' };
    checkSafeCall(call, o.to, o.tokens);
    const data = await execTransaction(o.provider, o.signer, safe, w.keys, w.threshold, call);
    const txid = await sendAs(o.provider, o.signer, sender, { to: safe, data });
    paid[t ?? 'ETH'] = amount;
    o.log?.(`wallet ${w.label}: ${amount} ${t ?? 'wei'} from the Safe to ${o.to} in ${txid}`);
  }
  return { walletId: w.id, deposits: funded.length, paid };
}

/** Every Ethereum wallet of the verified file that has a Safe. */
export async function recoverEthereum(o: RecoverEthereumOptions): Promise<EthereumSweep[]> {
  const out: EthereumSweep[] = [];
  for (const w of o.file.body.wallets.filter((x) => x.chain === 'ethereum')) {
    const safe = w.ethereum?.safeAddress;
    if (!w.ethereum || !safe) {
      o.log?.(`wallet ${w.label}: no Safe recorded, nothing to move`);
      continue;
    }
    out.push(await recoverWallet(o, w, w.ethereum, getAddress(safe)));
  }
  return out;
}
