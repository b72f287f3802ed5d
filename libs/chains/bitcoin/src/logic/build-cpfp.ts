import { ChainErrors } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { Psbt, Transaction } from 'bitcoinjs-lib';
import { bitcoinNetwork, type BitcoinNetworkName } from './bitcoin-network';
import { custodyInputWeight } from './custody-input-weight';
import { dustThreshold } from './dust-threshold';

export interface CpfpPlan {
  psbt: Psbt;
  /** The child's own fee (sat): what it adds to make the package reach the target rate. */
  fee: bigint;
  /** The parent's output the child spends. */
  vout: number;
}

/**
 * Child-pays-for-parent: one input (the parent's change output to our change script), one output
 * (back to the same change script), paying `feeRate` sat/vB over parent and child together minus
 * what the parent already pays. Works on any node (bcoin included), unlike BIP-125 replacement.
 */
export function buildCpfp(
  parentRaw: string,
  parentFee: bigint,
  change: { script: Buffer; witnessScript: Buffer; threshold: number },
  feeRate: number,
  network: BitcoinNetworkName,
): CpfpPlan {
  const parent = Transaction.fromHex(parentRaw);
  const vout = parent.outs.findIndex((o) => Buffer.from(o.script).equals(change.script));
  if (vout < 0)
    throw domainError(
      ChainErrors['bitcoin.cpfp_no_change'],
      `transaction ${parent.getId()} has no change output to bump from`,
      { txid: parent.getId() },
    );
  const value = parent.outs[vout].value;
  // Child: version, locktime, counts, one output (8 + 1 + 34), marker/flag; plus the input's weight.
  const childWeight =
    4 * (4 + 4 + 1 + 1 + 8 + 1 + change.script.length) +
    2 +
    custodyInputWeight(change.threshold, change.witnessScript.length);
  const packageVsize = parent.virtualSize() + Math.ceil(childWeight / 4);
  const fee = BigInt(Math.ceil(feeRate * packageVsize)) - parentFee;
  if (fee <= 0n)
    throw domainError(
      ChainErrors['bitcoin.cpfp_not_needed'],
      `the parent already pays ${parentFee} sat, at least ${feeRate} sat/vB for the package`,
      {},
    );
  if (value - fee < BigInt(dustThreshold(change.script))) {
    throw domainError(
      ChainErrors['bitcoin.cpfp_change_too_small'],
      `the change output holds ${value} sat, not enough for a ${fee} sat child`,
      { value: value.toString(), fee: fee.toString() },
    );
  }
  const psbt = new Psbt({ network: bitcoinNetwork(network) });
  psbt.setVersion(2);
  psbt.setLocktime(0);
  psbt.addInput({
    hash: parent.getId(),
    index: vout,
    sequence: 0xfffffffd,
    witnessUtxo: { script: change.script, value },
    witnessScript: change.witnessScript,
  });
  psbt.addOutput({ script: change.script, value: value - fee });
  return { psbt, fee, vout };
}
