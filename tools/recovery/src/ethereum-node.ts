import { Signature, Transaction, TypedDataEncoder, getAddress, recoverAddress, type JsonRpcProvider } from 'ethers';
import { SAFE, SAFE_TX_TYPES, ZERO } from './ethereum-abi';
import type { DigestSigner } from './kms-keys';
import type { RecoveryKey } from './recovery-format';

/** A KMS signature as an Ethereum signature: the recovery bit found by recovering the signer's address. */
export async function signEthereum(signer: DigestSigner, key: RecoveryKey, digest: string): Promise<Signature> {
  const { r, s } = await signer.sign(key.kmsKeyId, key.publicKey, Buffer.from(digest.slice(2), 'hex'));
  for (const v of [27, 28]) {
    const sig = Signature.from({ r: `0x${r}`, s: `0x${s}`, v });
    if (recoverAddress(digest, sig) === key.ethereumAddress) return sig;
  }
  throw new Error(`KMS key ${key.kmsKeyId}'s signature does not recover to ${key.ethereumAddress}`);
}

/** Signs an EIP-1559 call with `sender`'s KMS key, broadcasts it and waits for success. */
export async function sendAs(
  provider: JsonRpcProvider,
  signer: DigestSigner,
  sender: RecoveryKey,
  call: { to: string; data: string },
): Promise<string> {
  const [nonce, fees, network] = await Promise.all([
    provider.getTransactionCount(sender.ethereumAddress, 'pending'),
    provider.getFeeData(),
    provider.getNetwork(),
  ]);
  const gas = await provider.estimateGas({ from: sender.ethereumAddress, ...call });
  const tx = Transaction.from({
    type: 2,
    chainId: network.chainId,
    nonce,
    to: call.to,
    data: call.data,
    value: 0n,
    gasLimit: (gas * 12n) / 10n,
    maxFeePerGas: fees.maxFeePerGas ?? fees.gasPrice ?? 1n,
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
  });
  tx.signature = await signEthereum(signer, sender, tx.unsignedHash);
  const hash = await provider.send('eth_sendRawTransaction', [tx.serialized]);
  const receipt = await provider.waitForTransaction(hash as string);
  if (!receipt || receipt.status !== 1) throw new Error(`transaction ${hash} failed`);
  return hash as string;
}

export interface SafeCall {
  to: string;
  value: bigint;
  data: string;
}

/** execTransaction calldata for `call` (CALL, no refunds), signed by the first `threshold` owners by address. */
export async function execTransaction(
  provider: JsonRpcProvider,
  signer: DigestSigner,
  safe: string,
  owners: RecoveryKey[],
  threshold: number,
  call: SafeCall,
): Promise<string> {
  const safeTx = {
    ...call,
    operation: 0,
    safeTxGas: 0n,
    baseGas: 0n,
    gasPrice: 0n,
    gasToken: ZERO,
    refundReceiver: ZERO,
    nonce: BigInt(await provider.call({ to: safe, data: SAFE.encodeFunctionData('nonce') })),
  };
  const { chainId } = await provider.getNetwork();
  const hash = TypedDataEncoder.hash({ chainId, verifyingContract: getAddress(safe) }, SAFE_TX_TYPES, safeTx);
  // Safe requires the signatures sorted by owner address, ascending.
  const chosen = [...owners].sort((a, b) => (BigInt(a.ethereumAddress) < BigInt(b.ethereumAddress) ? -1 : 1));
  const sigs: string[] = [];
  for (const owner of chosen.slice(0, threshold)) sigs.push((await signEthereum(signer, owner, hash)).serialized);
  const signatures = `0x${sigs.map((s) => s.slice(2)).join('')}`;
  return SAFE.encodeFunctionData('execTransaction', [
    safeTx.to,
    safeTx.value,
    safeTx.data,
    0,
    0n,
    0n,
    0n,
    ZERO,
    ZERO,
    signatures,
  ]);
}
