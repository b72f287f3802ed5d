import { AbiCoder, Wallet, zeroPadValue } from 'ethers';
import { TRANSFER_TOPIC } from '../constants';
import { AddressSet } from './address-set';
import { matchBlockTransfers } from './match-block-transfers';

const [dep, other, token, stranger] = Array.from({ length: 4 }, () => Wallet.createRandom().address);
const watched = new AddressSet();
watched.add(dep);
const assetOf = (t: string) => (t.toLowerCase() === token.toLowerCase() ? 'USDC' : null);
const log = (addr: string, to: string, amount: bigint, i: number) => ({
  transactionHash: `0x${String(i).padStart(64, '0')}`,
  logIndex: i,
  address: addr,
  topics: [TRANSFER_TOPIC, zeroPadValue(other, 32), zeroPadValue(to.toLowerCase(), 32)],
  data: AbiCoder.defaultAbiCoder().encode(['uint256'], [amount]),
});

describe('matchBlockTransfers', () => {
  it('keeps ETH to watched addresses from successful transactions and configured-token Transfers to them', () => {
    const txs = [
      { hash: '0xa1', to: dep.toLowerCase(), value: 5n },
      { hash: '0xa2', to: dep, value: 0n },
      { hash: '0xa3', to: other, value: 9n },
      { hash: '0xa4', to: null, value: 9n },
      { hash: '0xa5', to: dep, value: 3n },
    ];
    const logs = [
      log(token, dep, 7n, 1),
      log(token, other, 7n, 2),
      log(stranger, dep, 7n, 3),
      log(token, dep, 0n, 4),
      { ...log(token, dep, 1n, 5), topics: [TRANSFER_TOPIC, zeroPadValue(dep, 32)] },
    ];
    expect(matchBlockTransfers(txs, logs, watched, assetOf, (h) => h === '0xa5')).toEqual([
      { txid: '0xa1', index: 'native', address: dep, asset: 'ETH', amount: 5n },
      { txid: logs[0].transactionHash, index: '1', address: dep, asset: 'USDC', amount: 7n },
    ]);
  });
});
