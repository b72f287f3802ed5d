import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PublishedRootV2 } from '@strongroom/proof-verifier';
import { main } from '../main';

type Out = (line: string) => void;

/** The verifier's test vectors (tools/proof-verifier/vectors), shared by the proof command specs. */
export const VECTORS = path.resolve(__dirname, '../../../proof-verifier/vectors');

/** The published format 2 root document of the vectors. */
export const v2Published = (): PublishedRootV2 =>
  JSON.parse(readFileSync(path.join(VECTORS, 'v2-published.json'), 'utf8')) as PublishedRootV2;

/** A fresh directory for the files a spec writes. */
export const specDir = (prefix: string): string => mkdtempSync(path.join(tmpdir(), `${prefix}-`));

/** Runs a command's `run*` function with its standard output and error captured apart. */
export function captureRun(run: (out: Out, err: Out) => number): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Runs `strongroom <args>` through the CLI entry point (as main.ts dispatches it), answering the
 * exit code it set and everything it printed on either stream.
 */
export async function runCli(args: string[]): Promise<{ status: number | undefined; output: string }> {
  const lines: string[] = [];
  const push = (...a: unknown[]) => void lines.push(a.join(' '));
  const log = jest.spyOn(console, 'log').mockImplementation(push);
  const error = jest.spyOn(console, 'error').mockImplementation(push);
  process.exitCode = undefined;
  try {
    await main(['node', 'strongroom', ...args]);
    return { status: process.exitCode === undefined ? undefined : Number(process.exitCode), output: lines.join('\n') };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    error.mockRestore();
  }
}
