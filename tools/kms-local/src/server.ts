import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Faults, KeyFault } from './faults';
import { KmsError } from './kms-error';
import { DEV_SECRET, KeyStore } from './key-store';
import { KmsService, type Json, type RequestContext } from './kms-service';

export interface KmsLocalOptions {
  /** Always a loopback address unless you mean otherwise; default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Where keys are persisted; without it keys live in memory only. */
  dataDir?: string;
  /** Encrypts keys at rest; default `KMS_LOCAL_SECRET`, else a development secret (with a warning). */
  secret?: string;
  /** If set, requests signed with another access key id are refused (UnrecognizedClientException). */
  accessKeyId?: string;
  faults?: Faults;
  /** Where warnings go (default console.warn). */
  warn?: (message: string) => void;
}

export interface ServerStats {
  requests: number;
  byOperation: Record<string, number>;
  throttled: number;
  injectedErrors: number;
  signatures: number;
  highS: number;
}

const MAX_BODY = 1 << 20;

/**
 * kms-local: the AWS KMS JSON 1.1 protocol over HTTP on a loopback port. The SigV4 header is
 * required but its signature is not checked (this is a development tool, not an auth boundary).
 */
export class KmsLocalServer {
  faults: Faults;
  private readonly counters = {
    requests: 0,
    byOperation: {} as Record<string, number>,
    throttled: 0,
    injectedErrors: 0,
  };
  private readonly http: Server;
  private address = { endpoint: '', port: 0 };

  private constructor(
    readonly service: KmsService,
    private readonly options: KmsLocalOptions,
  ) {
    this.faults = { ...(options.faults ?? {}) };
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) =>
        sendError(res, new KmsError('KMSInternalException', String(err), 500)),
      );
    });
  }

  /** `http://127.0.0.1:<port>` */
  get endpoint(): string {
    return this.address.endpoint;
  }

  get port(): number {
    return this.address.port;
  }

  static async start(options: KmsLocalOptions = {}): Promise<KmsLocalServer> {
    const warn = options.warn ?? ((m: string) => console.warn(m));
    let secret = options.secret ?? process.env.KMS_LOCAL_SECRET;
    if (!secret) {
      if (options.dataDir)
        warn(
          'kms-local: KMS_LOCAL_SECRET is not set; keys are encrypted with the public development secret. Never hold real funds with these keys.',
        );
      secret = DEV_SECRET;
    }
    const server = new KmsLocalServer(new KmsService(new KeyStore(options.dataDir, secret)), options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(options.port ?? 0, host, () => resolve());
    });
    const port = (server.http.address() as AddressInfo).port;
    server.address = { endpoint: `http://${host}:${port}`, port };
    return server;
  }

  setFaults(faults: Faults): void {
    this.faults = { ...faults };
  }

  /** Makes every request naming `key` (as the client sends it) fail with the given AWS error. */
  failKey(key: string, fault: KeyFault): void {
    this.faults = { ...this.faults, failKeys: { ...(this.faults.failKeys ?? {}), [key]: fault } };
  }

  clearFaults(): void {
    this.faults = {};
  }

  get stats(): ServerStats {
    return { ...this.counters, byOperation: { ...this.counters.byOperation }, ...this.service.signStats };
  }

  resetStats(): void {
    Object.assign(this.counters, { requests: 0, byOperation: {}, throttled: 0, injectedErrors: 0 });
    Object.assign(this.service.signStats, { signatures: 0, highS: 0 });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    this.counters.requests += 1;
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      return sendError(
        res,
        new KmsError('UnknownOperationException', `${req.method} ${req.url} is not a KMS operation`, 404),
      );
    }
    const auth = req.headers.authorization;
    const scope =
      typeof auth === 'string'
        ? /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/kms\/aws4_request,/.exec(auth)
        : null;
    if (!scope)
      return sendError(res, new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token'));
    if (this.options.accessKeyId && scope[1] !== this.options.accessKeyId) {
      return sendError(
        res,
        new KmsError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      );
    }
    const target = /^TrentService\.(\w+)$/.exec(String(req.headers['x-amz-target'] ?? ''))?.[1];
    const op = target ? this.service.operations[target] : undefined;
    if (!target || !op)
      return sendError(
        res,
        new KmsError('UnknownOperationException', `Unknown operation ${String(req.headers['x-amz-target'])}`),
      );
    this.counters.byOperation[target] = (this.counters.byOperation[target] ?? 0) + 1;
    let request: Json;
    try {
      request = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Json);
      if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new Error('not an object');
    } catch {
      return sendError(res, new KmsError('SerializationException', 'Request body is not a JSON object'));
    }
    const ctx: RequestContext = { region: scope[2] };
    const f = this.faults;
    if (f.latencyMs) await sleep(f.latencyMs);
    const injected = this.injectedFault(target, request, ctx);
    if (injected) return sendError(res, injected);
    try {
      send(res, 200, op(request, ctx));
    } catch (err) {
      sendError(res, err instanceof KmsError ? err : new KmsError('KMSInternalException', String(err), 500));
    }
  }

  private injectedFault(op: string, req: Json, ctx: RequestContext): KmsError | undefined {
    const f = this.faults;
    const named =
      f.failKeys && typeof req.KeyId === 'string'
        ? (f.failKeys[req.KeyId] ?? this.faultByResolvedKey(req.KeyId, ctx))
        : undefined;
    if (named) {
      this.counters.injectedErrors += 1;
      return new KmsError(named.type, named.message ?? `injected ${named.type}`, named.status ?? 400);
    }
    if (f.operations && !f.operations.includes(op)) return undefined;
    if (f.throttleRate && Math.random() < f.throttleRate) {
      this.counters.throttled += 1;
      return new KmsError('ThrottlingException', 'Rate exceeded');
    }
    if (f.errorRate && Math.random() < f.errorRate) {
      this.counters.injectedErrors += 1;
      return new KmsError('KMSInternalException', 'injected internal error', 500);
    }
    return undefined;
  }

  /** A fault registered under any name of the key the request names (id, ARN or alias). */
  private faultByResolvedKey(keyId: string, ctx: RequestContext): KeyFault | undefined {
    const target = this.tryResolve(keyId, ctx);
    if (!target) return undefined;
    return Object.entries(this.faults.failKeys ?? {}).find(([name]) => this.tryResolve(name, ctx) === target)?.[1];
  }

  private tryResolve(id: string, ctx: RequestContext): string | undefined {
    try {
      return this.service.resolve(id, ctx).keyId;
    } catch {
      return undefined;
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: Json, extraHeaders: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(payload),
    'x-amzn-RequestId': randomUUID(),
    ...extraHeaders,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, err: KmsError): void {
  send(res, err.status, { __type: err.type, message: err.message }, { 'x-amzn-ErrorType': err.type });
}
