/** Anything that runs a statement: a `Database` or a transaction's `Tx`. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}
