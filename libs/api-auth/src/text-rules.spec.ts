import { AuthErrors } from './auth.errors';
import { safeLabel, unsafeTextReason } from './text-rules';

describe('safeLabel', () => {
  const refused = [
    'nul\u0000byte',
    '\u001b[31mred\u001b[0m',
    'bell\u0007',
    'tab\there',
    'new\nline',
    'c1\u009bcontrol',
    'del\u007f',
    'right-to-left \u202Eevil\u202C',
    'isolate \u2066x\u2069',
    'mark\u200F',
    'arabic letter mark \u061C',
    'line\u2028separator',
    'lone \ud800 high',
    'lone \udc00 low',
    'reversed \udc00\ud800',
  ];

  it.each(refused)('refuses %j with the given code', (name) => {
    expect(unsafeTextReason(name)).not.toBeNull();
    expect(() => safeLabel(name, AuthErrors['auth.invalid_name'], 'a name')).toThrow(
      expect.objectContaining({ code: 'auth.invalid_name', status: 400 }),
    );
  });

  it('accepts ordinary names in any script, emoji (a valid surrogate pair) included, and trims them', () => {
    for (const name of ['exchange backend', 'Zürich ops', '東京 desk', 'ops 🔐', "o'brien-2 (prod)"]) {
      expect(unsafeTextReason(name)).toBeNull();
      expect(safeLabel(`  ${name} `, AuthErrors['client.invalid'], 'n')).toBe(name);
    }
  });

  it('refuses empty and over-long names, and non-strings', () => {
    for (const v of ['', '   ', 'x'.repeat(201), 42, null, undefined]) {
      expect(() => safeLabel(v, AuthErrors['auth.invalid_name'], 'a name')).toThrow(
        expect.objectContaining({ code: 'auth.invalid_name' }),
      );
    }
    expect(safeLabel('x'.repeat(200), AuthErrors['client.invalid'], 'n')).toHaveLength(200);
  });
});
