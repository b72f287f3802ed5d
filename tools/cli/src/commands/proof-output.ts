import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { asciiJson, terminalSafe } from '@strongroom/proof-verifier';

/** Where a proof command prints: standard output for what checks, standard error for what does not. */
export type Out = (line: string) => void;

/** The exit codes every proof check shares (`proof verify`, `proof statement`, ...). */
export const CHECK_EXIT = { valid: 0, invalid: 1, unreadable: 2, selfConsistent: 3 } as const;

type Outcome = { outcome: 'valid' | 'invalid' | 'self_consistent' };

/**
 * Adds commands to `proof` from a file other than proof.command.ts: main.ts may load this file
 * first, so the commands attach as `proof` is dispatched; `name` (one of them) makes it idempotent.
 */
export function attachToProof(program: Command, name: string, addCommands: (proof: Command) => void): void {
  const attach = (proof: Command) => {
    if (!proof.commands.some((c) => c.name() === name)) addCommands(proof);
  };
  const existing = program.commands.find((c) => c.name() === 'proof');
  if (existing) attach(existing);
  else
    program.hook('preSubcommand', (_program, sub) => {
      if (sub.name() === 'proof') attach(sub);
    });
}

/** A file as bytes ('-' for standard input), so the verifier's UTF-8 and BOM rules apply. */
export function readInput(file: string, err: Out): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(file === '-' ? 0 : file));
  } catch (e) {
    err(terminalSafe(`cannot read ${file}: ${(e as Error).message}`));
    return undefined;
  }
}

/** The document checked and, when `--published` names one, the root document it is checked against. */
export function readWithPublished(
  file: string,
  publishedFile: string | undefined,
  err: Out,
): { doc: Uint8Array; published?: Uint8Array } | undefined {
  // Both read before either refuses, so every unreadable file is named.
  const doc = readInput(file, err);
  const published = publishedFile === undefined ? undefined : readInput(publishedFile, err);
  if (!doc || (publishedFile !== undefined && !published)) return undefined;
  return { doc, published };
}

/** Whether `--user` was given: a document is checked for the user named, never for the one it names. */
export function userGiven(user: string | undefined, what: string, err: Out): user is string {
  if (user !== undefined) return true;
  err(`--user <id> is required: the ${what} is checked for the user you name, never for the one it names`);
  return false;
}

/** Prints a check's result: ASCII-only JSON, or its description escaped for the terminal. */
export function printChecked(result: Outcome, json: boolean | undefined, out: Out, err: Out, text: () => string[]) {
  if (json) out(asciiJson(result));
  // Line by line: a newline inside a document's value is escaped, not printed as a line of its own.
  else (result.outcome === 'invalid' ? err : out)(text().map(terminalSafe).join('\n'));
}

/** Prints a check's result and answers its exit code. */
export function reportChecked(result: Outcome, json: boolean | undefined, out: Out, err: Out, text: () => string[]) {
  printChecked(result, json, out, err, text);
  if (result.outcome === 'valid') return CHECK_EXIT.valid;
  return result.outcome === 'invalid' ? CHECK_EXIT.invalid : CHECK_EXIT.selfConsistent;
}

/** The refusal of a proof or root document: which part, where, why. */
export const invalidLine = (r: { code: string; subject: string; at: string; reason: string }): string =>
  `INVALID (${r.code}) in the ${r.subject} at ${r.at}: ${r.reason}`;

/** What a valid check was checked against (the root, the document, or both). */
export const checkedAgainstLine = (r: { checkedAgainst: string[] }): string =>
  `checked against the published ${r.checkedAgainst.join(' and ')} given`;

/** ` taken <time>` when the document states when its snapshot was taken (format 1 does not). */
export const takenAt = (snapshotTime: string | null | undefined): string =>
  snapshotTime ? ` taken ${snapshotTime}` : '';
