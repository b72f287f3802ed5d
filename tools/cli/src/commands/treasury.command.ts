import { InvalidArgumentError, type Command } from 'commander';
import { RequestSigner, retryPolicy, signedFetch } from '@strongroom/client';

type Json = Record<string, unknown>;

export interface TreasuryApi {
  url: string;
  keyId: string;
  secret: string;
}

/** One signed call to the ledger API with the SDK's signer and transport; a problem+json answer is thrown with its code. */
export async function treasuryCall(api: TreasuryApi, method: string, path: string, body?: unknown): Promise<Json> {
  const send = signedFetch({
    signer: new RequestSigner({ keyId: api.keyId, secret: api.secret }),
    retry: retryPolicy(),
  });
  const headers = new Headers(body === undefined ? {} : { 'content-type': 'application/json' });
  if (method !== 'GET') headers.set('Idempotency-Key', crypto.randomUUID());
  const res = await send(
    new Request(new URL(path, api.url), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as Json;
  if (!res.ok)
    throw new Error(`${String(json.code ?? `HTTP ${res.status}`)}: ${String(json.detail ?? json.title ?? '')}`);
  return json;
}

function apiFromEnv(o: { url?: string }, env: NodeJS.ProcessEnv = process.env): TreasuryApi {
  if (!env.SR_KEY || !env.SR_SECRET) throw new Error('set SR_KEY and SR_SECRET (an API key of the ledger API)');
  const url = o.url ?? env.STRONGROOM_LEDGER_URL ?? 'http://127.0.0.1:7001';
  return { url, keyId: env.SR_KEY, secret: env.SR_SECRET };
}

/** One line per float: where it stands against its bounds. */
export function formatFloat(f: Json): string {
  const alert = f.runoutAlert ? '  RUN-OUT ALERT' : '';
  const runout = f.runoutSeconds === null ? 'no outflow' : `run-out ${String(f.runoutSeconds)} s`;
  return (
    `${String(f.asset)} ${String(f.owner)}: hot ${String(f.balance)} target ${String(f.target)} ` +
    `[${String(f.lower)}, ${String(f.upper)}] ${String(f.outcome)}  ${runout}${alert}`
  );
}

export function formatRebalance(r: Json): string {
  const approvals = (r.approvals as Json[]).map((a) => String(a.owner)).join(', ');
  return (
    `${String(r.id)}  ${String(r.asset)} ${String(r.owner)} ${String(r.direction)} ${String(r.amount)}  ` +
    `${String(r.status)} (${(r.approvals as Json[]).length}/${String(r.approvalsRequired)}${approvals ? `: ${approvals}` : ''})`
  );
}

/** `--fixed target:lower:upper` or `--outflow days:cover:buffer:lower:upper` as the API's rule. */
export function parseRuleOption(o: { fixed?: string; outflow?: string }): Json {
  if (o.fixed && !o.outflow) {
    const [target, lower, upper, extra] = o.fixed.split(':');
    if (!upper || extra !== undefined) throw new InvalidArgumentError('--fixed takes target:lower:upper in base units');
    return { kind: 'fixed', target, lower, upper };
  }
  if (o.outflow && !o.fixed) {
    const [days, cover, buffer, lowerFraction, upperFraction, extra] = o.outflow.split(':');
    if (!upperFraction || extra !== undefined)
      throw new InvalidArgumentError('--outflow takes lookbackDays:coverDays:buffer:lowerFraction:upperFraction');
    return {
      kind: 'outflow',
      lookbackDays: Number(days),
      coverDays: Number(cover),
      buffer,
      lowerFraction,
      upperFraction,
    };
  }
  throw new InvalidArgumentError('give exactly one of --fixed or --outflow');
}

const print = (json: boolean | undefined, value: unknown, lines: () => string[]) => {
  if (json) console.log(JSON.stringify(value, null, 2));
  else for (const l of lines()) console.log(l);
};

// Long because it is the `treasury` command table: one commander chain per subcommand.
/**
 * `strongroom treasury float|policies|rebalances|approve`: the hot floats over the ledger API,
 * signed with SR_KEY / SR_SECRET (the SDK's signer), at --url or STRONGROOM_LEDGER_URL.
 */
export function register(program: Command): void {
  const t = program
    .command('treasury')
    .description('hot floats, their policies and the rebalances between hot and cold wallets (ledger API)')
    .option('--url <url>', 'ledger API base URL (default STRONGROOM_LEDGER_URL or http://127.0.0.1:7001)')
    .option('--json', 'print the API answer as JSON');
  const api = () => apiFromEnv(t.opts<{ url?: string }>());
  const json = () => t.opts<{ json?: boolean }>().json;

  t.command('float')
    .description('the current float of every asset and owner: balance, target, bounds, outcome, run-out')
    .action(async () => {
      const r = await treasuryCall(api(), 'GET', '/v1/treasury/float');
      print(json(), r, () => (r.data as Json[]).map(formatFloat));
    });

  const policies = t.command('policies').description('float policies (list; `set` proposes one by dual control)');
  policies.action(async () => {
    const r = await treasuryCall(api(), 'GET', '/v1/treasury/policies');
    print(json(), r, () =>
      (r.data as Json[]).map((p) => `${String(p.asset)} ${String(p.owner)}: ${JSON.stringify(p.rule)}`),
    );
  });
  policies
    .command('set <asset> <owner>')
    .description('propose a policy (a second admin approves it at POST /v1/changes/:id/approve)')
    .option('--fixed <target:lower:upper>', 'fixed bounds in base units')
    .option('--outflow <days:cover:buffer:lower:upper>', 'from the p95 of rolling 24 h outflows over the last days')
    .option('--lead-time <seconds>', 'replenishment lead time (run-out alert horizon)', '86400')
    .option('--approvals <n>', 'distinct people approving a replenishment', '2')
    .action(
      async (
        asset: string,
        owner: string,
        o: { fixed?: string; outflow?: string; leadTime: string; approvals: string },
      ) => {
        const body = {
          rule: parseRuleOption(o),
          leadTimeSeconds: Number(o.leadTime),
          approvalsRequired: Number(o.approvals),
        };
        const r = await treasuryCall(
          api(),
          'PUT',
          `/v1/treasury/policies/${encodeURIComponent(asset)}/${encodeURIComponent(owner)}`,
          body,
        );
        print(json(), r, () => [`proposed change ${String(r.id)} (${String(r.kind)}), waiting for a second admin`]);
      },
    );

  t.command('rebalances')
    .description('rebalances newest first (every page)')
    .option('--status <status>', 'open, planned, pending_approval, approved or cancelled')
    .action(async (o: { status?: string }) => {
      const all: Json[] = [];
      let cursor: string | null = null;
      do {
        const q = new URLSearchParams({
          limit: '500',
          ...(o.status ? { status: o.status } : {}),
          ...(cursor ? { cursor } : {}),
        });
        const page = await treasuryCall(api(), 'GET', `/v1/treasury/rebalances?${q.toString()}`);
        all.push(...(page.data as Json[]));
        cursor = page.nextCursor as string | null;
      } while (cursor);
      print(json(), { data: all }, () => all.map(formatRebalance));
    });

  t.command('approve <rebalance>')
    .description('approve a cold → hot replenishment (one approval per person)')
    .action(async (id: string) => {
      const r = await treasuryCall(api(), 'POST', `/v1/treasury/rebalances/${encodeURIComponent(id)}/approve`, {});
      print(json(), r, () => [formatRebalance(r)]);
    });
}
