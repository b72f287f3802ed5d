import { Psbt, Transaction, address as baddress, script as bscript } from 'bitcoinjs-lib';
import { custodyInputWeight, networkOf } from './bitcoin-scripts';
import type { Unspent } from './bitcoin-node';
import type { DigestSigner } from './kms-keys';
import type { BitcoinScript, RecoveryWallet } from './recovery-format';

/** What the operator decided, given on every run: the one destination and the fee ceiling. */
export interface SweepIntent {
  to: string;
  /** sat/vB: the plan's fee rate, and the most a plan may pay when signed. */
  feeRate: number;
}

export interface CheckedSweep {
  inputs: number;
  total: bigint;
  fee: bigint;
  amount: bigint;
  vsize: number;
}

function bitcoinOf(w: RecoveryWallet): NonNullable<RecoveryWallet['bitcoin']> {
  if (!w.bitcoin) throw new Error(`wallet ${w.label} is not a Bitcoin wallet`);
  return w.bitcoin;
}
const scriptsOf = (w: RecoveryWallet): BitcoinScript[] => bitcoinOf(w).scripts;

function estimateVsize(w: RecoveryWallet, scripts: BitcoinScript[]): number {
  // Version, locktime, counts (≤ 3 bytes for inputs), segwit marker, one P2WSH/P2TR-sized output.
  let weight = 4 * (4 + 4 + 3 + 1 + 43) + 2;
  for (const s of scripts) weight += custodyInputWeight(w.threshold, s.witnessScript.length / 2);
  return Math.ceil(weight / 4);
}

/** One transaction spending every coin of the wallet to `to`, the fee at `feeRate` on the worst-case size. */
export function buildSweep(w: RecoveryWallet, coins: Unspent[], intent: SweepIntent): Psbt {
  const network = networkOf(bitcoinOf(w).network);
  const byScript = new Map(scriptsOf(w).map((s) => [s.scriptPubKey, s]));
  const psbt = new Psbt({ network });
  const used: BitcoinScript[] = [];
  for (const c of coins) {
    const s = byScript.get(c.scriptPubKey);
    if (!s) throw new Error(`coin ${c.txid}:${c.vout} is not held by wallet ${w.label}`);
    psbt.addInput({
      hash: c.txid,
      index: c.vout,
      sequence: 0xfffffffd,
      witnessUtxo: { script: Buffer.from(c.scriptPubKey, 'hex'), value: c.value },
      witnessScript: Buffer.from(s.witnessScript, 'hex'),
    });
    used.push(s);
  }
  const total = coins.reduce((sum, c) => sum + c.value, 0n);
  const fee = BigInt(Math.ceil(intent.feeRate * estimateVsize(w, used)));
  if (total - fee < 546n) throw new Error(`wallet ${w.label}: ${total} sat cannot pay a fee of ${fee} sat`);
  psbt.addOutput({ script: baddress.toOutputScript(intent.to, network), value: total - fee });
  return psbt;
}

/**
 * The intent check, run on every plan before any KMS call: one output paying exactly the
 * operator's address, every input a script of this wallet in the verified file (its witness
 * script the file's), and a fee no higher than the operator's rate on the worst-case size.
 */
export function checkSweep(w: RecoveryWallet, psbt: Psbt, intent: SweepIntent): CheckedSweep {
  const network = networkOf(bitcoinOf(w).network);
  const expected = Buffer.from(baddress.toOutputScript(intent.to, network));
  const tx = Transaction.fromBuffer(psbt.data.globalMap.unsignedTx.toBuffer());
  if (tx.outs.length !== 1 || !Buffer.from(tx.outs[0].script).equals(expected))
    throw new Error(`the sweep does not pay only the address the operator gave (${intent.to}); refusing to sign`);
  const byScript = new Map(scriptsOf(w).map((s) => [s.scriptPubKey, s]));
  const used: BitcoinScript[] = [];
  let total = 0n;
  psbt.data.inputs.forEach((input, i) => {
    const spk = input.witnessUtxo ? Buffer.from(input.witnessUtxo.script).toString('hex') : '';
    const s = byScript.get(spk);
    if (
      !s ||
      !input.witnessUtxo ||
      !input.witnessScript ||
      Buffer.from(input.witnessScript).toString('hex') !== s.witnessScript
    )
      throw new Error(`input ${i} is not a script of wallet ${w.label} in the recovery file`);
    total += input.witnessUtxo.value;
    used.push(s);
  });
  const amount = tx.outs[0].value;
  const fee = total - amount;
  const vsize = estimateVsize(w, used);
  if (fee < 0n || fee > BigInt(Math.ceil(intent.feeRate * vsize)))
    throw new Error(`the sweep pays a fee of ${fee} sat, above ${intent.feeRate} sat/vB on ${vsize} vB; refusing`);
  return { inputs: used.length, total, fee, amount, vsize };
}

/** Signs every input with the first `threshold` keys (in script order) through KMS and assembles the witnesses. */
export async function signSweep(w: RecoveryWallet, psbt: Psbt, signer: DigestSigner): Promise<Transaction> {
  const tx = Transaction.fromBuffer(psbt.data.globalMap.unsignedTx.toBuffer());
  const keys = [...w.keys].sort((a, b) =>
    Buffer.compare(Buffer.from(a.publicKey, 'hex'), Buffer.from(b.publicKey, 'hex')),
  );
  for (let i = 0; i < psbt.data.inputs.length; i++) {
    const { witnessUtxo, witnessScript } = psbt.data.inputs[i];
    if (!witnessUtxo || !witnessScript) throw new Error(`input ${i} lacks its witness UTXO or script`);
    const ws = Buffer.from(witnessScript);
    const digest = Buffer.from(tx.hashForWitnessV0(i, ws, witnessUtxo.value, Transaction.SIGHASH_ALL));
    const sigs: Buffer[] = [];
    for (const k of keys) {
      if (sigs.length === w.threshold) break;
      try {
        const { r, s } = await signer.sign(k.kmsKeyId, k.publicKey, digest);
        sigs.push(Buffer.from(bscript.signature.encode(Buffer.from(r + s, 'hex'), Transaction.SIGHASH_ALL)));
      } catch (err) {
        console.error(`key ${k.position} (${k.kmsKeyId}) did not sign input ${i}: ${(err as Error).message}`);
      }
    }
    if (sigs.length < w.threshold)
      throw new Error(`input ${i}: ${sigs.length} signature(s) of the ${w.threshold} wallet ${w.label} needs`);
    tx.setWitness(i, [Buffer.alloc(0), ...sigs, ws]);
  }
  return tx;
}
