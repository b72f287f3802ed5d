import { IntentMismatchError } from '@strongroom/chains-core';
import { Wallet } from 'ethers';
import { ERC20_ABI, OPERATION_DELEGATECALL, SAFE_V141 } from '../constants';
import { buildSafeTx } from './build-safe-tx';
import { decodeSafeTxOutputs } from './decode-safe-tx-outputs';
import { encodeMultiSend } from './encode-multi-send';

const usdc = Wallet.createRandom().address;
const tokenOf = (a: string) => (a === 'USDC' ? usdc : null);
const assetOf = (t: string) => (t.toLowerCase() === usdc.toLowerCase() ? 'USDC' : null);
const [x, y] = [Wallet.createRandom().address, Wallet.createRandom().address];

describe('buildSafeTx / decodeSafeTxOutputs', () => {
  it('round-trips a single ETH, a single token, and a MultiSendCallOnly batch', () => {
    const one = [{ address: x, asset: 'ETH', amount: 5n }];
    expect(decodeSafeTxOutputs(buildSafeTx(one, tokenOf, 0n), assetOf)).toEqual(one);
    const tok = [{ address: y, asset: 'USDC', amount: 7n }];
    const t = buildSafeTx(tok, tokenOf, 3n);
    expect(t.to).toBe(usdc);
    expect(t.operation).toBe(0);
    expect(decodeSafeTxOutputs(t, assetOf)).toEqual(tok);
    const batch = [...one, ...tok, { address: x, asset: 'USDC', amount: 1n }];
    const b = buildSafeTx(batch, tokenOf, 4n);
    expect(b.to).toBe(SAFE_V141.multiSendCallOnly.address);
    expect(b.operation).toBe(OPERATION_DELEGATECALL);
    expect(decodeSafeTxOutputs(b, assetOf)).toEqual(batch);
  });

  it('refuses what it was never asked to sign', () => {
    const base = buildSafeTx(
      [
        { address: x, asset: 'ETH', amount: 5n },
        { address: y, asset: 'USDC', amount: 7n },
      ],
      tokenOf,
      0n,
    );
    const transfer = ERC20_ABI.encodeFunctionData('transfer', [y, 7n]);
    const cases = {
      'delegatecall elsewhere': { ...base, to: SAFE_V141.singleton.address },
      refund: { ...base, gasPrice: 1n, refundReceiver: x },
      'base gas': { ...base, baseGas: 1n },
      'unknown contract': { ...base, data: encodeMultiSend([{ operation: 0, to: x, value: 0n, data: transfer }]) },
      'nested delegatecall': {
        ...base,
        data: encodeMultiSend([{ operation: 1, to: usdc, value: 0n, data: transfer }]),
      },
      'approve instead of transfer': {
        ...base,
        data: encodeMultiSend([
          {
            operation: 0,
            to: usdc,
            value: 0n,
            data: ERC20_ABI.encodeFunctionData('transfer', [y, 7n]).replace('a9059cbb', '095ea7b3'),
          },
        ]),
      },
      'trailing bytes': {
        ...base,
        data: encodeMultiSend([{ operation: 0, to: usdc, value: 0n, data: `${transfer}00` }]),
      },
      'ETH with a token call': {
        ...base,
        data: encodeMultiSend([{ operation: 0, to: usdc, value: 1n, data: transfer }]),
      },
      'zero-value empty call': { ...base, operation: 0, to: x, value: 0n, data: '0x' },
      'delegatecall with value': { ...base, value: 1n },
    };
    for (const [what, tx] of Object.entries(cases)) {
      expect(() => decodeSafeTxOutputs(tx, assetOf)).toThrow(IntentMismatchError);
      void what;
    }
  });

  it('refuses to build zero or negative outputs and unknown assets', () => {
    expect(() => buildSafeTx([], tokenOf, 0n)).toThrow();
    expect(() => buildSafeTx([{ address: x, asset: 'ETH', amount: 0n }], tokenOf, 0n)).toThrow();
    expect(() => buildSafeTx([{ address: x, asset: 'DAI', amount: 1n }], tokenOf, 0n)).toThrow(/DAI/);
  });
});
