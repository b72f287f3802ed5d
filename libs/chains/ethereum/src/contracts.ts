import { getCreate2Address, keccak256, ZeroHash } from 'ethers';
import artifacts from '../contracts/artifacts/contracts.json';
import { DETERMINISTIC_DEPLOYER } from './constants';

/** Our compiled contracts (committed, checked against the sources by contracts/compile.spec.ts). */
export const SWEEPER_CREATION_CODE: string = artifacts.contracts.DepositSweeper.bytecode;
export const SWEEPER_FACTORY_CREATION_CODE: string = artifacts.contracts.DepositSweeperFactory.bytecode;
export const SWEEPER_FACTORY_CODE_HASH = keccak256(artifacts.contracts.DepositSweeperFactory.deployedBytecode);
/** Where the sweeper factory lives on every chain: deployed with a zero salt by the deterministic deployer. */
export const SWEEPER_FACTORY_ADDRESS = getCreate2Address(
  DETERMINISTIC_DEPLOYER,
  ZeroHash,
  keccak256(SWEEPER_FACTORY_CREATION_CODE),
);
