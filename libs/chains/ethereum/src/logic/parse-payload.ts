import { ChainErrors } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import type { EthereumPayload } from '../types';

/** Reads a payload written by serializePayload; throws `withdrawal.payload_invalid` on anything else. */
export function parsePayload(json: string): EthereumPayload {
  let p: EthereumPayload;
  try {
    p = JSON.parse(json, (_k, v: unknown) =>
      v !== null && typeof v === 'object' && '$n' in v ? BigInt((v as { $n: string }).$n) : v,
    ) as EthereumPayload;
  } catch {
    throw domainError(ChainErrors['withdrawal.payload_invalid'], 'the withdrawal payload is not valid JSON');
  }
  if (p?.kind !== 'safe-tx' && p?.kind !== 'relay')
    throw domainError(ChainErrors['withdrawal.payload_invalid'], 'not an Ethereum withdrawal payload');
  return p;
}
