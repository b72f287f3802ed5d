import type { INestApplication } from '@nestjs/common';
import { Command } from 'commander';
import { createApiKey, createClient } from '@strongroom/api-auth';
import { describeEachBackend } from '@strongroom/testing';
import { FloatService, startTreasuryApp, treasuryContext, treasuryFixture } from '@strongroom/treasury';
import { parseRuleOption, register } from './treasury.command';

const BTC = 100_000_000n;

// The CLI's treasury commands against a real treasury API (signed with the SDK), in process:
// commander parses the same argv an operator types; the output is what they read.
describeEachBackend('strongroom treasury', { contexts: [treasuryContext] }, (ctx) => {
  let app: INestApplication;
  let url: string;
  const client = `cli${Math.random().toString(36).slice(2, 8)}`;
  const env: Record<string, string> = {};

  async function cli(...args: string[]): Promise<string[]> {
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((l: unknown) => void lines.push(String(l)));
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'strongroom', 'treasury', '--url', url, ...args]);
    } finally {
      log.mockRestore();
      process.env = saved;
    }
    return lines;
  }
  const as = (k: { keyId: string; secret: string }) => Object.assign(env, { SR_KEY: k.keyId, SR_SECRET: k.secret });

  beforeAll(async () => {
    const { db } = ctx();
    await createClient(db, { id: client, name: client, custody: 'segregated' });
    ({ app, url } = await startTreasuryApp(db));
    const t = treasuryFixture(db);
    const hot = await t.wallet(`hot-${client}`, 'hot', client);
    await t.wallet(`cold-${client}`, 'cold', client);
    await t.deposit(hot.id, client, 9n * BTC);
    await t.setPolicy({
      ...{ asset: 'BTC', owner: client, leadTimeSeconds: 60, approvalsRequired: 2 },
      rule: { kind: 'fixed', target: 2n * BTC, lower: BTC, upper: 4n * BTC },
    });
    await app.get(FloatService).recompute();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('float, rebalances and a policy proposal, as operators read them', async () => {
    as(await createApiKey(ctx().db, { name: 'cli auditor', role: 'auditor', owner: 'audit', clients: 'all' }));
    const float = await cli('float');
    expect(float).toContainEqual(
      `BTC ${client}: hot ${9n * BTC} target ${2n * BTC} [${BTC}, ${4n * BTC}] above_upper  no outflow`,
    );
    const open = await cli('rebalances', '--status', 'open');
    expect(open.find((l) => l.includes(client))).toMatch(
      new RegExp(`^rb_\\S+  BTC ${client} hot_to_cold ${7n * BTC}  planned \\(0/0\\)$`),
    );
    const json = JSON.parse((await cli('--json', 'policies')).join('\n')) as { data: { owner: string }[] };
    expect(json.data.map((p) => p.owner)).toContain(client);

    as(await createApiKey(ctx().db, { name: 'cli admin', role: 'admin', owner: 'ops admin' }));
    const proposed = await cli('policies', 'set', 'BTC', client, '--outflow', '7:3:0:0.5:1.5');
    expect(proposed[0]).toMatch(/^proposed change \S+ \(treasury\.policy\), waiting for a second admin$/);
    await expect(cli('policies', 'set', 'BTC', client, '--fixed', '0.4:0:1')).rejects.toThrow(
      /amount\.base_units_expected/,
    );
  });

  it('refuses a rule given both ways or malformed', () => {
    expect(() => parseRuleOption({ fixed: '1:0:2', outflow: '1:1:0:0.5:1.5' })).toThrow(/exactly one/);
    expect(() => parseRuleOption({ fixed: '1:0' })).toThrow(/target:lower:upper/);
    expect(parseRuleOption({ fixed: '3:1:5' })).toEqual({ kind: 'fixed', target: '3', lower: '1', upper: '5' });
  });
});
