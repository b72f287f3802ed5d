import { secp256k1 } from '@noble/curves/secp256k1';
import {
  IntentMismatchError,
  type CustodyWallet,
  type DigestSignature,
  type IntendedOutput,
  type UnsignedChainTx,
} from '@strongroom/chains-core';
import { loadBcoin } from '@strongroom/local-services/bitcoin/bcoin';
import { createHash } from 'node:crypto';
import { address as baddress, networks, Psbt } from 'bitcoinjs-lib';
import { buildWithdrawalPsbt } from './build-withdrawal-psbt';
import { changeAccount } from './change-account';
import { checkWithdrawalIntent, type IntentContext } from './check-withdrawal-intent';
import type { CustodyUtxo } from './custody-utxo';
import { deriveCustodyAddress } from './derive-custody-address';
import { finalizeWithdrawal } from './finalize-withdrawal';
import { inputDigests } from './input-digests';
import { selectCoins } from './select-coins';

const priv = [1, 2, 3].map((i) => createHash('sha256').update(`unit-key-${i}`).digest());
const pub = priv.map((p) => Buffer.from(secp256k1.getPublicKey(p, true)).toString('hex'));
const wallet: CustodyWallet = { id: 'w', chain: 'bitcoin', threshold: 2, publicKeys: pub };
const change = deriveCustodyAddress(wallet, changeAccount('w'), 'regtest');
const h = (s: string) => createHash('sha256').update(s).digest();

const utxos: CustodyUtxo[] = [0, 1, 2, 3].map((i) => {
  const d = deriveCustodyAddress(wallet, `c/u${i}/BTC/0`, 'regtest');
  return {
    txid: h(`tx${i}`).toString('hex'),
    vout: i,
    value: 50_000_000n + BigInt(i),
    script: d.locator,
    witnessScript: d.derivation,
    address: d.address,
    height: 100,
  };
});
const approved: IntendedOutput[] = Array.from({ length: 60 }, (_, i) => ({
  ref: `wd${i}`,
  address: baddress.toBech32(h(`dest${i % 55}`).subarray(0, 20), 0, 'bcrt'),
  asset: 'BTC',
  amount: 100_000n + BigInt(i) * 1000n,
}));
const ctx: IntentContext = {
  network: 'regtest',
  threshold: 2,
  publicKeys: pub,
  changeScript: change.locator,
  maxFeeRate: 50,
};

function build(outputs: IntendedOutput[] = approved, changeScript = change.locator): UnsignedChainTx {
  const targets = outputs.map((o) => ({
    script: Buffer.from(baddress.toOutputScript(o.address, networks.regtest)),
    value: o.amount,
  }));
  const sel = selectCoins(
    utxos,
    targets,
    { script: Buffer.from(changeScript, 'hex'), witnessScriptLength: change.derivation.length / 2, threshold: 2 },
    5,
  );
  const psbt = buildWithdrawalPsbt(
    sel.inputs,
    [...targets, { script: Buffer.from(changeScript, 'hex'), value: sel.change }],
    'regtest',
  );
  const digests = inputDigests(psbt).flatMap((d) =>
    d.keys.map((publicKey) => ({ publicKey, digest: d.digest, purpose: `input ${d.input}` })),
  );
  return { chain: 'bitcoin', batchId: 'b1', payload: psbt.toBase64(), digests, fee: sel.fee };
}

function sign(unsigned: UnsignedChainTx, keys: number[], highS = false): DigestSignature[] {
  return unsigned.digests.flatMap((d) => {
    const i = pub.indexOf(d.publicKey);
    if (!keys.includes(i)) return [];
    const sig = secp256k1.sign(Buffer.from(d.digest, 'hex'), priv[i], { lowS: true, prehash: false });
    const s = highS ? secp256k1.CURVE.n - sig.s : sig.s;
    return [{ publicKey: d.publicKey, digest: d.digest, r: sig.r.toString(16), s: s.toString(16) }];
  });
}

/** Verifies every input's witness with bcoin's script interpreter: an implementation independent of ours. */
function verifiesWithBcoin(raw: string, spent: CustodyUtxo[]): boolean {
  const bcoin = loadBcoin();
  const view = new bcoin.CoinView();
  for (const u of spent) {
    view.addCoin(
      bcoin.Coin.fromOptions({
        hash: Buffer.from(u.txid, 'hex').reverse().toString('hex'),
        index: u.vout,
        value: Number(u.value),
        script: bcoin.Script.fromRaw(Buffer.from(u.script, 'hex')),
        height: u.height,
      }),
    );
  }
  return bcoin.TX.fromRaw(Buffer.from(raw, 'hex')).verify(view);
}

