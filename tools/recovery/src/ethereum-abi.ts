import { Interface } from 'ethers';

/** The few calls the tool makes, vendored (Safe v1.4.1, our sweeper factory, ERC-20). */
export const SAFE = new Interface([
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool success)',
  'function nonce() view returns (uint256)',
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
]);
export const SWEEPER_FACTORY = new Interface(['function sweep(address safe, bytes32[] salts, address[] tokens)']);
export const ERC20 = new Interface([
  'function transfer(address to, uint256 value) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
]);
export const ZERO = '0x0000000000000000000000000000000000000000';

/** EIP-712 type of a Safe transaction (v1.3+/1.4.1: domain = chainId + the Safe), field by field in order. */
const SAFE_TX_FIELDS =
  'address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 nonce';
export const SAFE_TX_TYPES = {
  SafeTx: SAFE_TX_FIELDS.split(', ').map((f) => {
    const [type, name] = f.split(' ');
    return { name, type };
  }),
};
