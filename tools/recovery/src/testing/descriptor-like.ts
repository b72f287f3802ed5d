/** `addr(<address>)#` and a checksum-shaped suffix: the tool checks the form, Bitcoin Core the checksum. */
export const descriptorLike = (address: string): string => `addr(${address})#qpzry9x8`;