describe('withdrawal logic: select, build, check, finalize', () => {
  it('pays 60 outputs plus change, with a fee at the requested rate, and a 2-of-3 witness bcoin accepts', () => {
    const unsigned = build();
    const psbt = checkWithdrawalIntent(unsigned, approved, ctx);
    expect(psbt.txOutputs).toHaveLength(61);
    expect(unsigned.digests).toHaveLength(psbt.inputCount * 3);
    const signed = finalizeWithdrawal(psbt, sign(unsigned, [0, 2], true));
    expect(verifiesWithBcoin(signed.raw, utxos)).toBe(true);
    // The check can fail: BIP-143 commits to the amount spent, so a different amount breaks every signature.
    expect(
      verifiesWithBcoin(
        signed.raw,
        utxos.map((u) => ({ ...u, value: u.value + 1n })),
      ),
    ).toBe(false);
    const vsize = Math.ceil(Buffer.from(signed.raw, 'hex').length); // upper bound on vsize
    expect(unsigned.fee).toBeGreaterThanOrEqual(BigInt(Math.ceil((5 * vsize) / 4)) - 1000n);
  });

  it('signature order follows the script even when the keys sign in another order', () => {
    const unsigned = build();
    const psbt = Psbt.fromBase64(unsigned.payload, { network: networks.regtest });
    const sigs = sign(unsigned, [2, 1]).reverse();
    expect(verifiesWithBcoin(finalizeWithdrawal(psbt, sigs).raw, utxos)).toBe(true);
  });

  it('refuses to finalize with too few or wrong signatures', () => {
    const unsigned = build();
    const psbt = Psbt.fromBase64(unsigned.payload, { network: networks.regtest });
    expect(() => finalizeWithdrawal(psbt, sign(unsigned, [1]))).toThrow(
      expect.objectContaining({ code: 'withdrawal.signatures_missing' }),
    );
    const forged = sign(unsigned, [0, 1]).map((s) => ({ ...s, r: (BigInt(`0x${s.r}`) ^ 1n).toString(16) }));
    expect(() => finalizeWithdrawal(psbt, forged)).toThrow(
      expect.objectContaining({ code: 'withdrawal.signatures_missing' }),
    );
  });

  describe('checkWithdrawalIntent', () => {
    it('refuses a changed amount', () => {
      const tampered = build(approved.map((o, i) => (i === 7 ? { ...o, amount: o.amount + 1n } : o)));
      expect(() => checkWithdrawalIntent(tampered, approved, ctx)).toThrow(IntentMismatchError);
    });
    it('refuses an extra output and a missing one', () => {
      const extra = build([
        ...approved,
        { ref: 'x', address: baddress.toBech32(h('thief').subarray(0, 20), 0, 'bcrt'), asset: 'BTC', amount: 5000n },
      ]);
      expect(() => checkWithdrawalIntent(extra, approved, ctx)).toThrow(IntentMismatchError);
      const missing = build(approved.slice(1));
      expect(() => checkWithdrawalIntent(missing, approved, ctx)).toThrow(/wd0/);
    });
    it('refuses change sent to another address, even another custody address of the wallet', () => {
      const other = deriveCustodyAddress(wallet, 'c/u9/BTC/0', 'regtest');
      expect(() => checkWithdrawalIntent(build(approved, other.locator), approved, ctx)).toThrow(IntentMismatchError);
    });
    it('refuses digests that are not the PSBT’s, and a fee above the ceiling', () => {
      const good = build();
      const swapped = {
        ...build(approved.map((o, i) => (i === 0 ? { ...o, amount: o.amount + 1n } : o))),
        payload: good.payload,
      };
      expect(() => checkWithdrawalIntent(swapped, approved, ctx)).toThrow(/digests/);
      expect(() => checkWithdrawalIntent(good, approved, { ...ctx, maxFeeRate: 1 })).toThrow(/exceeds/);
      expect(() => checkWithdrawalIntent({ ...good, fee: good.fee - 1n }, approved, ctx)).toThrow(/recorded/);
    });
    it('refuses inputs of another wallet', () => {
      expect(() => checkWithdrawalIntent(build(), approved, { ...ctx, threshold: 3 })).toThrow(
        /not locked by this wallet/,
      );
    });
  });
});
