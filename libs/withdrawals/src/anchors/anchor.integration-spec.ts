import { KmsSigner } from '@strongroom/keys';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import {
  fetchAnchorTx,
  fetchSentBy,
  findEquivocations,
  snapshotIdHash,
  verifyAnchor,
} from '@strongroom/proof-verifier';
import type { DigestSigner } from '../ports';
import { signAnchorTx } from './anchor-tx';

/**
 * The anchor round trip on anvil: the relayer key (in kms-local, through the real SDK) signs a
 * 0-ETH self-send carrying the root; anyone with the chain checks it; a second root for the same
 * snapshot id is found by scanning the relayer's transactions.
 */
describe('root anchors on anvil', () => {
  let anvil: Anvil;
  let kmsLocal: KmsLocalHandle;
  let signer: DigestSigner;
  let relayer: { walletId: string; publicKey: string; address: string };
  const snapshotId = '6f1c3a52-93d4-4c6e-9a0b-7b1e2d3c4f50';
  const root = '4e5b1e1fe4381ad69b9e093d41b78052562d1d633409e2a146ad261d1a7e3339';
  const forged = 'ab'.repeat(32);

  beforeAll(async () => {
    [anvil, kmsLocal] = await Promise.all([startAnvil(), startKmsLocal()]);
    const kms = new KmsSigner(kmsLocal.config);
    const keyId = await kmsLocal.createSigningKey();
    const pub = await kms.publicKey(keyId);
    relayer = { walletId: 'eth-main', publicKey: pub.compressedHex, address: pub.ethereumAddress };
    signer = {
      sign: async (_walletId, publicKey, digest) => {
        const sig = await kms.signDigest(keyId, Buffer.from(digest, 'hex'));
        const hex = (n: bigint) => n.toString(16).padStart(64, '0');
        return { publicKey, digest, r: hex(sig.r), s: hex(sig.s), recovery: sig.recovery };
      },
    };
    await anvil.fund(relayer.address, 10n ** 18n);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([anvil?.stop(), kmsLocal?.stop()]);
  });

  async function anchor(rootHex: string): Promise<string> {
    const nonce = Number(BigInt(await anvil.rpc<string>('eth_getTransactionCount', [relayer.address, 'pending'])));
    const base = BigInt(await anvil.rpc<string>('eth_gasPrice'));
    const { raw, hash } = await signAnchorTx(signer, relayer, {
      chainId: anvil.chainId,
      relayer: relayer.address,
      nonce,
      snapshotId,
      root: rootHex,
      maxFeePerGas: base * 2n + 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
    });
    expect(await anvil.rpc<string>('eth_sendRawTransaction', [raw])).toBe(hash);
    expect(await anvil.waitMined(hash)).toMatchObject({ status: 1 });
    return hash;
  }

  it('anchors a root from the relayer; the verifier checks it from the chain alone', async () => {
    const hash = await anchor(root);
    const tx = await fetchAnchorTx(anvil.rpcUrl, hash);
    expect(tx).not.toBeNull();
    const expected = { snapshotId, root, relayer: relayer.address };
    expect(verifyAnchor(tx!, expected)).toMatchObject({ outcome: 'valid', root });
    expect(verifyAnchor(tx!, { ...expected, root: forged })).toMatchObject({ code: 'root_mismatch' });
    expect(verifyAnchor(tx!, { ...expected, snapshotId: 'another' })).toMatchObject({ code: 'snapshot_mismatch' });
    expect(verifyAnchor(tx!, { ...expected, relayer: anvil.accounts[0] })).toMatchObject({ code: 'wrong_sender' });
    // Any other transaction of the relayer is not an anchor.
    const transfer = await anvil.rpc<string>('eth_sendTransaction', [
      { from: anvil.accounts[0], to: relayer.address, value: '0x1' },
    ]);
    await anvil.waitMined(transfer);
    expect(verifyAnchor((await fetchAnchorTx(anvil.rpcUrl, transfer))!, expected)).toMatchObject({
      code: 'not_anchor',
    });
    expect(findEquivocations(await fetchSentBy(anvil.rpcUrl, relayer.address, 0), relayer.address)).toEqual([]);
  });

  it('a second, different root anchored for the same snapshot id is reported by a scan', async () => {
    const second = await anchor(forged);
    // The same root anchored again (a retry) is not an equivocation; a different one is.
    await anchor(root);
    const sent = await fetchSentBy(anvil.rpcUrl, relayer.address, 0);
    expect(sent.length).toBe(3);
    const found = findEquivocations(sent, relayer.address);
    expect(found).toHaveLength(1);
    expect(found[0].snapshotHash).toBe(snapshotIdHash(snapshotId));
    expect(found[0].roots.map((r) => [r.root, r.txs.length])).toEqual([
      [root, 2],
      [forged, 1],
    ]);
    expect(found[0].roots[1].txs[0].hash).toBe(second);
    // Someone else's copy of the payload does not count: only the relayer's self-sends do.
    expect(findEquivocations(sent, anvil.accounts[0])).toEqual([]);
  });
});
