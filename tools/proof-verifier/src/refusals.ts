/**
 * Every reason a verifier refuses a document, with the stage that finds it. The codes are stable
 * (docs/proof-of-liabilities.md lists them in this order): tools and tests switch on them.
 */
export const REFUSALS = {
  // Bytes and JSON (§ JSON rules), in one left-to-right pass.
  too_large: 'the document is larger than 4 MiB of UTF-8',
  bom: 'the document starts with a byte order mark',
  invalid_utf8: 'the bytes are not well-formed UTF-8',
  json_syntax: 'not one RFC 8259 JSON value',
  too_deep: 'arrays and objects nest deeper than 16 levels',
  duplicate_key: 'an object has the same key twice',
  lone_surrogate: 'a string holds an unpaired UTF-16 surrogate',
  non_integer: 'a number is not an integer written in canonical form (no fraction, exponent or -0)',
  // Fields (§ fields), in the order of each document's table.
  wrong_type: 'a value has the wrong JSON type',
  unknown_format: 'format is not "strongroom-proof-of-liabilities"',
  unsupported_version: 'a version this verifier does not know',
  wrong_kind: 'a published root given as a proof, or a proof as a published root',
  unknown_field: 'a field the format does not define',
  missing_field: 'a required field is absent',
  id_forbidden_char: 'an identifier holds a control, bidirectional-formatting or line-separator character',
  id_not_nfc: 'an identifier is not in Unicode Normalization Form C',
  id_length: 'an identifier is empty or longer than 255 UTF-8 bytes',
  time_invalid: 'snapshotTime is not a UTC time YYYY-MM-DDTHH:MM:SS.sssZ of a real date',
  assets_invalid: 'the asset list is not 1-64 distinct codes (in ascending order, version 2)',
  asset_set: 'an amount map does not hold exactly the listed assets',
  non_ascii_digit: 'an amount holds a digit other than 0-9',
  amount_not_canonical: 'an amount is not a decimal string without sign, fraction or leading zeros',
  amount_range: 'an amount is 2^256 or more',
  hex_invalid: 'a hash or nonce is not 64 lower-case hex characters',
  depth_range: 'the depth (path length) is above 32',
  leaf_index_range: 'leafIndex is not below 2^depth',
  // The user (§ verification, step 2).
  user_required: 'no user id was given to check the proof for',
  user_invalid: 'the user id given breaks the identifier rules',
  user_mismatch: 'the proof is for another user',
  // The path (steps 3-4).
  sum_overflow: 'a sum on the path reaches 2^256',
  root_mismatch: "the path does not lead to the proof's root",
  totals_mismatch: "the path does not add up to the proof's totals",
  // The trusted root (steps 5-6).
  published_inconsistent: 'the published document: its root is not the hash of its own fields',
  published_mismatch: 'the published document is for another snapshot, time, asset list, depth or version',
  root_input_invalid: 'the root given is not 64 hex digits',
  expected_root_mismatch: 'the proof leads to another root than the published one',
  published_totals_mismatch: 'the path adds up to other totals than the published ones',
} as const;

export type RefusalCode = keyof typeof REFUSALS;

/** Which input a refusal is about. */
export type RefusalSubject = 'proof' | 'published' | 'user' | 'root';

/**
 * Thrown inside the verifier, turned into a `{ outcome: 'invalid' }` result at its edge. `at` is
 * the JSON path of the value (`$` for the whole input); the stage sets `subject`.
 */
export class Refusal extends Error {
  subject: RefusalSubject = 'proof';

  constructor(
    readonly code: RefusalCode,
    readonly at: string,
    detail?: string,
  ) {
    // The path may hold a document's keys: printable ASCII only in the message.
    const path = at.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    super(`${path}: ${detail ?? REFUSALS[code]}`);
    this.name = 'Refusal';
  }
}

/** Runs one stage of a check; its refusals are about `subject`. */
export function within<T>(subject: RefusalSubject, stage: () => T): T {
  try {
    return stage();
  } catch (err) {
    if (err instanceof Refusal) err.subject = subject;
    throw err;
  }
}
