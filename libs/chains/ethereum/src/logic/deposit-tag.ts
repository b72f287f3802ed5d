/**
 * The tag a deposit address is derived from: one address per (client, user, asset, index).
 * Each part is URI-encoded so a `/` inside an id cannot make two tuples share a tag.
 */
export function depositTag(parts: { client: string; user: string; asset: string; index: number }): string {
  if (!Number.isSafeInteger(parts.index) || parts.index < 0)
    throw new Error('deposit index must be a non-negative integer');
  return [parts.client, parts.user, parts.asset, String(parts.index)].map(encodeURIComponent).join('/');
}
