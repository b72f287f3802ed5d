/**
 * The request-signing scheme as OpenAPI security: four headers, all required together. The
 * signature's recipe is in its description (OpenAPI has no scheme for HMAC request signing).
 */
export const SECURITY_SCHEMES = {
  StrongroomKey: { type: 'apiKey', in: 'header', name: 'X-Strongroom-Key', description: 'The API key id.' },
  StrongroomTimestamp: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Strongroom-Timestamp',
    description: 'Signing time, unix milliseconds; refused outside ±5 minutes of the server clock.',
  },
  StrongroomNonce: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Strongroom-Nonce',
    description: 'A fresh random value per request (16–128 characters of `[A-Za-z0-9._~-]`); a reused one is refused.',
  },
  StrongroomSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Strongroom-Signature',
    description:
      'Lower-case hex HMAC-SHA256 under the signing key of the canonical request. Signing key = hex ' +
      'HMAC-SHA256(key = the secret as UTF-8, message = `strongroom-request-v1`), used as bytes. Canonical ' +
      'request = `METHOD\\nPATH_AND_QUERY\\nTIMESTAMP\\nNONCE\\nhex(SHA-256(body))`, with the path and query exactly ' +
      'as sent and the exact body bytes (empty for none). The SDK (`@strongroom/client`) signs for you.',
  },
} as const;

export const SIGNED = { StrongroomKey: [], StrongroomTimestamp: [], StrongroomNonce: [], StrongroomSignature: [] };
