import { Psbt } from 'bitcoinjs-lib';
import { BitcoinRpc, type UtxoSource } from './bitcoin-node';
import { buildSweep, checkSweep, signSweep, type CheckedSweep, type SweepIntent } from './bitcoin-sweep';
import type { DigestSigner } from './kms-keys';
import type { RecoveryFile, RecoveryWallet } from './recovery-format';

/** A written, unsigned sweep per wallet: inspected offline, then signed by a later run with the same intent. */
export interface SweepPlan {
  walletId: string;
  psbt: string;
}

export interface WalletSweep extends CheckedSweep {
  walletId: string;
  label: string;
  psbt: string;
  txid?: string;
}

export interface RecoverBitcoinOptions {
  file: RecoveryFile;
  rpc: BitcoinRpc;
  source: UtxoSource;
  signer: DigestSigner;
  intent: SweepIntent;
  /** Sign these plans (from `--plan-out`) instead of building new sweeps. */
  plans?: SweepPlan[];
  /** Build and check only; sign nothing. */
  planOnly?: boolean;
  log?: (line: string) => void;
}

/** Every key of the wallet as KMS holds it must be the file's: the operator's keys are the root of trust. */
export async function checkKeysInKms(w: RecoveryWallet, signer: DigestSigner): Promise<void> {
  for (const k of w.keys) {
    const pub = await signer.publicKey(k.kmsKeyId);
    if (pub !== k.publicKey)
      throw new Error(`wallet ${w.label}: KMS key ${k.kmsKeyId} is ${pub}, the file says ${k.publicKey}; refusing`);
  }
}

async function sweepFor(o: RecoverBitcoinOptions, w: RecoveryWallet): Promise<Psbt | null> {
  if (o.plans) {
    const plan = o.plans.find((p) => p.walletId === w.id);
    return plan ? Psbt.fromBase64(plan.psbt) : null;
  }
  const coins = await o.source.unspent(w.bitcoin?.scripts ?? []);
  o.log?.(`wallet ${w.label}: ${coins.length} unspent output(s) found by ${o.source.name}`);
  return coins.length ? buildSweep(w, coins, o.intent) : null;
}

/**
 * Per Bitcoin wallet of the verified file: find its coins (or take its plan), run the intent
 * check, and unless only planning check the keys against KMS, sign and broadcast.
 */
export async function recoverBitcoin(o: RecoverBitcoinOptions): Promise<WalletSweep[]> {
  const out: WalletSweep[] = [];
  if (o.plans)
    for (const p of o.plans)
      if (!o.file.body.wallets.some((w) => w.id === p.walletId && w.chain === 'bitcoin'))
        throw new Error(`the plan names wallet ${p.walletId}, which is not a Bitcoin wallet of the file`);
  for (const w of o.file.body.wallets.filter((x) => x.chain === 'bitcoin')) {
    const psbt = await sweepFor(o, w);
    if (!psbt) continue;
    const checked = checkSweep(w, psbt, o.intent);
    const sweep: WalletSweep = { walletId: w.id, label: w.label, psbt: psbt.toBase64(), ...checked };
    o.log?.(
      `wallet ${w.label}: ${checked.inputs} input(s), ${checked.total} sat, fee ${checked.fee} sat, ${checked.amount} sat to ${o.intent.to}`,
    );
    if (!o.planOnly) {
      await checkKeysInKms(w, o.signer);
      const tx = await signSweep(w, psbt, o.signer);
      sweep.txid = await o.rpc.call<string>('sendrawtransaction', [tx.toHex()]);
      o.log?.(`wallet ${w.label}: broadcast ${sweep.txid}`);
    }
    out.push(sweep);
  }
  return out;
}
