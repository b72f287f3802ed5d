/** Narrows a value the code knows is present (a map entry it just wrote); fails loudly if not. */
export function must<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`ledger internal error: missing ${what}`);
  return value;
}
