import { Psbt } from 'bitcoinjs-lib';
import { bitcoinNetwork, type BitcoinNetworkName } from './bitcoin-network';
import type { CustodyUtxo } from './custody-utxo';

/**
 * An unsigned PSBT spending `inputs` (each with its witness UTXO and witness script, BIP-174) to
 * `outputs` in the given order. Version 2, locktime 0, final sequences: nothing time-locked.
 */
export function buildWithdrawalPsbt(
  inputs: CustodyUtxo[],
  outputs: { script: Buffer; value: bigint }[],
  network: BitcoinNetworkName,
): Psbt {
  const psbt = new Psbt({ network: bitcoinNetwork(network) });
  psbt.setVersion(2);
  psbt.setLocktime(0);
  for (const u of inputs) {
    psbt.addInput({
      hash: u.txid,
      index: u.vout,
      sequence: 0xfffffffd,
      witnessUtxo: { script: Buffer.from(u.script, 'hex'), value: u.value },
      witnessScript: Buffer.from(u.witnessScript, 'hex'),
    });
  }
  for (const o of outputs) psbt.addOutput({ script: o.script, value: o.value });
  return psbt;
}
