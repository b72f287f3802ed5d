import { Wallet, getCreate2Address, keccak256, toUtf8Bytes } from 'ethers';
import { ERC20 } from './ethereum-abi';
import { checkSafeCall } from './recover-ethereum';
import { verifyRecoveryFile } from './verify-recovery';
import { sign, signedFile } from './testing/signed-file';

const to = Wallet.createRandom().address;
const other = Wallet.createRandom().address;
const token = Wallet.createRandom().address;

describe('Safe call intent check', () => {
  it('allows only ETH to the operator, or a listed token transferred to the operator', () => {
    expect(() => checkSafeCall({ to, value: 5n, data: '0x' }, to, [token])).not.toThrow();
    const transfer = (dest: string) => ERC20.encodeFunctionData('transfer', [dest, 7n]);
    expect(() => checkSafeCall({ to: token, value: 0n, data: transfer(to) }, to, [token])).not.toThrow();
    expect(() => checkSafeCall({ to: other, value: 5n, data: '0x' }, to, [token])).toThrow(/does not pay only/);
    expect(() => checkSafeCall({ to: token, value: 0n, data: transfer(other) }, to, [token])).toThrow(
      /does not pay only/,
    );
    expect(() => checkSafeCall({ to: token, value: 0n, data: transfer(to) }, to, [])).toThrow(/does not pay only/);
  });
});

describe('Ethereum deposit addresses in the file', () => {
  const factory = Wallet.createRandom().address;
  const initCodeHash = keccak256('0x1234');
  const deposit = (tag: string) => {
    const salt = keccak256(toUtf8Bytes(`strongroom/ethereum/deposit/v1/${tag}`));
    return { tag, asset: 'ETH', salt, initCodeHash, address: getCreate2Address(factory, salt, initCodeHash) };
  };
  const ethFile = (edit: (d: ReturnType<typeof deposit>) => void = () => undefined) => {
    const { body, privs, pubs } = signedFile([], []);
    const d = deposit('c1/alice/ETH/0');
    edit(d);
    body.wallets[0] = {
      ...body.wallets[0],
      chain: 'ethereum',
      bitcoin: null,
      ethereum: { safeAddress: other, factory, deposits: [d] },
    };
    return sign(body, privs, pubs, [0, 1]);
  };

  it('re-derives each address from its tag, the factory and the init code hash', () => {
    expect(() => verifyRecoveryFile(ethFile())).not.toThrow();
    expect(() => verifyRecoveryFile(ethFile((d) => (d.tag = 'c1/mallory/ETH/0')))).toThrow(
      /salt that is not its tag's/,
    );
    expect(() => verifyRecoveryFile(ethFile((d) => (d.address = other)))).toThrow(/not the factory's CREATE2 address/);
  });
});
