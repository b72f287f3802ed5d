import { secp256k1 } from '@noble/curves/secp256k1';
import type { CustodyWallet } from '@strongroom/chains-core';
import { loadBcoin } from '@strongroom/local-services/bitcoin/bcoin';
import { createHash } from 'node:crypto';
import { custodyDescriptor } from './custody-descriptor';
import { custodyWitnessScript } from './custody-witness-script';
import { scriptTag } from './script-tag';
import { deriveCustodyAddress } from './derive-custody-address';
import { descriptorChecksum } from './descriptor-checksum';
import { parseCustodyWitnessScript } from './parse-custody-witness-script';

const key = (i: number) =>
  Buffer.from(secp256k1.getPublicKey(createHash('sha256').update(`k${i}`).digest(), true)).toString('hex');
const wallet: CustodyWallet = { id: 'w1', chain: 'bitcoin', threshold: 2, publicKeys: [key(1), key(2), key(3)] };

describe('custody addresses', () => {
  it('builds <tag> OP_DROP m <sorted keys> n OP_CHECKMULTISIG', () => {
    const tag = scriptTag('c1/u1/BTC/0');
    const script = custodyWitnessScript(tag, 2, [key(3), key(1), key(2)]);
    const sorted = [key(1), key(2), key(3)].sort();
    expect(script.toString('hex')).toBe(`14${tag.toString('hex')}7552${sorted.map((k) => `21${k}`).join('')}53ae`);
    expect(parseCustodyWitnessScript(script)).toEqual({
      tag,
      threshold: 2,
      keys: sorted.map((k) => Buffer.from(k, 'hex')),
    });
  });

  it('derives the tag by the documented rule', () => {
    const account = 'c1/u1/BTC/7';
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from('strongroom/btc-deposit-tag/v1'), Buffer.from([0]), Buffer.from(account)]))
      .digest()
      .subarray(0, 20);
    expect(scriptTag(account)).toEqual(expected);
  });

  it('is deterministic, independent of key order, and distinct per account', () => {
    const a = deriveCustodyAddress(wallet, 'c1/u1/BTC/0', 'regtest');
    const again = deriveCustodyAddress(
      { ...wallet, publicKeys: [...wallet.publicKeys].reverse() },
      'c1/u1/BTC/0',
      'regtest',
    );
    const other = deriveCustodyAddress(wallet, 'c1/u2/BTC/0', 'regtest');
    expect(again).toEqual(a);
    expect(other.address).not.toBe(a.address);
    expect(a.address).toMatch(/^bcrt1q[0-9a-z]{58}$/);
    expect(a.locator).toBe(`0020${createHash('sha256').update(Buffer.from(a.derivation, 'hex')).digest('hex')}`);
    expect(deriveCustodyAddress(wallet, 'c1/u1/BTC/0', 'mainnet').address).toMatch(/^bc1q/);
  });

  it('refuses bad thresholds and duplicate or uncompressed keys', () => {
    const tag = Buffer.alloc(20, 1);
    expect(() => custodyWitnessScript(tag, 4, wallet.publicKeys)).toThrow(RangeError);
    expect(() => custodyWitnessScript(tag, 0, wallet.publicKeys)).toThrow(RangeError);
    expect(() => custodyWitnessScript(tag, 1, [key(1), key(1)])).toThrow(/duplicate/);
    expect(() => custodyWitnessScript(tag, 1, [`04${'11'.repeat(64)}`])).toThrow(/compressed/);
  });

  it('exports an auditor line with a Bitcoin Core descriptor checksum', () => {
    const exp = custodyDescriptor(wallet, 'c1/u1/BTC/0', 'regtest');
    expect(exp.descriptor).toBe(`addr(${exp.address})#${descriptorChecksum(`addr(${exp.address})`)}`);
    expect(exp.derivation).toBe(`wsh(tagged_sortedmulti(${exp.tag},2,${[...wallet.publicKeys].sort().join(',')}))`);
  });

  it('computes BIP-380 descriptor checksums', () => {
    expect(descriptorChecksum('raw(deadbeef)')).toBe('89f8spxm');
    expect(descriptorChecksum('addr(mkmZxiEcEd8ZqjQWVZuC6so5dFMKEFpN2j)')).toBe('02wpgw69');
  });

  it('pins the rule with a known answer, cross-checked with the address encoding of bcoin', () => {
    const account = 'client-1/user-7/BTC/0';
    const tag = createHash('sha256').update(`strongroom/btc-deposit-tag/v1\u0000${account}`).digest().subarray(0, 20);
    const script = Buffer.from(
      `14${tag.toString('hex')}7552${[...wallet.publicKeys]
        .sort()
        .map((k) => `21${k}`)
        .join('')}53ae`,
      'hex',
    );
    const bcoin = loadBcoin() as unknown as {
      Address: { fromWitnessScripthash(h: Buffer): { toString(n: string): string } };
    };
    const independent = bcoin.Address.fromWitnessScripthash(createHash('sha256').update(script).digest()).toString(
      'main',
    );
    expect(deriveCustodyAddress(wallet, account, 'mainnet').address).toBe(independent);
    expect(independent).toBe('bc1ql5uwqe53lkjedqrsgumxn8hmnf444hgs8u9nh98yce5xd9pckx0q4ljk5z');
    expect(deriveCustodyAddress(wallet, account, 'regtest').address).toBe(
      'bcrt1ql5uwqe53lkjedqrsgumxn8hmnf444hgs8u9nh98yce5xd9pckx0q0wwlmh',
    );
  });
});
