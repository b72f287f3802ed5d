import { keccak256, SigningKey, toUtf8Bytes, Transaction, Wallet } from 'ethers';
import { buildRelayerTx } from './build-relayer-tx';
import { signRelayerTx } from './sign-relayer-tx';
import { parsePayload } from './parse-payload';
import { serializePayload } from './serialize-payload';

const key = new SigningKey(keccak256(toUtf8Bytes('relayer')));
const relayer = new Wallet(key).address;
const params = { nonce: 4, maxFeePerGas: 30n * 10n ** 9n, maxPriorityFeePerGas: 10n ** 9n, gasLimit: 100_000n };

describe('relayer transaction', () => {
  it('signs the EIP-1559 transaction with a KMS-style signature (parity recovered when absent)', () => {
    const { unsignedTx, digest } = buildRelayerTx(1n, relayer, '0x1234', params);
    const s = key.sign(digest);
    for (const recovery of [s.yParity, undefined]) {
      const { raw, txid } = signRelayerTx(unsignedTx, relayer, {
        publicKey: key.compressedPublicKey,
        digest,
        r: s.r,
        s: s.s,
        recovery,
      });
      const tx = Transaction.from(raw);
      expect(tx.from).toBe(relayer);
      expect(tx.hash).toBe(txid);
      expect([tx.nonce, tx.type, tx.chainId, tx.gasLimit, tx.maxFeePerGas]).toEqual([
        4,
        2,
        1n,
        100_000n,
        params.maxFeePerGas,
      ]);
    }
    expect(() =>
      signRelayerTx(unsignedTx, Wallet.createRandom().address, { publicKey: '', digest, r: s.r, s: s.s }),
    ).toThrow(expect.objectContaining({ code: 'withdrawal.signature_invalid' }));
    expect(() =>
      signRelayerTx(unsignedTx, relayer, { publicKey: '', digest: keccak256('0x00'), r: s.r, s: s.s }),
    ).toThrow(expect.objectContaining({ code: 'withdrawal.signature_wrong_digest' }));
  });

  it('refuses a tip above the fee cap', () => {
    expect(() =>
      buildRelayerTx(1n, relayer, '0x', { ...params, maxPriorityFeePerGas: params.maxFeePerGas + 1n }),
    ).toThrow();
  });

  it('payloads round-trip with their bigints', () => {
    const p = {
      kind: 'relay' as const,
      purpose: 'exec' as const,
      chainId: 1n,
      relayer,
      relayerPublicKey: key.compressedPublicKey,
      unsignedTx: '0x02',
      safeNonce: 2n ** 200n,
    };
    expect(parsePayload(serializePayload(p))).toEqual(p);
    expect(() => parsePayload('{"kind":"psbt"}')).toThrow(
      expect.objectContaining({ code: 'withdrawal.payload_invalid' }),
    );
    expect(() => parsePayload('nope')).toThrow(expect.objectContaining({ code: 'withdrawal.payload_invalid' }));
  });
});
