/**
 * Lets Swagger UI's "Try it out" send signed requests: a request interceptor that signs each
 * request in the browser with Web Crypto, with the key id and secret the operator types once
 * (kept in the tab's sessionStorage, never sent). The same recipe as the security schemes
 * describe; the spec runs this very code against the real guard.
 */
export const DOCS_PAGE_SIGNER_JS = String.raw`
window.strongroomSign = async function (req, credentials) {
  var creds = credentials || window.strongroomCredentials();
  if (!creds) return req;
  var enc = new TextEncoder();
  var hex = function (buf) {
    return Array.from(new Uint8Array(buf)).map(function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  };
  var hmac = async function (keyBytes, text) {
    var key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return crypto.subtle.sign('HMAC', key, enc.encode(text));
  };
  var fromHex = function (h) {
    return new Uint8Array(h.match(/../g).map(function (b) { return parseInt(b, 16); }));
  };
  var url = new URL(req.url, window.location.href);
  var body = typeof req.body === 'string' ? req.body : '';
  var timestamp = String(Date.now());
  var nonce = hex(crypto.getRandomValues(new Uint8Array(16)));
  var signingKey = hex(await hmac(enc.encode(creds.secret), 'strongroom-request-v1'));
  var bodyHash = hex(await crypto.subtle.digest('SHA-256', enc.encode(body)));
  var canonical = [req.method.toUpperCase(), url.pathname + url.search, timestamp, nonce, bodyHash].join('\n');
  req.headers['X-Strongroom-Key'] = creds.keyId;
  req.headers['X-Strongroom-Timestamp'] = timestamp;
  req.headers['X-Strongroom-Nonce'] = nonce;
  req.headers['X-Strongroom-Signature'] = hex(await hmac(fromHex(signingKey), canonical));
  return req;
};
window.strongroomCredentials = function () {
  var stored = sessionStorage.getItem('strongroom.credentials');
  if (stored) return JSON.parse(stored);
  var keyId = window.prompt('API key id (srk_…) to sign "Try it out" requests with');
  if (!keyId) return null;
  var secret = window.prompt('Its secret (kept in this tab only)');
  if (!secret) return null;
  sessionStorage.setItem('strongroom.credentials', JSON.stringify({ keyId: keyId, secret: secret }));
  return { keyId: keyId, secret: secret };
};
`;

/** Swagger UI options: every "Try it out" request goes through the signer (public routes need no key). */
export const DOCS_PAGE_OPTIONS = {
  customJsStr: DOCS_PAGE_SIGNER_JS,
  swaggerOptions: {
    // Serialised into the page by @nestjs/swagger as source text: it may refer only to the page's globals.
    requestInterceptor: (req: { url: string }) =>
      /\/(health|metrics|docs)/.test(new URL(req.url, 'http://x').pathname)
        ? req
        : (globalThis as unknown as { strongroomSign: (r: unknown) => Promise<unknown> }).strongroomSign(req),
  },
};
