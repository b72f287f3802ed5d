import { AbiCoder, concat, getCreate2Address, keccak256 } from 'ethers';

/**
 * The CREATE2 address where `factory` deploys the sweeper for `safe` with `salt`. The Safe is the
 * sweeper's constructor argument, so it is part of the init code hash: an address is bound to
 * one Safe, whoever triggers the sweep.
 */
export function depositAddress(
  factory: string,
  sweeperCreationCode: string,
  safe: string,
  salt: string,
): { address: string; initCodeHash: string } {
  const initCodeHash = keccak256(concat([sweeperCreationCode, AbiCoder.defaultAbiCoder().encode(['address'], [safe])]));
  return { address: getCreate2Address(factory, salt, initCodeHash), initCodeHash };
}
