import { signRequest as serverSignRequest, signingKeyOf } from '@strongroom/api-auth';
import { canonicalRequest, RequestSigner, signingKeyHex, signRequest } from './request-signature';

// A fixed vector: computed once with the server's signRequest (libs/api-auth) and with openssl
// (the README's recipe). The spec checks the client against both the constants and the server's
// code as it is today, so a change on either side fails here.
const CREDS = { keyId: 'srk_0123456789abcdef01234567', secret: 'srs_vector-secret-é' };
const TIMESTAMP = 1764763200123;
const NONCE = 'nonce-0123456789abcdef';
const POST_PATH = '/v1/withdrawals?clientId=ex%20a&limit=2';
const POST_BODY = '{"amount":"40000000","memo":"café"}';
const VECTOR = {
  signingKey: '48e504259caeb66493c03f663db5e7c345cb1a856dd216bec463e2e90da9c450',
  post: '52639cdec208abb099c770eb096ab5ad9ed8cf8597a8eae14ece2c8dd9077502',
  get: 'c045ef2961be0bfcef1c5c036c8cb5e5d4d7b02c800eb66faa0d7ff80a9db3d5',
};

describe('request signature', () => {
  it('derives the signing key the server stores', () => {
    expect(signingKeyHex(CREDS.secret)).toBe(VECTOR.signingKey);
    expect(signingKeyOf(CREDS.secret)).toBe(VECTOR.signingKey);
  });

  it('signs a POST like the server: the body bytes, the path and query as sent', () => {
    const request = { method: 'POST', pathWithQuery: POST_PATH, timestamp: TIMESTAMP, nonce: NONCE };
    const fromText = signRequest(CREDS, { ...request, body: POST_BODY });
    const fromBytes = signRequest(CREDS, { ...request, body: new TextEncoder().encode(POST_BODY) });
    expect(fromText['X-Strongroom-Signature']).toBe(VECTOR.post);
    expect(fromBytes).toEqual(fromText);
    expect(fromText).toEqual(serverSignRequest(CREDS, 'POST', POST_PATH, POST_BODY, TIMESTAMP, NONCE));
  });

  it('signs a GET (no body) like the server, with the method upper-cased', () => {
    const path = '/v1/deposits?cursor=eyJpZCI6M30&limit=50';
    const ours = new RequestSigner(CREDS).sign({
      method: 'get',
      pathWithQuery: path,
      timestamp: TIMESTAMP,
      nonce: NONCE,
    });
    expect(ours['X-Strongroom-Signature']).toBe(VECTOR.get);
    expect(ours).toEqual(serverSignRequest(CREDS, 'GET', path, undefined, TIMESTAMP, NONCE));
  });

  it('covers every part: changing any one changes the signature', () => {
    const base = { method: 'POST', pathWithQuery: POST_PATH, timestamp: TIMESTAMP, nonce: NONCE, body: POST_BODY };
    const sig = (r: Partial<typeof base>) => signRequest(CREDS, { ...base, ...r })['X-Strongroom-Signature'];
    const variants = [
      sig({ method: 'PUT' }),
      sig({ pathWithQuery: '/v1/withdrawals?clientId=ex%20a&limit=3' }),
      sig({ timestamp: TIMESTAMP + 1 }),
      sig({ nonce: NONCE + 'x' }),
      sig({ body: POST_BODY.replace('4', '5') }),
    ];
    expect(new Set([sig({}), ...variants]).size).toBe(6);
    expect(canonicalRequest('post', '/p', '1', 'n', '')).toBe(
      'POST\n/p\n1\nn\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('gives each request a fresh nonce and refuses credentials without a secret', () => {
    const signer = new RequestSigner(CREDS);
    const a = signer.sign({ method: 'GET', pathWithQuery: '/v1/x' });
    const b = signer.sign({ method: 'GET', pathWithQuery: '/v1/x' });
    expect(a['X-Strongroom-Nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(a['X-Strongroom-Nonce']).not.toBe(b['X-Strongroom-Nonce']);
    expect(() => new RequestSigner({ keyId: CREDS.keyId, secret: '' })).toThrow(/secret/);
  });
});
