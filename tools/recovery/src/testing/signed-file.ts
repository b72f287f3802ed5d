import { secp256k1 } from '@noble/curves/secp256k1';
import { address as baddress, networks } from 'bitcoinjs-lib';
import { computeAddress } from 'ethers';
import { accountTag, p2wshOutput, taggedMultisig } from '../bitcoin-scripts';
import {
  bodyDigest,
  encodeRecoveryFile,
  type BitcoinScript,
  type RecoveryBody,
  type RecoveryFile,
} from '../recovery-format';
import { descriptorLike } from './descriptor-like';

/** A 2-of-3 Bitcoin wallet of local keys and the file of it, signed by `signers` of its keys. */
export function signedFile(signers = [0, 1, 2], accounts = ['["strongroom-change","w1"]', 'c1/alice/BTC/0']) {
  const privs = [1, 2, 3].map((i) => Buffer.alloc(32, i));
  const pubs = privs.map((p) => Buffer.from(secp256k1.getPublicKey(p, true)).toString('hex'));
  const scripts = accounts.map((account, i): BitcoinScript => {
    const ws = taggedMultisig(accountTag(account), 2, pubs);
    const spk = p2wshOutput(ws);
    const address = baddress.fromOutputScript(spk, networks.regtest);
    return {
      kind: i === 0 ? 'change' : 'deposit',
      account,
      scriptTag: accountTag(account).toString('hex'),
      witnessScript: ws.toString('hex'),
      scriptPubKey: spk.toString('hex'),
      address,
      descriptor: descriptorLike(address),
    };
  });
  const body: RecoveryBody = {
    format: 'strongroom-recovery',
    version: 1,
    createdAt: '2026-12-04T00:00:00.000Z',
    wallets: [
      {
        id: 'w1',
        label: 'hot',
        chain: 'bitcoin',
        tier: 'hot',
        clientId: null,
        status: 'active',
        threshold: 2,
        keys: pubs.map((publicKey, position) => ({
          position,
          kmsKeyId: `alias/k${position}`,
          publicKey,
          ethereumAddress: computeAddress(`0x${publicKey}`),
        })),
        relayer: null,
        bitcoin: { network: 'regtest', scripts },
        ethereum: null,
      },
    ],
  };
  return { body, privs, pubs, text: sign(body, privs, pubs, signers) };
}

export function sign(body: RecoveryBody, privs: Buffer[], pubs: string[], signers: number[]): string {
  const digest = bodyDigest(body);
  const file: RecoveryFile = {
    body,
    digest,
    signatures: signers.map((i) => {
      const sig = secp256k1.sign(Buffer.from(digest, 'hex'), privs[i], { prehash: false });
      const hex = sig.toCompactHex();
      return { walletId: 'w1', position: i, publicKey: pubs[i], r: hex.slice(0, 64), s: hex.slice(64) };
    }),
  };
  return encodeRecoveryFile(file);
}
