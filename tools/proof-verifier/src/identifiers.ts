import { MAX_ID_BYTES, type FormatVersion } from './format';
import { Refusal } from './refusals';
import { isWellFormed, utf8Length } from './strict-json';

/**
 * Code points an identifier (user id, snapshot id) may not hold in format 2: the C0 and C1
 * controls and DEL (general category Cc), the bidirectional formatting characters and the line
 * and paragraph separators. They move a terminal's cursor, hide or reorder text, so two ids could
 * look the same on screen.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/**
 * The identifier rules of the format version (docs § identifiers), in their order: a string;
 * (2) no unpaired surrogate, no forbidden character, Normalization Form C; 1-255 UTF-8 bytes.
 * Version 1 used ids as given, so it checks only the type, well-formedness and length.
 */
export function checkIdentifier(value: unknown, where: string, version: FormatVersion = 2): string {
  if (typeof value !== 'string') throw new Refusal('wrong_type', where, 'expected a string');
  if (!isWellFormed(value)) throw new Refusal('lone_surrogate', where, 'holds an unpaired surrogate');
  if (version >= 2) {
    const bad = FORBIDDEN.exec(value);
    if (bad)
      throw new Refusal(
        'id_forbidden_char',
        where,
        `holds U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at position ${bad.index}`,
      );
    if (value.normalize('NFC') !== value)
      throw new Refusal('id_not_nfc', where, 'is not in Unicode Normalization Form C (NFC)');
  }
  const bytes = utf8Length(value);
  if (bytes === 0 || bytes > MAX_ID_BYTES)
    throw new Refusal('id_length', where, `is ${bytes} UTF-8 bytes (1-${MAX_ID_BYTES} allowed)`);
  return value;
}

export function hasForbiddenChar(value: string): boolean {
  return FORBIDDEN.test(value);
}

/** True for the ids the prover can take without the full check: printable ASCII only. */
export function isPlainAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

const TIME = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.[0-9]{3}Z$/;

/** snapshotTime: `YYYY-MM-DDTHH:MM:SS.sssZ`, UTC, a real Gregorian date, seconds 00-59. */
export function checkSnapshotTime(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Refusal('wrong_type', where, 'expected a string');
  const m = TIME.exec(value);
  const [year, month, day, hour, minute, second] = (m ?? []).slice(1).map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (!m || days === undefined || day < 1 || day > days || hour > 23 || minute > 59 || second > 59)
    throw new Refusal('time_invalid', where, 'expected YYYY-MM-DDTHH:MM:SS.sssZ of a real UTC date and time');
  return value;
}
