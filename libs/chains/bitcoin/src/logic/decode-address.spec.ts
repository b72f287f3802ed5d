import { address as baddress, networks } from 'bitcoinjs-lib';
import fc from 'fast-check';
import { decodeAddress } from './decode-address';
import { validateAddress } from './validate-address';

const netOf = (a: string) => (a.toLowerCase().startsWith('tb') ? 'testnet' : 'mainnet');

// BIP-350 "Test vectors for v0-v16 native segregated witness addresses" (valid), with scriptPubKeys.
const BIP350_VALID: [string, string][] = [
  ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', '0014751e76e8199196d454941c45d1b3a323f1433bd6'],
  [
    'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7',
    '00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262',
  ],
  [
    'bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y',
    '5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6',
  ],
  ['BC1SW50QGDZ25J', '6002751e'],
  ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', '5210751e76e8199196d454941c45d1b3a323'],
  [
    'tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy',
    '0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433',
  ],
  [
    'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
    '5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433',
  ],
  [
    'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    '512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
  ],
];

// BIP-350 invalid addresses, and BIP-173's invalid ones that stay invalid under BIP-350.
const BIP350_INVALID = [
  'tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd',
  'tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf',
  'BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL',
  'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh',
  'tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47',
  'bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4',
  'BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R',
  'bc1pw5dgrnzv',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav',
  'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P',
  'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq',
  'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf',
  'tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j',
  'bc1gmk9yu',
];
const BIP173_INVALID = [
  'tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty',
  'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5',
  'BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2',
  'bc1rw5uspcuh',
  'bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90',
  'BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P',
  'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7',
  'bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du',
  'tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv',
  'bc1gmk9yu',
];

describe('decodeAddress (BIP-173 / BIP-350 vectors)', () => {
  it.each(BIP350_VALID)('decodes %s to its scriptPubKey', (addr, script) => {
    const d = decodeAddress(addr, netOf(addr));
    expect(d).toMatchObject({ ok: true });
    expect(d.ok && d.script.toString('hex')).toBe(script);
  });

  it.each([...BIP350_INVALID, ...BIP173_INVALID])('refuses %s on every network', (addr) => {
    for (const net of ['mainnet', 'testnet', 'regtest'] as const) expect(decodeAddress(addr, net).ok).toBe(false);
  });

  it('names the reason: checksum, wrong network, malformed', () => {
    expect(decodeAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'mainnet')).toMatchObject({
      code: 'address.checksum',
    });
    expect(decodeAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'mainnet')).toMatchObject({
      code: 'address.checksum',
    });
    expect(decodeAddress('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'regtest')).toMatchObject({
      code: 'address.wrong_network',
    });
    expect(decodeAddress('tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7', 'regtest')).toMatchObject({
      code: 'address.wrong_network',
    });
    expect(decodeAddress('tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq', 'testnet')).toMatchObject({
      code: 'address.malformed',
    });
    expect(decodeAddress('1111111111111111111114oLvT2', 'regtest')).toMatchObject({ code: 'address.wrong_network' });
    expect(decodeAddress('1111111111111111111114oLvT3', 'mainnet')).toMatchObject({ code: 'address.checksum' });
    expect(decodeAddress('0OIl', 'mainnet')).toMatchObject({ code: 'address.malformed' });
    expect(decodeAddress('', 'mainnet')).toMatchObject({ code: 'address.malformed' });
  });

  it('decodes the all-zero P2PKH burn address', () => {
    const d = decodeAddress('1111111111111111111114oLvT2', 'mainnet');
    expect(d.ok && d.script.toString('hex')).toBe(`76a914${'00'.repeat(20)}88ac`);
  });

  it('agrees with bitcoinjs-lib on random base58 and bech32 addresses of each network (property)', () => {
    const nets = { mainnet: networks.bitcoin, testnet: networks.testnet, regtest: networks.regtest } as const;
    fc.assert(
      fc.property(
        fc.constantFrom('mainnet', 'testnet', 'regtest' as const),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 4 }),
        (net, h20, h32, kind) => {
          const n = nets[net];
          const addr = [
            () => baddress.toBase58Check(Buffer.from(h20), n.pubKeyHash),
            () => baddress.toBase58Check(Buffer.from(h20), n.scriptHash),
            () => baddress.toBech32(Buffer.from(h20), 0, n.bech32),
            () => baddress.toBech32(Buffer.from(h32), 0, n.bech32),
            () => baddress.toBech32(Buffer.from(h32), 1, n.bech32),
          ][kind]();
          const d = decodeAddress(addr, net);
          // bitcoinjs checks a taproot key is on the curve (needs an ECC lib); the v1 script is plain.
          const expected =
            kind === 4
              ? `5120${Buffer.from(h32).toString('hex')}`
              : Buffer.from(baddress.toOutputScript(addr, n)).toString('hex');
          expect(d.ok && d.script.toString('hex')).toBe(expected);
          expect(validateAddress(addr, net).ok).toBe(true);
          const other = net === 'mainnet' ? 'testnet' : 'mainnet';
          expect(decodeAddress(addr, other)).toMatchObject({ ok: false, code: 'address.wrong_network' });
        },
      ),
    );
  });
});

describe('validateAddress', () => {
  it('refuses valid but not yet spendable witness programs (v1 non-taproot, v2+)', () => {
    expect(validateAddress('BC1SW50QGDZ25J', 'mainnet')).toMatchObject({ ok: false, code: 'address.refused' });
    expect(validateAddress('bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'mainnet')).toMatchObject({
      ok: false,
      code: 'address.refused',
    });
    expect(
      validateAddress('bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y', 'mainnet'),
    ).toMatchObject({ ok: false, code: 'address.refused' });
  });
  it('accepts taproot and normalises bech32 to lower case', () => {
    expect(validateAddress('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'mainnet')).toEqual({
      ok: true,
      normalized: 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
    });
    expect(validateAddress('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'mainnet')).toEqual({
      ok: true,
      normalized: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
    });
  });
});
