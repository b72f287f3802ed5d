import { createHash } from 'node:crypto';
import { Block } from 'bitcoinjs-lib';
import type { ScriptSet } from './script-set';

export interface ScannedOutput {
  txid: string;
  vout: number;
  script: string;
  value: bigint;
}

export interface ScannedSpend {
  /** The spending transaction and input position. */
  txid: string;
  vin: number;
  /** The outpoint spent, as `spentKey` renders it. */
  outpoint: string;
}

export interface ScannedBlock {
  hash: string;
  parentHash: string;
  time: number;
  txCount: number;
  outputs: ScannedOutput[];
  spends: ScannedSpend[];
}

/** Outpoint key in internal byte order (no reversal per input scanned): `<hash hex>:<index>`. */
export function spentKey(internalHash: Uint8Array, index: number): string {
  return `${Buffer.from(internalHash.buffer, internalHash.byteOffset, 32).toString('hex')}:${index}`;
}

const reversedHex = (b: Uint8Array) => Buffer.from(b).reverse().toString('hex');

/**
 * Parses a raw block (bitcoinjs-lib) and keeps only what touches custody: outputs whose script is
 * watched, and inputs spending a tracked custody outpoint. Txids are computed only for
 * transactions that matched, which is what keeps a 2,000-transaction block cheap.
 */
export function scanBlock(raw: Buffer, watched: ScriptSet, trackedOutpoints: { readonly size: number; has(key: string): boolean }): ScannedBlock {
  const block = Block.fromBuffer(raw);
  const header = raw.subarray(0, 80);
  const hash = reversedHex(createHash('sha256').update(createHash('sha256').update(header).digest()).digest());
  const outputs: ScannedOutput[] = [];
  const spends: ScannedSpend[] = [];
  for (const tx of block.transactions ?? []) {
    let txid: string | undefined;
    const id = () => (txid ??= tx.getId());
    if (trackedOutpoints.size > 0 && !tx.isCoinbase()) {
      tx.ins.forEach((input, vin) => {
        const key = spentKey(input.hash, input.index);
        if (trackedOutpoints.has(key)) spends.push({ txid: id(), vin, outpoint: key });
      });
    }
    tx.outs.forEach((out, vout) => {
      if (watched.has(out.script)) outputs.push({ txid: id(), vout, script: Buffer.from(out.script).toString('hex'), value: out.value });
    });
  }
  return {
    hash,
    parentHash: reversedHex(header.subarray(4, 36)),
    time: header.readUInt32LE(68),
    txCount: block.transactions?.length ?? 0,
    outputs,
    spends,
  };
}
