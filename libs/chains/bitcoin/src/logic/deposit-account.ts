/**
 * The canonical account string a deposit tag is derived from: a JSON array, so that no field
 * value can be confused with a separator ("a:b" + "c" ≠ "a" + "b:c").
 */
export function depositAccount(clientId: string, userId: string, asset: string, index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad address index ${index}`);
  return JSON.stringify([clientId, userId, asset, index]);
}
