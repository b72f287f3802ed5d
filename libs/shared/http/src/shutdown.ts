import { Logger } from '@nestjs/common';

/**
 * How long a worker's `stop()` waits for the step it is in before giving up on it (default). Each
 * module stops its workers in turn before the database closes, so a slow shutdown is at most
 * `drainMs` plus these; a step given up on is one the next process resumes from the database.
 */
export const DEFAULT_STOP_MS = 5_000;

export type StopOutcome = 'stopped' | 'abandoned';

const logger = new Logger('Shutdown');

/**
 * Waits for a worker's loop to end (its current step finishing), at most `boundMs`. The loop has
 * already been told to start no new step; past the bound it is left running and reported, so
 * shutdown goes on and closes the database under it.
 */
export async function stopWithin(
  worker: string,
  loop: Promise<unknown> | null | undefined,
  boundMs: number = DEFAULT_STOP_MS,
): Promise<StopOutcome> {
  if (!loop) return 'stopped';
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<StopOutcome>((resolve) => {
    timer = setTimeout(() => resolve('abandoned'), boundMs);
  });
  // A loop that fails while stopping has stopped all the same; its error was reported by the loop.
  const ended = loop.then(
    (): StopOutcome => 'stopped',
    (): StopOutcome => 'stopped',
  );
  const outcome = await Promise.race([ended, bound]);
  clearTimeout(timer);
  if (outcome === 'abandoned')
    logger.warn(`${worker}: step still running after ${boundMs} ms; shutting down without it`);
  return outcome;
}
