import { asciiJson, terminalSafe } from './display';
import { Refusal, type RefusalCode } from './refusals';
import { JsonNumber, MAX_DOCUMENT_BYTES, parseStrictJson, toPlain } from './strict-json';

const code = (input: string | Uint8Array): RefusalCode | 'ok' => {
  try {
    parseStrictJson(input);
    return 'ok';
  } catch (err) {
    if (err instanceof Refusal) return err.code;
    throw err;
  }
};

describe('the strict JSON reader', () => {
  it('reads RFC 8259 JSON, keeping number literals and object keys as data (never as prototypes)', () => {
    const v = parseStrictJson(' {"a":[1,-2,0,true,false,null,"x\\u00e9\\ud83d\\ude00\\n"],"__proto__":{}} ');
    expect(toPlain(v)).toEqual({ a: [1, -2, 0, true, false, null, 'xé😀\n'], ['__proto__']: {} });
    expect(((v as Map<string, unknown>).get('a') as unknown[])[1]).toEqual(new JsonNumber('-2'));
    expect(Object.getPrototypeOf(toPlain(v))).toBe(Object.prototype);
  });

  it.each([
    ['{"a":1,"a":1}', 'duplicate_key'],
    ['{"a":1,"\\u0061":2}', 'duplicate_key'],
    ['[3.0]', 'non_integer'],
    ['[3e0]', 'non_integer'],
    ['[-0]', 'non_integer'],
    ['[01]', 'json_syntax'],
    ['[+1]', 'json_syntax'],
    ['["\\ud800"]', 'lone_surrogate'],
    ['["\\udc00\\ud800"]', 'lone_surrogate'],
    ['["a\ud800"]', 'lone_surrogate'],
    ["{'a':1}", 'json_syntax'],
    ['{"a":1,}', 'json_syntax'],
    ['[1] // c', 'json_syntax'],
    ['["\u0001"]', 'json_syntax'],
    ['["\\x41"]', 'json_syntax'],
    ['\u00a0[1]', 'json_syntax'],
    ['[\u0661]', 'json_syntax'],
    ['\ufeff[1]', 'bom'],
    ['', 'json_syntax'],
  ])('%j → %s', (text, expected) => {
    expect(code(text)).toBe(expected);
  });

  it('reports the first problem in reading order', () => {
    expect(code('{"a":1,"a":2.5}')).toBe('duplicate_key');
    expect(code('{"a":2.5,"a":1}')).toBe('non_integer');
    expect(code('{"a":"\\ud800","a":1,}')).toBe('lone_surrogate');
  });

  it('checks bytes as UTF-8 before reading them', () => {
    const bytes = (...b: number[]) => Uint8Array.from([0x5b, 0x22, ...b, 0x22, 0x5d]);
    expect(code(bytes(0x61))).toBe('ok');
    expect(code(bytes(0xc3, 0xa9))).toBe('ok');
    expect(code(bytes(0xff))).toBe('invalid_utf8');
    expect(code(bytes(0xc0, 0xaf))).toBe('invalid_utf8');
    expect(code(bytes(0xed, 0xa0, 0x80))).toBe('invalid_utf8');
    expect(code(bytes(0xf4, 0x90, 0x80, 0x80))).toBe('invalid_utf8');
    expect(code(Uint8Array.from([0xef, 0xbb, 0xbf, 0x31]))).toBe('bom');
  });

  it('nests at most 16 levels and reads at most 4 MiB', () => {
    expect(code('['.repeat(16) + ']'.repeat(16))).toBe('ok');
    expect(code('['.repeat(17) + ']'.repeat(17))).toBe('too_deep');
    expect(code(`"${'a'.repeat(MAX_DOCUMENT_BYTES - 2)}"`)).toBe('ok');
    expect(code(`"${'a'.repeat(MAX_DOCUMENT_BYTES - 1)}"`)).toBe('too_large');
    expect(code(`"${'é'.repeat(MAX_DOCUMENT_BYTES / 2)}"`)).toBe('too_large');
    expect(code(new Uint8Array(MAX_DOCUMENT_BYTES + 1).fill(0x20))).toBe('too_large');
  });
});

describe('terminal-safe output', () => {
  it('escapes controls, bidirectional formatting, separators, lone surrogates and the backslash; keeps text', () => {
    expect(terminalSafe('a\u001b[8mb\u0007\u007f\u009b\u202e\u2028\ud800\\ josé 山田 😀')).toBe(
      'a\\x1b[8mb\\x07\\x7f\\x9b\\u{202e}\\u{2028}\\u{d800}\\\\ josé 山田 😀',
    );
  });

  it('writes JSON as printable ASCII that parses back to the same value', () => {
    const value = { id: 'é\u001b\u009b\u202e😀', n: 1 };
    const text = asciiJson(value);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
