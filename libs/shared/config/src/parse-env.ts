import type { z } from 'zod';

/** A configuration error: one line naming the variable, what it must be and what it was. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines[0] ?? 'config: invalid environment');
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment with an app's schema. Empty variables count as unset (compose files and
 * shells often export `KEY=`); variables the schema does not name are left alone.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((i) => `config: ${i.path.join('.') || '(environment)'} ${i.message}`));
}

/**
 * For an app's main, before anything with side effects (migrations, key ceremonies, listening):
 * the parsed environment, or every problem on stderr, one per line, and exit code 2.
 */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  try {
    return parseEnv(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const line of err.lines) console.error(line);
    process.exit(2);
  }
}
