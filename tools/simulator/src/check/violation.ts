/** One broken invariant: a stable code (what broke) and the facts that show it. */
export interface Violation {
  code: string;
  detail: string;
}

/**
 * Violations the simulator finds in the libraries today and that another change is fixing:
 * reported on every run, but they fail a run only with `strict` (see docs/simulation.md). Each
 * entry says why it is known; remove it once the fix lands and the seeds pass.
 */
export const KNOWN_REGRESSIONS: Readonly<Record<string, string>> = {};

export class InvariantFailure extends Error {
  override name = 'InvariantFailure';
  constructor(
    readonly violations: Violation[],
    readonly step: number,
  ) {
    super(
      `${violations.length} invariant(s) broken at step ${step}: ${violations.map((v) => `${v.code}: ${v.detail}`).join('; ')}`,
    );
  }
}
