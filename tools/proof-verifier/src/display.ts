/**
 * Output that a document cannot turn into terminal commands. Everything a verifier prints may
 * come from a file someone else wrote (ids, asset codes, reasons quoting them); an ANSI sequence
 * there could hide or rewrite the lines around it.
 */

// C0 and C1 controls, DEL, bidirectional formatting characters, line/paragraph separators, lone surrogates.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * One line of foreign text made safe to print: a backslash becomes `\\`, the characters above
 * `\xHH` (below U+0100) or `\u{HHHH}`. Printable text, including non-ASCII letters, is kept.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    if (c === '\\') return '\\\\';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/**
 * JSON for machines that is also safe on a terminal: every character outside printable ASCII is
 * written as a \uXXXX escape, so the output is plain ASCII and parses back to the same value.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[^\x20-\x7e\n]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
