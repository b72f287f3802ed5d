export * from './constants';
export * from './contracts';
export * from './types';
export * from './ethereum-adapter';
export { AddressSet } from './logic/address-set';
export { buildSafeTx } from './logic/build-safe-tx';
export { bumpFees } from './logic/bump-fees';
export { checkSafeSignatures } from './logic/check-safe-signatures';
export { decodeMultiSend } from './logic/decode-multi-send';
export { decodeSafeTxOutputs } from './logic/decode-safe-tx-outputs';
export { depositAddress } from './logic/deposit-address';
export { depositSalt } from './logic/deposit-salt';
export { encodeMultiSend } from './logic/encode-multi-send';
export { encodeSafeSignatures } from './logic/encode-safe-signatures';
export { judgeExecution } from './logic/judge-execution';
export { matchBlockTransfers } from './logic/match-block-transfers';
export { nextRelayerNonce } from './logic/next-relayer-nonce';
export { ownerAddress } from './logic/owner-address';
export { parsePayload } from './logic/parse-payload';
export { safeTxHash } from './logic/safe-tx-hash';
export { validateAddress } from './logic/validate-address';
export type { DeploymentCheck } from './network/dev-deployment';
export {
  setupEthereumCustody,
  toDigestSignature,
  type DevChain,
  type DigestSigner,
  type EthereumCustody,
} from './dev/dev-custody';
