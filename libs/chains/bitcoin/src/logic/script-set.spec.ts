import fc from 'fast-check';
import { ScriptSet } from './script-set';

describe('ScriptSet', () => {
  it('answers like a Set of hex strings, through growth and views into larger buffers (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 300 }),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 50 }),
        (added, probes) => {
          const set = new ScriptSet(4);
          const ref = new Set<string>();
          for (const s of added)
            expect(set.add(s)).toBe(
              !ref.has(Buffer.from(s).toString('hex')) && ref.add(Buffer.from(s).toString('hex')) !== undefined,
            );
          expect(set.size).toBe(ref.size);
          for (const p of [...added, ...probes]) {
            const padded = Buffer.concat([Buffer.from([9, 9]), p, Buffer.from([7])]);
            expect(set.has(padded, 2, 2 + p.length)).toBe(ref.has(Buffer.from(p).toString('hex')));
          }
        },
      ),
    );
  });
});
