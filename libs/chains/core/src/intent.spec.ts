import { checkOutputsMatch, IntentMismatchError } from './intent';

const approved = [
  { ref: 'w1', address: 'bc1qa', asset: 'BTC', amount: 5n },
  { ref: 'w2', address: 'bc1qb', asset: 'BTC', amount: 7n },
  { ref: 'w3', address: 'bc1qb', asset: 'BTC', amount: 7n },
];

describe('checkOutputsMatch', () => {
  it('accepts exactly the approved outputs in any order', () => {
    expect(() => checkOutputsMatch([approved[2], approved[0], approved[1]], approved)).not.toThrow();
  });
  it('refuses an altered amount, an extra output and a missing one', () => {
    expect(() => checkOutputsMatch([approved[0], approved[1], { ...approved[2], amount: 8n }], approved)).toThrow(
      IntentMismatchError,
    );
    expect(() => checkOutputsMatch([...approved, { address: 'bc1qc', asset: 'BTC', amount: 1n }], approved)).toThrow(
      IntentMismatchError,
    );
    expect(() => checkOutputsMatch([approved[0], approved[1]], approved)).toThrow(/w3|w2/);
  });
});
