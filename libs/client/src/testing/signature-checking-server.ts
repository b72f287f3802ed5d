import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  canonicalRequest,
  DEFAULT_REPLAY_WINDOW_MS,
  sha256Hex,
  signaturesEqual,
  signCanonical,
  signingKeyOf,
} from '@strongroom/api-auth';

/** One request as the server received it. */
export interface ReceivedRequest {
  method: string;
  /** Path and query as on the request line. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** When it arrived (ms). */
  at: number;
}

/** Answers a verified request; may also destroy the socket to simulate a network failure. */
export type Handler = (request: ReceivedRequest, res: ServerResponse, nth: number) => void;

export interface CheckingServer {
  url: string;
  /** Every request whose signature verified, in order. */
  received: ReceivedRequest[];
  /** How many requests were refused for their signature. */
  refused: number;
  close(): Promise<void>;
}

export const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
};

export const sendProblem = (res: ServerResponse, status: number, code: string, extra: Record<string, unknown> = {}) => {
  const requestId = 'req-' + Math.random().toString(16).slice(2);
  res.writeHead(status, { 'Content-Type': 'application/problem+json', 'X-Request-Id': requestId }).end(
    JSON.stringify({
      ...extra,
      type: `urn:strongroom:problem:${code}`,
      title: 'Refused',
      status,
      code,
      detail: `refused with ${code}`,
      requestId,
      instance: `urn:strongroom:request:${requestId}`,
    }),
  );
};

/**
 * A loopback HTTP server that authenticates like the Strongroom APIs, with the server's own
 * functions: the stored verifier, the canonical request over the path+query and the raw body,
 * the replay window and single-use nonces. Verified requests go to `handlers["METHOD /path"]`.
 */
export async function startCheckingServer(
  credentials: { keyId: string; secret: string },
  handlers: Record<string, Handler>,
): Promise<CheckingServer> {
  const verifier = signingKeyOf(credentials.secret);
  const nonces = new Set<string>();
  const received: ReceivedRequest[] = [];
  const counts = new Map<string, number>();
  const state = { refused: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const h = (name: string) => String(req.headers[name] ?? '');
      const url = req.url ?? '/';
      const expected = signCanonical(
        verifier,
        canonicalRequest(req.method ?? '', url, h('x-strongroom-timestamp'), h('x-strongroom-nonce'), sha256Hex(body)),
      );
      const fresh = Math.abs(Date.now() - Number(h('x-strongroom-timestamp'))) <= DEFAULT_REPLAY_WINDOW_MS;
      const nonce = h('x-strongroom-nonce');
      if (
        h('x-strongroom-key') !== credentials.keyId ||
        !signaturesEqual(expected, h('x-strongroom-signature')) ||
        !fresh ||
        nonces.has(nonce)
      ) {
        state.refused++;
        return sendProblem(res, 401, 'auth.invalid_credentials');
      }
      nonces.add(nonce);
      const parsed = new URL(url, 'http://127.0.0.1');
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body,
        at: Date.now(),
      };
      received.push(request);
      const route = `${request.method} ${request.path}`;
      const nth = (counts.get(route) ?? 0) + 1;
      counts.set(route, nth);
      const handler = handlers[route];
      if (handler) handler(request, res, nth);
      else sendProblem(res, 404, 'request.not_found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get refused() {
      return state.refused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
