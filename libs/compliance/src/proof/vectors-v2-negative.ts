// Long because it is one table: a case per rule of the spec, in the spec's order.
import type { InclusionProofV2, PublishedRootV1, PublishedRootV2 } from '@strongroom/proof-verifier';
import { MAX_U256, clone, edit, flipFirstByte, invalid, type VectorCase } from './vector-cases';
import { SMALL, smallTree } from './vectors-v2';

// Long because it is the table of format 2 refusals, one case per rule of the spec in the order
// the spec lists them: split, the table would no longer read beside the spec.
/**
 * Format 2 negative vectors: for each rule of docs/proof-of-liabilities.md (bytes and JSON,
 * fields, the user, the path, the trusted root), inputs that break exactly that rule.
 */
export function v2NegativeVectors(v1Published: PublishedRootV1): Record<string, unknown> {
  const tree = smallTree();
  const published = tree.published() as PublishedRootV2;
  const alice = tree.proofFor(SMALL.users[0].userId) as InclusionProofV2;
  const frank = tree.proofFor('frank') as InclusionProofV2;
  const dave = tree.proofFor(SMALL.users[3].userId) as InclusionProofV2;
  const user = alice.userId;
  const root = tree.root;
  const text = JSON.stringify(alice);
  const bytes = (t: string, at: string, insert: number[]) => {
    const b = Buffer.from(t, 'utf8');
    const i = b.indexOf(Buffer.from(at, 'utf8'));
    return Buffer.concat([b.subarray(0, i), Buffer.from(insert), b.subarray(i)]).toString('base64');
  };
  const withText = (name: string, description: string, proofText: string, expect = invalid('json_syntax')) =>
    ({ name, description, proofText, user, root, expect }) satisfies VectorCase;
  const withProof = (name: string, description: string, proof: unknown, expect: VectorCase['expect']) =>
    ({ name, description, proof, user, root, expect }) satisfies VectorCase;
  const p = (change: (q: InclusionProofV2) => void) => edit(alice, change);
  const d = (change: (q: PublishedRootV2) => void) => edit(published, change);
  const swapped = d((q) => ([q.totals.BTC, q.totals.USDC] = [q.totals.USDC, q.totals.BTC]));
  const withoutErin = smallTree({ users: SMALL.users.filter((u) => u.userId !== 'erin') }).published();
  const laterTime = smallTree({ snapshotTime: '2026-12-01T00:00:00.001Z' }).published();

  const cases: VectorCase[] = [
    // Bytes and JSON.
    {
      name: 'bom_bytes',
      description: 'UTF-8 BOM before the JSON',
      proofBase64: bytes(text, '{', [0xef, 0xbb, 0xbf]),
      user,
      root,
      expect: invalid('bom'),
    },
    withText('bom_text', 'U+FEFF as the first character of the text', `\ufeff${text}`, invalid('bom')),
    {
      name: 'invalid_utf8',
      description: 'a 0xFF byte inside the user id',
      proofBase64: bytes(text, 'ce@example', [0xff]),
      user,
      root,
      expect: invalid('invalid_utf8'),
    },
    {
      name: 'utf8_surrogate',
      description: 'a surrogate encoded in UTF-8 (ED A0 80)',
      proofBase64: bytes(text, 'ce@example', [0xed, 0xa0, 0x80]),
      user,
      root,
      expect: invalid('invalid_utf8'),
    },
    {
      name: 'utf8_overlong',
      description: "an overlong encoding of '/' (C0 AF)",
      proofBase64: bytes(text, 'ce@example', [0xc0, 0xaf]),
      user,
      root,
      expect: invalid('invalid_utf8'),
    },
    withText('trailing_comma', 'a comma before the closing brace', `${text.slice(0, -1)},}`),
    withText('raw_control_in_string', 'an unescaped tab inside a string', text.replace('alice@', 'alice\t@')),
    withText('text_after_value', 'a second value after the document', `${text} {}`),
    withText(
      'too_deep',
      'arrays nested 17 deep, before any other problem',
      `{"x":${'['.repeat(17)}${']'.repeat(17)},${text.slice(1)}`,
      invalid('too_deep'),
    ),
    withText(
      'duplicate_key',
      'balances twice, the second lower (JSON.parse keeps the last)',
      `${text.slice(0, -1)},"balances":{"BTC":"0","ETH":"0","USDC":"0"}}`,
      invalid('duplicate_key'),
    ),
    withText(
      'duplicate_key_nested',
      "BTC twice in a sibling's sums",
      text.replace('"sums":{', '"sums":{"BTC":"0",'),
      invalid('duplicate_key'),
    ),
    withText(
      'duplicate_key_escaped',
      'userId and user\\u0049d are the same key',
      `${text.slice(0, -1)},"user\\u0049d":"mallory"}`,
      invalid('duplicate_key'),
    ),
    withText(
      'lone_surrogate',
      'an unpaired \\ud800 in the user id',
      text.replace('alice@', 'alice\\ud800@'),
      invalid('lone_surrogate'),
    ),
    withText(
      'integer_with_fraction',
      'leafIndex written 3.0',
      text.replace(/"leafIndex":(\d+)/, '"leafIndex":$1.0'),
      invalid('non_integer'),
    ),
    withText(
      'integer_with_exponent',
      'leafIndex written 3e0',
      text.replace(/"leafIndex":(\d+)/, '"leafIndex":$1e0'),
      invalid('non_integer'),
    ),
    withText(
      'version_with_fraction',
      'version written 2.0',
      text.replace('"version":2', '"version":2.0'),
      invalid('non_integer'),
    ),
    withText(
      'negative_zero',
      'leafIndex written -0',
      text.replace(/"leafIndex":(\d+)/, '"leafIndex":-0'),
      invalid('non_integer'),
    ),
    // Fields.
    withProof('not_an_object', 'a JSON array', [alice], invalid('wrong_type')),
    withProof(
      'unknown_format',
      'another format name',
      p((q) => ((q as { format: string }).format = 'strongroom-proof-of-assets')),
      invalid('unknown_format'),
    ),
    withProof(
      'unsupported_version',
      'version 3',
      p((q) => ((q as unknown as { version: number }).version = 3)),
      invalid('unsupported_version'),
    ),
    withProof('published_as_proof', 'the published document given as a proof', clone(published), invalid('wrong_kind')),
    withProof('unknown_field', 'an extra top-level field', { ...alice, note: 'x' }, invalid('unknown_field')),
    withProof(
      'unknown_step_field',
      'an extra field in a path step',
      p((q) => Object.assign(q.path[0], { note: 'x' })),
      invalid('unknown_field'),
    ),
    withProof(
      'missing_field',
      'no nonce',
      p((q) => delete (q as Partial<InclusionProofV2>).nonce),
      invalid('missing_field'),
    ),
    withProof(
      'index_as_string',
      'leafIndex as a string',
      { ...alice, leafIndex: String(alice.leafIndex) },
      invalid('wrong_type'),
    ),
    withProof(
      'amount_as_number',
      'a balance as a JSON number',
      p((q) => ((q.balances as Record<string, unknown>).BTC = 150000000)),
      invalid('wrong_type'),
    ),
    withProof(
      'snapshot_id_ansi',
      'an ANSI conceal sequence in the snapshot id',
      p((q) => (q.snapshotId += '\u001b[8m')),
      invalid('id_forbidden_char'),
    ),
    withProof(
      'user_id_bidi',
      'a right-to-left override in the user id',
      p((q) => (q.userId = 'alice\u202e@example.com')),
      invalid('id_forbidden_char'),
    ),
    {
      name: 'user_id_nfd',
      description: "dave's id decomposed (NFD), also as the user given",
      proof: edit(dave, (q) => (q.userId = q.userId.normalize('NFD'))),
      user: dave.userId.normalize('NFD'),
      root,
      expect: invalid('id_not_nfc'),
    },
    withProof(
      'user_id_too_long',
      '256 bytes of user id',
      p((q) => (q.userId = 'a'.repeat(256))),
      invalid('id_length'),
    ),
    withProof(
      'impossible_date',
      'February 30th',
      p((q) => (q.snapshotTime = '2026-02-30T00:00:00.000Z')),
      invalid('time_invalid'),
    ),
    withProof(
      'time_without_milliseconds',
      'seconds only',
      p((q) => (q.snapshotTime = '2026-12-01T00:00:00Z')),
      invalid('time_invalid'),
    ),
    withProof(
      'time_with_offset',
      'an offset instead of Z',
      p((q) => (q.snapshotTime = '2026-12-01T01:00:00.000+01:00')),
      invalid('time_invalid'),
    ),
    withProof(
      'assets_not_ascending',
      'the asset list reordered (format 2 lists them ascending)',
      p((q) => (q.assets = ['ETH', 'BTC', 'USDC'])),
      invalid('assets_invalid'),
    ),
    withProof(
      'duplicate_asset',
      'BTC listed twice',
      p((q) => (q.assets = ['BTC', 'BTC', 'USDC'])),
      invalid('assets_invalid'),
    ),
    withProof(
      'lower_case_asset',
      'an asset code in lower case',
      p((q) => (q.assets = ['BTC', 'ETH', 'usdc'])),
      invalid('assets_invalid'),
    ),
    withProof(
      'missing_asset',
      'no USDC balance (a missing asset is not read as 0)',
      p((q) => delete (q.balances as Partial<Record<string, string>>).USDC),
      invalid('asset_set'),
    ),
    withProof(
      'extra_asset',
      'a balance of an asset not listed',
      p((q) => (q.balances.DOGE = '1')),
      invalid('asset_set'),
    ),
    withProof(
      'arabic_indic_digits',
      'the BTC balance in Arabic-Indic digits',
      p((q) => (q.balances.BTC = '\u0661\u0665\u0660\u0660\u0660\u0660\u0660\u0660\u0660')),
      invalid('non_ascii_digit'),
    ),
    withProof(
      'fullwidth_digits',
      'the BTC balance in fullwidth digits',
      p((q) => (q.balances.BTC = '\uff11\uff15\uff10\uff10\uff10\uff10\uff10\uff10\uff10')),
      invalid('non_ascii_digit'),
    ),
    withProof(
      'leading_zero',
      'a balance with a leading zero',
      p((q) => (q.balances.BTC = `0${q.balances.BTC}`)),
      invalid('amount_not_canonical'),
    ),
    withProof(
      'plus_sign',
      'a balance with a plus sign',
      p((q) => (q.balances.BTC = `+${q.balances.BTC}`)),
      invalid('amount_not_canonical'),
    ),
    withProof(
      'decimal_amount',
      'a balance with a fraction',
      p((q) => (q.balances.BTC = `${q.balances.BTC}.0`)),
      invalid('amount_not_canonical'),
    ),
    withProof(
      'negative_balance',
      'a negative balance (not encodable)',
      p((q) => (q.balances.ETH = '-1')),
      invalid('amount_not_canonical'),
    ),
    withProof(
      'balance_too_large',
      'a balance of 2^256',
      p((q) => (q.balances.ETH = (1n << 256n).toString())),
      invalid('amount_range'),
    ),
    withProof(
      'upper_case_nonce',
      'the nonce in upper-case hex',
      p((q) => (q.nonce = q.nonce.toUpperCase())),
      invalid('hex_invalid'),
    ),
    withProof(
      'path_too_long',
      '33 path steps',
      p((q) => (q.path = [...q.path, ...Array.from({ length: 33 - q.path.length }, () => q.path[0])])),
      invalid('depth_range'),
    ),
    withProof(
      'leaf_index_too_large',
      'leafIndex = 2^depth',
      p((q) => (q.leafIndex = 2 ** q.path.length)),
      invalid('leaf_index_range'),
    ),
    // The user.
    {
      name: 'no_user',
      description: 'no user id given to the verifier',
      proof: clone(alice),
      user: null,
      root,
      expect: invalid('user_required', 'user'),
    },
    {
      name: 'user_with_control',
      description: 'the user id given holds an escape character',
      proof: clone(alice),
      user: `${user}\u001b[2K`,
      root,
      expect: invalid('user_invalid', 'user'),
    },
    {
      name: 'other_users_proof',
      description: "grace (not in the tree, same balances as frank) is given frank's proof",
      proof: clone(frank),
      user: 'grace',
      root,
      expect: invalid('user_mismatch', 'user'),
    },
    {
      name: 'other_users_leaf_renamed',
      description: "frank's proof with its user id changed to grace, checked as grace",
      proof: edit(frank, (q) => (q.userId = 'grace')),
      user: 'grace',
      root,
      expect: invalid('root_mismatch'),
    },
    // The path and the proof's own claims.
    withProof(
      'sibling_sum_overflow',
      'a sibling sum that overflows u256 when added',
      p((q) => (q.path[0].sums.BTC = MAX_U256)),
      invalid('sum_overflow'),
    ),
    withProof(
      'changed_balance',
      'one balance raised by 1',
      p((q) => (q.balances.BTC = (BigInt(q.balances.BTC) + 1n).toString())),
      invalid('root_mismatch'),
    ),
    withProof(
      'dropped_sibling',
      'the last sibling removed (leaf index reduced to fit)',
      p((q) => {
        q.path.pop();
        q.leafIndex %= 2 ** q.path.length;
      }),
      invalid('root_mismatch'),
    ),
    withProof(
      'forged_sibling_sum',
      "a sibling's ETH sum set to 0 (hiding the liabilities under it)",
      p((q) => (q.path[1].sums.ETH = '0')),
      invalid('root_mismatch'),
    ),
    withProof(
      'altered_sibling_hash',
      "one byte of a sibling's hash changed",
      p((q) => (q.path[0].hash = flipFirstByte(q.path[0].hash))),
      invalid('root_mismatch'),
    ),
    withProof(
      'wrong_nonce',
      'another nonce',
      p((q) => (q.nonce = flipFirstByte(q.nonce))),
      invalid('root_mismatch'),
    ),
    withProof(
      'flipped_leaf_index',
      'the leaf claimed on the other side of its sibling',
      p((q) => (q.leafIndex ^= 1)),
      invalid('root_mismatch'),
    ),
    withProof(
      'changed_snapshot_time',
      'the snapshot time moved by one millisecond',
      p((q) => (q.snapshotTime = '2026-12-01T00:00:00.001Z')),
      invalid('root_mismatch'),
    ),
    withProof(
      'changed_snapshot_id',
      'another snapshot id',
      p((q) => (q.snapshotId = 'vector-snapshot-3')),
      invalid('root_mismatch'),
    ),
    withProof(
      'altered_proof_root',
      "the proof's root replaced",
      p((q) => (q.root = 'ab'.repeat(32))),
      invalid('root_mismatch'),
    ),
    withProof(
      'swapped_totals',
      "the proof's BTC and USDC totals swapped",
      p((q) => ([q.totals.BTC, q.totals.USDC] = [q.totals.USDC, q.totals.BTC])),
      invalid('totals_mismatch'),
    ),
    withProof(
      'understated_proof_totals',
      "the proof's BTC total understated",
      p((q) => (q.totals.BTC = '150000001')),
      invalid('totals_mismatch'),
    ),
    // The trusted root.
    {
      name: 'wrong_root',
      description: 'a valid proof checked against another published root',
      proof: clone(alice),
      user,
      root: 'ab'.repeat(32),
      expect: invalid('expected_root_mismatch', 'root'),
    },
    {
      name: 'root_not_hex',
      description: 'the root given is not 64 hex digits',
      proof: clone(alice),
      user,
      root: 'not-a-root',
      expect: invalid('root_input_invalid', 'root'),
    },
    {
      name: 'understated_published_totals',
      description: 'published totals understated, the real root left in place',
      proof: clone(alice),
      user,
      published: d((q) => (q.totals.BTC = '150000001')),
      expect: invalid('published_inconsistent', 'published'),
    },
    {
      name: 'swapped_published_totals',
      description: 'published BTC and USDC totals swapped, the real root left in place',
      proof: clone(alice),
      user,
      published: swapped,
      expect: invalid('published_inconsistent', 'published'),
    },
    {
      name: 'published_top_hash_changed',
      description: 'the published top hash changed',
      proof: clone(alice),
      user,
      published: d((q) => (q.topHash = flipFirstByte(q.topHash))),
      expect: invalid('published_inconsistent', 'published'),
    },
    {
      name: 'published_other_tree',
      description: 'a self-consistent document of a tree without erin (understated totals, its own root)',
      proof: clone(alice),
      user,
      published: withoutErin,
      expect: invalid('expected_root_mismatch', 'published'),
    },
    {
      name: 'published_other_time',
      description: 'the document of the same tree taken one millisecond later',
      proof: clone(alice),
      user,
      published: laterTime,
      expect: invalid('published_mismatch', 'published'),
    },
    {
      name: 'published_format_1',
      description: 'a format 1 document for a format 2 proof',
      proof: clone(alice),
      user,
      published: v1Published,
      expect: invalid('published_mismatch', 'published'),
    },
    {
      name: 'published_duplicate_key',
      description: 'the published totals twice',
      proof: clone(alice),
      user,
      publishedText: `${JSON.stringify(published).slice(0, -1)},"totals":${JSON.stringify(withoutErin.totals)}}`,
      expect: invalid('duplicate_key', 'published'),
    },
    {
      name: 'no_root',
      description: 'a valid proof with no published root or document: only self-consistent',
      proof: clone(alice),
      user,
      expect: { outcome: 'self_consistent' },
    },
    // A published document on its own.
    {
      name: 'document_alone',
      description: 'the published document without a root from elsewhere: only self-consistent',
      check: 'published',
      published: clone(published),
      expect: { outcome: 'self_consistent' },
    },
    {
      name: 'document_understated',
      description: 'the document alone, totals understated',
      check: 'published',
      published: d((q) => (q.totals.BTC = '150000001')),
      root,
      expect: invalid('published_inconsistent', 'published'),
    },
    {
      name: 'document_other_root',
      description: 'the document alone, checked against another root',
      check: 'published',
      published: clone(published),
      root: 'ab'.repeat(32),
      expect: invalid('expected_root_mismatch', 'root'),
    },
    {
      name: 'document_format_1',
      description: 'a format 1 document alone has no top hash to check',
      check: 'published',
      published: v1Published,
      root: v1Published.root,
      expect: invalid('unsupported_version', 'published'),
    },
  ];
  return {
    'v2-negative.json': {
      description:
        'Format 2 inputs a verifier must refuse (or call only self-consistent), each with its code and the input it is about.',
      cases,
    },
  };
}
