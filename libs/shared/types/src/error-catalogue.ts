/** How a catalogue describes one error: the HTTP status, a short title, and when it happens. */
export interface ErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly description?: string;
}

/** One client-facing error: its stable code (clients switch on it) and how it is answered. */
export interface ErrorEntry<C extends string = string> extends ErrorSpec {
  readonly code: C;
  /** The bounded context that owns the code (its section in docs/error-codes.md). */
  readonly context: string;
}

const CATALOGUE = Symbol.for('strongroom.error-catalogue');

export type ErrorCatalogue<T extends Record<string, ErrorSpec> = Record<string, ErrorSpec>> = {
  readonly [K in keyof T & string]: ErrorEntry<K>;
};

const CODE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

/**
 * A context's error catalogue, keyed by the codes themselves so a search for a code finds its
 * definition and every use: `throw domainError(LedgerErrors['account.not_found'], detail)`.
 * Codes are lower case, dot-separated; a code is defined in exactly one catalogue (docs:errors checks).
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(context: string, specs: T): ErrorCatalogue<T> {
  const entries: Record<string, ErrorEntry> = {};
  for (const [code, spec] of Object.entries(specs)) {
    if (!CODE.test(code)) throw new Error(`error code ${code} of ${context} is not lower case (dot-separated)`);
    entries[code] = Object.freeze({ ...spec, code, context });
  }
  Object.defineProperty(entries, CATALOGUE, { value: context });
  return Object.freeze(entries) as ErrorCatalogue<T>;
}

/** True for a value made by defineErrors (the docs generator finds catalogues among exports). */
export function isErrorCatalogue(value: unknown): value is ErrorCatalogue {
  return typeof value === 'object' && value !== null && CATALOGUE in value;
}
