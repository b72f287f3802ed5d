import { Psbt, address as baddress, networks } from 'bitcoinjs-lib';
import { btcToSats } from './bitcoin-node';
import { buildSweep, checkSweep } from './bitcoin-sweep';
import { redigestedFile } from './recovery-shape';
import { sign, signedFile } from './testing/signed-file';
import { verifyRecoveryFile } from './verify-recovery';

const other = baddress.toBech32(Buffer.alloc(32, 9), 0, networks.regtest.bech32);

const reDigested = redigestedFile;

describe('recovery file', () => {
  it('accepts a file signed by a quorum of each wallet and re-derives every script', () => {
    const { text } = signedFile([0, 2]);
    const { wallets } = verifyRecoveryFile(text);
    expect(wallets).toEqual([{ walletId: 'w1', label: 'hot', chain: 'bitcoin', signedBy: [0, 2], threshold: 2 }]);
  });

  it('refuses fewer signatures than the threshold', () => {
    expect(() => verifyRecoveryFile(signedFile([1]).text)).toThrow(
      '1 valid signature(s) of its keys over the file, 2 required',
    );
  });

  it('refuses any change to the body, digest recomputed or not', () => {
    const { text } = signedFile();
    const edited = text.replace('"tier":"hot"', '"tier":"cold"');
    expect(() => verifyRecoveryFile(edited)).toThrow(/the body's digest is/);
    expect(() => verifyRecoveryFile(reDigested(text, (f) => (f.body.wallets[0].tier = 'cold')))).toThrow(
      /0 valid signature/,
    );
  });

  it("refuses a script that is not the wallet's, even signed by its keys", () => {
    const { body, privs, pubs } = signedFile();
    body.wallets[0].bitcoin!.scripts[1].address = other;
    expect(() => verifyRecoveryFile(sign(body, privs, pubs, [0, 1]))).toThrow(/the address does not encode/);
    const { body: b2 } = signedFile();
    b2.wallets[0].bitcoin!.scripts[1].account = 'c1/mallory/BTC/0';
    expect(() => verifyRecoveryFile(sign(b2, privs, pubs, [0, 1]))).toThrow(/the tag is not the hash/);
  });

  it('refuses a file not in canonical form, an unknown version or unknown fields', () => {
    const { text } = signedFile();
    expect(() => verifyRecoveryFile(`${text}\n`)).toThrow(/canonical/);
    expect(() => verifyRecoveryFile(text.replace('{"body":', '{ "body":'))).toThrow(/canonical/);
    expect(() => verifyRecoveryFile(text.replace('"version":1', '"version":2'))).toThrow(/not supported/);
    expect(() => verifyRecoveryFile(text.replace('{"body":', '{"a":1,"body":'))).toThrow(/unknown field/);
  });
});

describe('sweep intent check', () => {
  const { body } = signedFile();
  const w = body.wallets[0];
  const coin = (i: number, value: bigint) => ({
    txid: `${i}`.padStart(64, '0'),
    vout: 0,
    value,
    scriptPubKey: w.bitcoin!.scripts[i].scriptPubKey,
  });
  const to = baddress.toBech32(Buffer.alloc(20, 5), 0, networks.regtest.bech32);

  it("pays everything less the fee to the operator's address", () => {
    const psbt = buildSweep(w, [coin(0, 100_000n), coin(1, 50_000n)], { to, feeRate: 2 });
    const c = checkSweep(w, psbt, { to, feeRate: 2 });
    expect(c.total).toBe(150_000n);
    expect(c.amount + c.fee).toBe(150_000n);
    expect(c.fee).toBe(BigInt(2 * c.vsize));
  });

  it('refuses a sweep to another address, a higher fee or a foreign input', () => {
    const psbt = buildSweep(w, [coin(0, 100_000n)], { to: other, feeRate: 2 });
    expect(() => checkSweep(w, psbt, { to, feeRate: 2 })).toThrow(/does not pay only the address the operator gave/);
    const pricey = buildSweep(w, [coin(0, 100_000n)], { to, feeRate: 20 });
    expect(() => checkSweep(w, pricey, { to, feeRate: 2 })).toThrow(/above 2 sat\/vB/);
    const foreign = Psbt.fromBase64(psbt.toBase64());
    foreign.data.inputs[0].witnessScript = Buffer.from('51', 'hex');
    expect(() => checkSweep(w, foreign, { to: other, feeRate: 2 })).toThrow(/not a script of wallet hot/);
  });

  it('reads Core amounts exactly', () => {
    expect(btcToSats(0.1)).toBe(10_000_000n);
    expect(btcToSats(20999999.97690001)).toBe(2_099_999_997_690_001n);
  });
});
