import type { Prng } from '../prng';

/** The process dies here: everything in memory is lost, the database and the world stay. */
export class SimCrash extends Error {
  override name = 'SimCrash';
  constructor(readonly point: string) {
    super(`simulated crash at ${point}`);
  }
}

/** A transaction the database refused at commit (a lost connection, a failed fsync). */
export class SimDbFault extends Error {
  override name = 'SimDbFault';
}

/**
 * Where the next crash happens: armed with a countdown of crash points, every point the
 * process passes (a worker's fault point, a follower checkpoint, before or after a commit)
 * counts down, and the one reaching zero throws SimCrash. Counts each point reached and each
 * crash taken, for coverage.
 */
export class CrashPlan {
  private countdown = 0;
  /** Set once a crash fired: the dead process may do nothing more (see `guard`). */
  dead = false;
  /** Where the last crash landed. */
  lastCrash = '';
  readonly reached = new Map<string, number>();
  readonly crashed = new Map<string, number>();
  pDbFault = 0.01;
  quiet = false;

  constructor(private readonly rng: Prng) {}

  /** Crash at the n-th crash point from now. */
  arm(n: number): void {
    this.countdown = n;
  }

  disarm(): void {
    this.countdown = 0;
  }

  get armed(): boolean {
    return this.countdown > 0;
  }

  /** A crash point: counts it, and throws if this is where the armed crash lands. */
  point(name: string): void {
    this.reached.set(name, (this.reached.get(name) ?? 0) + 1);
    this.guard();
    if (this.countdown > 0 && --this.countdown === 0) {
      this.crashed.set(name, (this.crashed.get(name) ?? 0) + 1);
      this.dead = true;
      this.lastCrash = name;
      throw new SimCrash(name);
    }
  }

  /**
   * Refuses any further effect of a process that already crashed: a library that caught the
   * crash and carried on (logging it, recording last_error) must not write, sign or broadcast.
   */
  guard(): void {
    if (this.dead) throw new SimCrash('after death');
  }

  /** The process was rebuilt: a new life. */
  revive(): void {
    this.dead = false;
    this.countdown = 0;
  }

  /** Whether this commit fails (a database fault, not a crash: the process lives on). */
  dbFault(): boolean {
    return !this.quiet && this.rng.chance(this.pDbFault);
  }
}
