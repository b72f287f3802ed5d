import { IntentMismatchError, type UnsignedChainTx } from '@strongroom/chains-core';
import { Psbt, Transaction } from 'bitcoinjs-lib';
import { bitcoinNetwork, type BitcoinNetworkName } from './bitcoin-network';
import { sortedKeys } from './custody-witness-script';
import { inputDigests } from './input-digests';

export interface CpfpIntentContext {
  network: BitcoinNetworkName;
  /** The stuck transaction (hex) whose change output the child must spend. */
  parentRaw: string;
  parentFee: bigint;
  changeScript: string;
  threshold: number;
  publicKeys: string[];
  /** Highest rate the package (parent + child) may pay, sat/vB. */
  maxFeeRate: number;
}

/**
 * Decodes a CPFP child itself and refuses it unless it spends exactly the parent's change output
 * and pays everything back to the same change script (so nothing leaves custody but the fee), the
 * digests are the recomputed ones for this wallet's keys, and the package rate stays under the cap.
 */
export function checkCpfpIntent(unsigned: UnsignedChainTx, ctx: CpfpIntentContext): void {
  let psbt: Psbt;
  try {
    psbt = Psbt.fromBase64(unsigned.payload, { network: bitcoinNetwork(ctx.network) });
  } catch (err) {
    throw new IntentMismatchError(`the CPFP payload is not a PSBT: ${(err as Error).message}`);
  }
  const parent = Transaction.fromHex(ctx.parentRaw);
  const tx = psbt.txInputs;
  if (tx.length !== 1 || Buffer.from(tx[0].hash).reverse().toString('hex') !== parent.getId())
    throw new IntentMismatchError('a CPFP child must spend one output of its parent, nothing else');
  const spent = parent.outs[tx[0].index];
  if (!spent || Buffer.from(spent.script).toString('hex') !== ctx.changeScript)
    throw new IntentMismatchError("a CPFP child may only spend the parent's change output");
  const witnessUtxo = psbt.data.inputs[0].witnessUtxo;
  if (
    !witnessUtxo ||
    witnessUtxo.value !== spent.value ||
    !Buffer.from(witnessUtxo.script).equals(Buffer.from(spent.script))
  )
    throw new IntentMismatchError("the CPFP input does not describe the parent's output");
  const outs = psbt.txOutputs;
  if (outs.length !== 1 || Buffer.from(outs[0].script).toString('hex') !== ctx.changeScript)
    throw new IntentMismatchError('a CPFP child must pay only back to the change script');
  let digests;
  try {
    digests = inputDigests(psbt);
  } catch (err) {
    throw new IntentMismatchError((err as Error).message);
  }
  const wanted = sortedKeys(ctx.publicKeys).map((k) => k.toString('hex'));
  if (digests[0].threshold !== ctx.threshold || digests[0].keys.join() !== wanted.join())
    throw new IntentMismatchError("the CPFP input is not locked by this wallet's keys");
  const expected = digests[0].keys.map((k) => `${k}|${digests[0].digest}`).sort();
  const given = unsigned.digests.map((r) => `${r.publicKey.toLowerCase()}|${r.digest.toLowerCase()}`).sort();
  if (expected.join() !== given.join())
    throw new IntentMismatchError('the digests to sign are not the ones of this CPFP child');
  const fee = spent.value - outs[0].value;
  if (fee !== unsigned.fee)
    throw new IntentMismatchError(`the CPFP fee is ${fee} sat, not the ${unsigned.fee} sat recorded`);
  const childVsize = Math.ceil(
    (psbt.data.globalMap.unsignedTx.toBuffer().length * 4 +
      2 +
      1 +
      1 +
      ctx.threshold * 73 +
      3 +
      digests[0].witnessScript.length) /
      4,
  );
  const cap = BigInt(Math.ceil(ctx.maxFeeRate * (parent.virtualSize() + childVsize)));
  if (fee + ctx.parentFee > cap)
    throw new IntentMismatchError(`the package would pay ${fee + ctx.parentFee} sat, over ${ctx.maxFeeRate} sat/vB`);
}
