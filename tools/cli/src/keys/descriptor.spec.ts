import { descriptorChecksum } from '@strongroom/chains-bitcoin';
import { multisigDescriptor } from './descriptor';

describe('multisigDescriptor', () => {
  it('uses the BIP-380 checksum (Bitcoin Core and BIP examples)', () => {
    expect(descriptorChecksum('raw(deadbeef)')).toBe('89f8spxm');
    expect(
      descriptorChecksum(
        "pkh([d34db33f/44'/0'/0']xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL/1/*)",
      ),
    ).toBe('ml40v0wf');
  });

  it('writes wsh(sortedmulti) with its checksum', () => {
    const k = ['02' + '11'.repeat(32), '03' + '22'.repeat(32)];
    const d = multisigDescriptor(1, k);
    expect(d.startsWith(`wsh(sortedmulti(1,${k[0]},${k[1]}))#`)).toBe(true);
    expect(d.split('#')[1]).toBe(descriptorChecksum(d.split('#')[0]));
  });
});
