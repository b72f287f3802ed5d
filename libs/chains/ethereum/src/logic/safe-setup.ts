import { concat, getCreate2Address, keccak256, solidityPackedKeccak256, AbiCoder } from 'ethers';
import { PROXY_FACTORY_ABI, SAFE_ABI, SAFE_V141, ZERO_ADDRESS } from '../constants';

/**
 * The Safe for a wallet: `setup` calldata (owners, threshold, the canonical fallback handler, no
 * payment) and its address, predicted off chain as SafeProxyFactory.createProxyWithNonce computes
 * it. `proxyCreationCode` is the factory's `proxyCreationCode()`.
 */
export function safeSetup(
  owners: readonly string[],
  threshold: number,
  saltNonce: bigint,
  proxyCreationCode: string,
): { address: string; initializer: string; factoryCalldata: string } {
  if (threshold < 1 || threshold > owners.length)
    throw new Error(`threshold ${threshold} does not fit ${owners.length} owners`);
  const initializer = SAFE_ABI.encodeFunctionData('setup', [
    owners,
    threshold,
    ZERO_ADDRESS,
    '0x',
    SAFE_V141.fallbackHandler.address,
    ZERO_ADDRESS,
    0,
    ZERO_ADDRESS,
  ]);
  const salt = solidityPackedKeccak256(['bytes32', 'uint256'], [keccak256(initializer), saltNonce]);
  const initCode = concat([
    proxyCreationCode,
    AbiCoder.defaultAbiCoder().encode(['uint256'], [SAFE_V141.singleton.address]),
  ]);
  return {
    address: getCreate2Address(SAFE_V141.proxyFactory.address, salt, keccak256(initCode)),
    initializer,
    factoryCalldata: PROXY_FACTORY_ABI.encodeFunctionData('createProxyWithNonce', [
      SAFE_V141.singleton.address,
      initializer,
      saltNonce,
    ]),
  };
}
