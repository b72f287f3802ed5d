import { Refusal } from './refusals';

/**
 * The strict JSON reader of docs/proof-of-liabilities.md § JSON rules. Hand-written because the
 * rules are part of the format: JSON.parse lets the last duplicate key win, reads `3.0` and `3e0`
 * as 3 and keeps lone surrogates, and no library reports these with the format's codes. One
 * left-to-right pass; the first violation in reading order is the answer.
 */

/** A number as written (every number of the format is an integer; range checks read `text`). */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/** Objects are Maps, so no key (`__proto__` included) can reach an object's prototype. */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
export const MAX_NESTING = 16;

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const INTEGER = /^(0|-?[1-9][0-9]*)$/;
const NUMBER = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** UTF-8 length of a string (lone surrogates count 3, as their replacement would). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** True when the string holds no unpaired surrogate (String#isWellFormed, which ES2020 lacks). */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff || i + 1 >= s.length || (s.charCodeAt(i + 1) & 0xfc00) !== 0xdc00) return false;
    i++;
  }
  return true;
}

/** Reads a document given as bytes (checked as UTF-8) or as text; `maxBytes` for larger documents (tree exports). */
export function parseStrictJson(input: string | Uint8Array, maxBytes = MAX_DOCUMENT_BYTES): JsonValue {
  let text: string;
  if (typeof input === 'string') {
    if (utf8Length(input) > maxBytes) throw new Refusal('too_large', '$');
    if (input.charCodeAt(0) === 0xfeff) throw new Refusal('bom', '$');
    text = input;
  } else {
    if (input.length > maxBytes) throw new Refusal('too_large', '$');
    if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) throw new Refusal('bom', '$');
    try {
      text = decoder.decode(input);
    } catch {
      throw new Refusal('invalid_utf8', '$', `not well-formed UTF-8 (byte ${firstBadUtf8(input)})`);
    }
  }
  return new Reader(text).document();
}

/** Offset of the first ill-formed UTF-8 sequence, for the message only. */
function firstBadUtf8(bytes: Uint8Array): number {
  for (let end = 1; end <= bytes.length; end++) {
    try {
      decoder.decode(bytes.subarray(0, end), { stream: true });
    } catch {
      return end - 1;
    }
  }
  return bytes.length;
}

class Reader {
  private at = 0;
  constructor(private readonly text: string) {}

  document(): JsonValue {
    this.space();
    const value = this.value(0, '$');
    this.space();
    if (this.at < this.text.length) this.syntax('text after the JSON value');
    return value;
  }

  private syntax(what: string): never {
    throw new Refusal('json_syntax', '$', `${what} at character ${this.at}`);
  }

  private space(): void {
    const t = this.text;
    while (this.at < t.length) {
      const c = t.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.at++;
    }
  }

  private value(depth: number, where: string): JsonValue {
    const c = this.text[this.at];
    if (c === '{' || c === '[') {
      if (depth >= MAX_NESTING) throw new Refusal('too_deep', where, `nested deeper than ${MAX_NESTING} levels`);
      return c === '{' ? this.object(depth + 1, where) : this.array(depth + 1, where);
    }
    if (c === '"') return this.string(where);
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return v;
      }
    }
    return this.number(where);
  }

  private object(depth: number, where: string): JsonObject {
    const out: JsonObject = new Map();
    this.at++;
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      if (this.text[this.at] !== '"') this.syntax('expected a key');
      const key = this.string(where);
      const inner = `${where}.${key}`;
      if (out.has(key)) throw new Refusal('duplicate_key', inner, `the key ${quote(key)} appears twice`);
      this.space();
      if (this.text[this.at] !== ':') this.syntax('expected ":"');
      this.at++;
      this.space();
      out.set(key, this.value(depth, inner));
      this.space();
      const c = this.text[this.at++];
      if (c === '}') return out;
      if (c !== ',') this.syntax('expected "," or "}"');
      this.space();
    }
  }

  private array(depth: number, where: string): JsonValue[] {
    const out: JsonValue[] = [];
    this.at++;
    this.space();
    if (this.text[this.at] === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth, `${where}[${out.length}]`));
      this.space();
      const c = this.text[this.at++];
      if (c === ']') return out;
      if (c !== ',') this.syntax('expected "," or "]"');
      this.space();
    }
  }

  private string(where: string): string {
    const t = this.text;
    let out = '';
    let from = ++this.at;
    for (;;) {
      if (this.at >= t.length) this.syntax('unterminated string');
      const c = t.charCodeAt(this.at);
      if (c === 0x22) break;
      if (c < 0x20) this.syntax('a control character inside a string (escape it)');
      if (c !== 0x5c) {
        this.at++;
        continue;
      }
      out += t.slice(from, this.at);
      const e = t[this.at + 1];
      if (e === 'u') {
        const hex = t.slice(this.at + 2, this.at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.syntax('a bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e];
        this.at += 2;
      } else this.syntax('a bad escape');
      from = this.at;
    }
    out += t.slice(from, this.at);
    this.at++;
    if (!isWellFormed(out)) throw new Refusal('lone_surrogate', where, 'a string holds an unpaired surrogate');
    return out;
  }

  private number(where: string): JsonNumber {
    NUMBER.lastIndex = this.at;
    const m = NUMBER.exec(this.text);
    if (!m) this.syntax('expected a JSON value');
    this.at += m[0].length;
    if (!INTEGER.test(m[0])) throw new Refusal('non_integer', where, `${m[0]} is not an integer in canonical form`);
    return new JsonNumber(m[0]);
  }
}

/**
 * A foreign string as a quoted, printable-ASCII-only literal for messages: nothing a document
 * holds can reach a terminal or page unescaped through a refusal's text.
 */
export function quote(s: string): string {
  const shown = s.length > 80 ? `${s.slice(0, 80)}...` : s;
  return JSON.stringify(shown).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Plain JavaScript values (numbers as numbers) for readers that need no literal text. */
export function toPlain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return Number(v.text);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toPlain(x)]));
  return v;
}
