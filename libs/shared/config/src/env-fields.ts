import { z } from 'zod';

/** pino's levels: what LOG_LEVEL may name. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One field of an environment schema: a string in, a typed value out, a one-line message on failure. */
function field<T>(describe: string, parse: (raw: string) => T | undefined) {
  return z.string().transform((raw, ctx): T => {
    const value = parse(raw.trim());
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: `must be ${describe}, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    return value;
  });
}

const integer = (raw: string, min: number, max: number): number | undefined => {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
};

/** 1-65535; 0 (any free port, what tests start apps with) is taken too but not advertised. */
export const port = () => field('a port number (1-65535)', (raw) => integer(raw, 0, 65535));

/** A host name or address to bind or reach (no scheme, no port, no spaces). */
export const host = () =>
  field('a host name or IP address', (raw) =>
    /^[A-Za-z0-9.:\-[\]]+$/.test(raw) && !raw.includes('://') ? raw : undefined,
  );

export const intAtLeast = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  field(`a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'up' : max}`, (raw) =>
    integer(raw, min, max),
  );

/** An absolute URL with one of `schemes` (without the colon). */
export const url = (...schemes: string[]) =>
  field(`a URL (${schemes.map((s) => `${s}://`).join(' or ')}…)`, (raw) => {
    try {
      const u = new URL(raw);
      return schemes.includes(u.protocol.slice(0, -1)) ? raw : undefined;
    } catch {
      return undefined;
    }
  });

export const oneOf = <const T extends readonly string[]>(values: T) =>
  field(`one of ${values.join(', ')}`, (raw) => (values.includes(raw) ? (raw as T[number]) : undefined));

export const logLevel = () => oneOf(LOG_LEVELS);

export const ethereumAddress = () =>
  field('an Ethereum address (0x and 40 hex digits)', (raw) => (/^0x[0-9a-fA-F]{40}$/.test(raw) ? raw : undefined));

export const nonEmpty = () => field('a non-empty string', (raw) => (raw.length > 0 ? raw : undefined));

/** A variable that is no longer read: refused with what replaced it, so an old deployment does not silently lose it. */
export const removed = (instead: string) =>
  z.string().transform((_raw, ctx): never => {
    ctx.addIssue({ code: 'custom', message: `is no longer read: ${instead}` });
    return z.NEVER;
  });
