/**
 * The derivation tag of a deposit address: `<clientId>/<userId>/<asset>/<index>`. The chain
 * adapter turns it into the per-user witness-script tag (Bitcoin) or CREATE2 salt (Ethereum), so
 * anyone with the wallet's public keys can re-derive and audit every address. Ids cannot hold
 * '/', so the tag is unambiguous.
 */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function depositTag(clientId: string, userId: string, asset: string, index: number): string {
  if (!ID_PATTERN.test(clientId) || !ID_PATTERN.test(userId))
    throw new Error('client and user ids must match [A-Za-z0-9._-]{1,64}');
  if (!Number.isInteger(index) || index < 0) throw new Error('index must be a non-negative integer');
  return `${clientId}/${userId}/${asset}/${index}`;
}

export function parseDepositTag(
  tag: string,
): { clientId: string; userId: string; asset: string; index: number } | null {
  const parts = tag.split('/');
  if (
    parts.length !== 4 ||
    !ID_PATTERN.test(parts[0]) ||
    !ID_PATTERN.test(parts[1]) ||
    !/^(0|[1-9][0-9]*)$/.test(parts[3])
  )
    return null;
  return { clientId: parts[0], userId: parts[1], asset: parts[2], index: Number(parts[3]) };
}

/** Addresses are matched case-insensitively (EIP-55 checksums are presentation only; bech32 is lower case). */
export const addressKey = (address: string): string => address.toLowerCase();
