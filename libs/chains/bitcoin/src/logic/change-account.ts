/** The account string of a wallet's change address: the only custody output a withdrawal may pay as change. */
export function changeAccount(walletId: string): string {
  return JSON.stringify(['strongroom-change', walletId]);
}
