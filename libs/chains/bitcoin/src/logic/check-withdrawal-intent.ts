import {
  checkOutputsMatch,
  IntentMismatchError,
  type IntendedOutput,
  type UnsignedChainTx,
} from '@strongroom/chains-core';
import { Psbt } from 'bitcoinjs-lib';
import { bitcoinNetwork, type BitcoinNetworkName } from './bitcoin-network';
import { decodeAddress } from './decode-address';
import { inputDigests } from './input-digests';
import { sortedKeys } from './custody-witness-script';

export interface IntentContext {
  network: BitcoinNetworkName;
  /** The wallet's keys and threshold: every input must be a custody script of exactly these. */
  threshold: number;
  publicKeys: string[];
  /** The wallet's change scriptPubKey (hex): the only output not matched against the batch. */
  changeScript: string;
  /** Highest fee rate the policy allows (sat/vB): a PSBT paying more is refused too. */
  maxFeeRate: number;
}

/**
 * Decodes the PSBT in `unsigned.payload` itself (never trusting side fields) and refuses it unless
 * (1) its outputs, change aside, are exactly the approved outputs (compared as output scripts, so
 * address spelling cannot hide a difference), (2) at most one output pays the wallet's change
 * script, (3) every input is a custody script of this wallet, (4) the digests to be signed are
 * exactly the ones recomputed here, and (5) the fee stays within the fee-rate ceiling.
 * Returns the decoded PSBT for the caller to sign from.
 */
export function checkWithdrawalIntent(unsigned: UnsignedChainTx, approved: IntendedOutput[], ctx: IntentContext): Psbt {
  let psbt: Psbt;
  try {
    psbt = Psbt.fromBase64(unsigned.payload, { network: bitcoinNetwork(ctx.network) });
  } catch (err) {
    throw new IntentMismatchError(`the payload is not a PSBT: ${(err as Error).message}`);
  }
  const approvedAsScripts = approved.map((o) => {
    const decoded = decodeAddress(o.address, ctx.network);
    if (!decoded.ok)
      throw new IntentMismatchError(`approved withdrawal ${o.ref} has an unusable address: ${decoded.reason}`, {
        ref: o.ref,
      });
    return { ...o, address: decoded.script.toString('hex') };
  });
  const outs = psbt.txOutputs;
  const change = outs.filter((o) => Buffer.from(o.script).toString('hex') === ctx.changeScript);
  if (change.length > 1) throw new IntentMismatchError('the transaction pays change more than once');
  const paid = outs
    .filter((o) => Buffer.from(o.script).toString('hex') !== ctx.changeScript)
    .map((o) => ({ address: Buffer.from(o.script).toString('hex'), asset: 'BTC' as const, amount: o.value }));
  checkOutputsMatch(paid, approvedAsScripts);

  let digests;
  try {
    digests = inputDigests(psbt);
  } catch (err) {
    throw new IntentMismatchError((err as Error).message);
  }
  const wanted = sortedKeys(ctx.publicKeys).map((k) => k.toString('hex'));
  for (const d of digests) {
    if (d.threshold !== ctx.threshold || d.keys.join() !== wanted.join()) {
      throw new IntentMismatchError(
        `input ${d.input} is not locked by this wallet's ${ctx.threshold}-of-${wanted.length} keys`,
      );
    }
  }
  const expected = digests.flatMap((d) => d.keys.map((k) => `${k}|${d.digest}`)).sort();
  const given = unsigned.digests.map((r) => `${r.publicKey.toLowerCase()}|${r.digest.toLowerCase()}`).sort();
  if (expected.join() !== given.join())
    throw new IntentMismatchError('the digests to sign are not the ones of this transaction');

  const inValue = psbt.data.inputs.reduce((a, i) => a + (i.witnessUtxo?.value ?? 0n), 0n);
  const outValue = outs.reduce((a, o) => a + o.value, 0n);
  const fee = inValue - outValue;
  // Upper bound of the final size: unsigned size plus worst-case witnesses.
  const vbytes = BigInt(
    Math.ceil(
      estimateVsize(
        psbt,
        digests.map((d) => ({ threshold: d.threshold, scriptLength: d.witnessScript.length })),
      ),
    ),
  );
  if (fee < 0n) throw new IntentMismatchError('the outputs exceed the inputs');
  // Coin selection may leave a below-dust remainder to the fee instead of making change.
  if (fee > (BigInt(Math.ceil(ctx.maxFeeRate * 1000)) * vbytes) / 1000n + REMAINDER_SLACK) {
    throw new IntentMismatchError(`the fee ${fee} sat exceeds ${ctx.maxFeeRate} sat/vB over ${vbytes} vB`, {
      fee: fee.toString(),
    });
  }
  if (fee !== unsigned.fee)
    throw new IntentMismatchError(`the fee is ${fee} sat, not the ${unsigned.fee} sat recorded`, {
      fee: fee.toString(),
    });
  return psbt;
}

const REMAINDER_SLACK = 1000n;

function estimateVsize(psbt: Psbt, inputs: { threshold: number; scriptLength: number }[]): number {
  const base = psbt.data.globalMap.unsignedTx.toBuffer().length;
  const witness = 2 + inputs.reduce((a, i) => a + 1 + 1 + i.threshold * 73 + 3 + i.scriptLength, 0);
  return (base * 4 + witness) / 4;
}
