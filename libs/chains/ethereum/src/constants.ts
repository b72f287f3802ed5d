import { id, Interface } from 'ethers';

/**
 * Safe v1.4.1 canonical deployments (CREATE2 through the Safe singleton factory with a zero salt,
 * identical on every chain) and the keccak256 of their runtime code, from the
 * `@safe-global/safe-contracts@1.4.1` artifacts. On a real chain we only check the code hashes.
 */
export const SAFE_V141 = {
  singleton: {
    address: '0x41675C099F32341bf84BFc5382aF534df5C7461a',
    codeHash: '0x1fe2df852ba3299d6534ef416eefa406e56ced995bca886ab7a553e6d0c5e1c4',
    artifact: 'Safe.sol/Safe',
  },
  proxyFactory: {
    address: '0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67',
    codeHash: '0x50c3cdc4074750a7a974204a716c999edd37482f907608d960b2b025ee0b3317',
    artifact: 'proxies/SafeProxyFactory.sol/SafeProxyFactory',
  },
  multiSendCallOnly: {
    address: '0x9641d764fc13c8B624c04430C7356C1C7C8102e2',
    codeHash: '0xecd5bd14a08c5d2122379900b2f272bdf107a7e92423c10dd5fe3254386c9939',
    artifact: 'libraries/MultiSendCallOnly.sol/MultiSendCallOnly',
  },
  fallbackHandler: {
    address: '0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99',
    codeHash: '0x7c6007a5d711cea8dfd5d91f5940ec29c7f200fe511eb1fc1397b367af3c42f9',
    artifact: 'handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler',
  },
} as const;

/** The Safe singleton factory (same runtime code as the deterministic deployment proxy). */
export const SAFE_SINGLETON_FACTORY = '0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7';
/** The deterministic deployment proxy (present on most chains, predeployed by anvil): deploys our factory. */
export const DETERMINISTIC_DEPLOYER = '0x4e59b44847b379578588920cA78FbF26c0B4956C';
export const DETERMINISTIC_DEPLOYER_CODE =
  '0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3';

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

export const SAFE_ABI = new Interface([
  'function setup(address[] _owners, uint256 _threshold, address to, bytes data, address fallbackHandler, address paymentToken, uint256 payment, address paymentReceiver)',
  'function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) payable returns (bool success)',
  'function nonce() view returns (uint256)',
  'function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) view returns (bytes32)',
  'function getOwners() view returns (address[])',
  'function getThreshold() view returns (uint256)',
  'event ExecutionSuccess(bytes32 txHash, uint256 payment)',
  'event ExecutionFailure(bytes32 txHash, uint256 payment)',
]);
export const PROXY_FACTORY_ABI = new Interface([
  'function createProxyWithNonce(address _singleton, bytes initializer, uint256 saltNonce) returns (address proxy)',
  'function proxyCreationCode() pure returns (bytes)',
]);
export const MULTI_SEND_ABI = new Interface(['function multiSend(bytes transactions) payable']);
export const ERC20_ABI = new Interface([
  'function transfer(address to, uint256 value) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);
export const SWEEPER_FACTORY_ABI = new Interface([
  'function sweep(address safe, bytes32[] salts, address[] tokens)',
  'function depositAddress(address safe, bytes32 salt) view returns (address)',
  'event Swept(address indexed safe, address indexed token, uint256 amount)',
]);
export const TRANSFER_TOPIC = id('Transfer(address,address,uint256)');
export const EXECUTION_SUCCESS_TOPIC = id('ExecutionSuccess(bytes32,uint256)');
export const EXECUTION_FAILURE_TOPIC = id('ExecutionFailure(bytes32,uint256)');
export const SWEPT_TOPIC = id('Swept(address,address,uint256)');
export const EXEC_TRANSACTION_SELECTOR = '0x6a761202';
export const ERC20_TRANSFER_SELECTOR = '0xa9059cbb';

/** Safe operations: CALL, or DELEGATECALL (allowed only into MultiSendCallOnly). */
export const OPERATION_CALL = 0;
export const OPERATION_DELEGATECALL = 1;
