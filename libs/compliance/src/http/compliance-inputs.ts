import { z } from 'zod';
import { AuthErrors, type Principal } from '@strongroom/api-auth';
import { decodeCursor, pageOf, pageQuery } from '@strongroom/shared-http';
import { domainError } from '@strongroom/shared-types';

/** Query strings, bodies and path parameters of the compliance API; unknown fields are refused everywhere. */
const id = (what: string) =>
  z
    .string()
    .uuid()
    .meta({ description: `The ${what} id (uuid).` });

export const bySnapshot = z.strictObject({ id: id('snapshot') });
export const byReconciliation = z.strictObject({ id: id('reconciliation') });
export const byClient = z.strictObject({ clientId: z.string() });
export const byUser = z.strictObject({ clientId: z.string(), userId: z.string() });
export const byUserProof = z.strictObject({ id: id('snapshot'), clientId: z.string(), userId: z.string() });

export const listQuery = z.strictObject({ ...pageQuery });
export const holdingsQuery = z.strictObject({
  asOf: z
    .string()
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Holdings as of this time (RFC 3339); now when absent.' }),
});
export const segregationQuery = z.strictObject({ snapshotId: id('snapshot') });

export const reconcileBody = z.strictObject({ snapshotId: id('snapshot') });
export const assetsBody = z.strictObject({
  challenge: z.string().min(8).max(1000).meta({ description: "The auditor's challenge, 8 to 1000 characters." }),
  snapshotId: id('snapshot').optional(),
});
/** A POST that takes no parameters: no body, or an empty object. */
export const noBody = z.strictObject({}).optional();

/** Where a newest-first page starts: after this row. */
export const AfterId = z.strictObject({ after: z.string().uuid() });
/** The row a newest-first page starts after, from the query's cursor (a forged one is 400 `request.invalid_cursor`). */
export const afterRow = (cursor: string | undefined): string | undefined =>
  cursor === undefined ? undefined : decodeCursor(AfterId, cursor).after;

/** A newest-first page of rows fetched with `limit + 1`; its cursor names the last row. */
export const newestFirstPage = <T extends { id: string }>(rows: T[], limit: number) =>
  pageOf(rows, limit, (last) => ({ after: last.id }));

/** Where a page of a snapshot's balances starts: after this key, in content-hash (byte) order. */
export const AfterBalance = z.strictObject({ clientId: z.string(), userId: z.string(), asset: z.string() });

/**
 * Operator-wide routes (every client's balances, reconciliations, proofs of assets, taking
 * snapshots) need a key scoped to every client; a client's own auditor gets 403 there.
 */
export function assertAllClients(who: Principal): void {
  if (who.clients !== 'all') {
    throw domainError(
      AuthErrors['auth.forbidden_client'],
      'this route covers every client; this API key is scoped to some clients only',
      { clients: 'all' },
    );
  }
}
