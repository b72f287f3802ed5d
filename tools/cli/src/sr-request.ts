import { RequestSigner, retryPolicy, signedFetch } from '@strongroom/client';

/**
 * `sr METHOD URL [JSON-BODY] [-H 'Name: value']…`: one signed request with the SDK's signer and
 * transport (GET retried on 429/5xx and network errors, as the SDK does), for the walkthrough and
 * for operators. Prints the body; a non-2xx status goes to stderr and exits 1.
 */
export async function sr(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [method, url, ...rest] = argv;
  if (!method || !url || !env.SR_KEY || !env.SR_SECRET) {
    process.stderr.write('usage: SR_KEY=… SR_SECRET=… sr METHOD URL [JSON-BODY] [-H "Name: value"]…\n');
    return 2;
  }
  const body = rest[0] !== undefined && rest[0] !== '-H' ? rest.shift() : undefined;
  const headers = new Headers(body !== undefined ? { 'content-type': 'application/json' } : {});
  for (let i = 0; i < rest.length; i += 2) {
    const [name, ...value] = (rest[i] === '-H' ? (rest[i + 1] ?? '') : '').split(':');
    if (!name || value.length === 0) {
      process.stderr.write(`sr: expected -H "Name: value", got ${rest[i]}\n`);
      return 2;
    }
    headers.set(name.trim(), value.join(':').trim());
  }
  const send = signedFetch({
    signer: new RequestSigner({ keyId: env.SR_KEY, secret: env.SR_SECRET }),
    retry: retryPolicy(),
  });
  const res = await send(new Request(url, { method: method.toUpperCase(), headers, body }));
  process.stdout.write(`${await res.text()}\n`);
  if (res.ok) return 0;
  process.stderr.write(`HTTP ${res.status}\n`);
  return 1;
}
