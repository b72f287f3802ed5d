import { keccak256, SigningKey, toUtf8Bytes, Transaction, Wallet, type TransactionLike } from 'ethers';
import type { UnsignedChainTx } from '@strongroom/chains-core';
import { checkNonceFillIntent } from './check-nonce-fill-intent';
import { serializePayload } from './serialize-payload';

const key = new SigningKey(keccak256(toUtf8Bytes('relayer')));
const relayer = new Wallet(key).address;
const other = new SigningKey(keccak256(toUtf8Bytes('someone else')));
const base: TransactionLike = {
  type: 2,
  chainId: 31337n,
  nonce: 7,
  to: relayer,
  value: 0n,
  data: '0x',
  gasLimit: 21_000n,
  maxFeePerGas: 2n * 10n ** 9n,
  maxPriorityFeePerGas: 10n ** 9n,
};

/** A fill as buildNonceFill stores it, with `change` applied to the transaction, the payload or the digests. */
function fill(
  change: {
    tx?: Partial<TransactionLike>;
    purpose?: 'cancel' | 'exec';
    publicKey?: string;
    digest?: string;
    digests?: [];
  } = {},
): UnsignedChainTx {
  const tx = Transaction.from({ ...base, ...change.tx });
  const publicKey = change.publicKey ?? key.compressedPublicKey;
  const payload = serializePayload({
    kind: 'relay',
    purpose: change.purpose ?? 'cancel',
    chainId: 31337n,
    relayer: new Wallet(change.publicKey ? other : key).address,
    relayerPublicKey: publicKey,
    unsignedTx: tx.unsignedSerialized,
  });
  const digests = change.digests ?? [
    { publicKey, digest: change.digest ?? tx.unsignedHash, purpose: 'relayer cancel transaction' },
  ];
  return { chain: 'ethereum', batchId: 'nonce-7', payload, digests, fee: 21_000n * 2n * 10n ** 9n };
}

const refused = (u: UnsignedChainTx, nonce = 7, chainId = 31337n, wallet: string | undefined = relayer) => {
  try {
    checkNonceFillIntent(u, wallet, nonce, chainId);
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return 'accepted';
};

describe('checkNonceFillIntent', () => {
  it('accepts an empty 0-ETH self-transfer at exactly the reserved nonce, signed by the wallet relayer', () => {
    expect(refused(fill())).toBe('accepted');
  });

  it.each<[string, Parameters<typeof fill>[0]]>([
    ['another recipient', { tx: { to: Wallet.createRandom().address } }],
    ['value', { tx: { value: 1n } }],
    ['calldata', { tx: { data: '0x00' } }],
    ['another nonce', { tx: { nonce: 8 } }],
    ['another chain in the transaction', { tx: { chainId: 1n } }],
    [
      'a legacy transaction',
      { tx: { type: 0, gasPrice: 10n ** 9n, maxFeePerGas: undefined, maxPriorityFeePerGas: undefined } },
    ],
    ['another purpose', { purpose: 'exec' }],
    ['another relayer key', { publicKey: other.compressedPublicKey, tx: { to: new Wallet(other).address } }],
    ['a digest that is not the transaction hash', { digest: keccak256('0x01') }],
    ['no digest at all', { digests: [] }],
  ])('refuses %s', (_name, change) => {
    expect(refused(fill(change))).toBe('withdrawal.intent_mismatch');
  });

  it('refuses a fill for another nonce, chain or wallet than asked', () => {
    expect(refused(fill(), 6)).toBe('withdrawal.intent_mismatch');
    expect(refused(fill(), 7, 1n)).toBe('withdrawal.intent_mismatch');
    expect(refused(fill(), 7, 31337n, Wallet.createRandom().address)).toBe('withdrawal.intent_mismatch');
    expect(() => checkNonceFillIntent(fill(), undefined, 7, 31337n)).toThrow(
      expect.objectContaining({ code: 'withdrawal.intent_mismatch' }),
    );
  });
});
