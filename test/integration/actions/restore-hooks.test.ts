import { DBInstanceNotFoundFault, DescribeDBInstancesCommand, RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ActionPlanner } from '../../../src/actions/action-planner.js';
import { ActionRunner } from '../../../src/actions/action-runner.js';
import type { Config, HookStep } from '../../../src/config/types.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { dbInstance, harness } from './fixtures.js';
import { TARGET, mockPreDeploySnapshot, mockSourcesLive, notFound, restore } from './restore-fixtures.js';

/*
 * A restore runbook's hooks run after the restored instance is available, with the token the plan
 * promised; a replica whose environment differs from the plan's refuses before any step.
 */

const h = harness();
const TOKEN = 'restore-hook-token-abcdef123456';
const VARIABLE = 'LIFEBOAT_HOOK_WARM_CACHE_TOKEN';

/** The test config with a hook on the `orders` restore runbook. */
function withHook(config: Config, more: HookStep[] = []): Config {
  const orders = config.runbooks.restore.orders;
  if (!orders) throw new Error('fixture has no orders restore runbook');
  const hooks = [
    {
      name: 'warm-cache',
      url: 'https://ops.example.com/warm',
      method: 'POST' as const,
      body: { db: TARGET },
      expectStatus: [204],
      timeoutMs: 5_000,
    },
    ...more,
  ];
  return { ...config, runbooks: { ...config.runbooks, restore: { ...config.runbooks.restore, orders: { ...orders, hooks } } } };
}

function mockSnapshotRestore(): void {
  mockSourcesLive(h);
  mockPreDeploySnapshot(h);
  h.east
    .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET })
    .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound }))
    .rejectsOnce(new DBInstanceNotFoundFault({ message: 'not found', ...notFound }))
    .resolves({
      DBInstances: [dbInstance(TARGET, 'available', { Endpoint: { Address: `${TARGET}.abc.us-east-1.rds.amazonaws.com`, Port: 5432 } })],
    });
  h.east.on(RestoreDBInstanceFromDBSnapshotCommand).resolves({ DBInstance: dbInstance(TARGET, 'creating') });
}

function planner(hookTokens: Record<string, string>, more: HookStep[] = []): ActionPlanner {
  return new ActionPlanner({ ...h.live, config: withHook(h.config, more), incidents: { getIncident: async () => null }, hookTokens });
}

function runner(hookTokens: Record<string, string>): ActionRunner {
  return new ActionRunner({
    rds: h.rds,
    route53: h.route53,
    lag: h.lag,
    clock: h.clock,
    journal: h.journal,
    reporter: h.reporter,
    logger: silentLogger(),
    sleep: async (ms) => {
      h.clock.advance(ms);
    },
    hookTokens,
  });
}

beforeAll(() => nock.disableNetConnect());
beforeEach(() => h.reset());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('a restore runbook with a hook', () => {
  it('plans the hook after the wait, then calls it once the instance is available, with the planned token', async () => {
    mockSnapshotRestore();
    const calls: Array<{ authorization: unknown; body: unknown; restores: number }> = [];
    nock('https://ops.example.com')
      .post('/warm')
      .reply(function (_uri, body) {
        calls.push({
          authorization: this.req.headers.authorization,
          body,
          restores: h.east.commandCalls(RestoreDBInstanceFromDBSnapshotCommand).length,
        });
        return [204, ''];
      });
    const tokens = { [VARIABLE]: TOKEN };

    const plan = await planner(tokens).plan(restore({ type: 'snapshot', snapshotId: 'pre-deploy' }));
    expect(plan.calls.map((c) => c.id)).toEqual(['restore', 'wait-restored', 'hook-warm-cache']);
    expect(plan.calls[2]).toMatchObject({
      service: 'http',
      operation: 'Request',
      input: {
        method: 'POST',
        url: 'https://ops.example.com/warm',
        body: { db: TARGET },
        expectStatus: [204],
        timeoutMs: 5_000,
        bearerTokenFrom: VARIABLE,
      },
    });
    expect(plan.preflight.at(-1)).toMatchObject({
      ok: true,
      check: { kind: 'hook-token', hook: 'warm-cache', variable: VARIABLE, bearer: true, step: 'hook-warm-cache' },
    });
    expect(JSON.stringify(plan)).not.toContain(TOKEN);

    const outcome = await runner(tokens).run('run-1', plan);
    expect(outcome.status).toBe('succeeded');
    expect(calls).toEqual([{ authorization: `Bearer ${TOKEN}`, body: { db: TARGET }, restores: 1 }]);
  });

  it('is refused before any step on a replica without the token the plan sends', async () => {
    mockSnapshotRestore();
    const plan = await planner({ [VARIABLE]: TOKEN }).plan(restore({ type: 'snapshot', snapshotId: 'pre-deploy' }));

    const outcome = await runner({}).run('run-1', plan);
    expect(outcome.status).toBe('refused');
    expect(outcome.preflight?.find((p) => !p.ok)).toMatchObject({
      name: 'hook token',
      observed: `${VARIABLE} is not set on this replica, but the approved plan sends hook warm-cache a bearer token`,
      code: 'LIFEBOAT_HOOK_TOKEN',
    });
    expect(h.east.commandCalls(RestoreDBInstanceFromDBSnapshotCommand)).toHaveLength(0);
  });

  it('is refused at request time when the token variable is set but empty', async () => {
    mockSnapshotRestore();
    await expect(planner({ [VARIABLE]: '' }).plan(restore({ type: 'snapshot', snapshotId: 'pre-deploy' }))).rejects.toMatchObject({
      code: 'LIFEBOAT_PREFLIGHT_FAILED',
      message: expect.stringContaining(`hook token: ${VARIABLE} is set but empty on this replica (hook warm-cache)`),
    });
  });

  it('runs its hooks in order and stops at the first that fails: the next one is never called', async () => {
    mockSnapshotRestore();
    const order: string[] = [];
    nock('https://ops.example.com')
      .post('/warm')
      .reply(() => {
        order.push('warm-cache');
        return [500, 'cache cluster unavailable'];
      });
    const flag = nock('https://ops.example.com').put('/flag').reply(204);
    const more: HookStep[] = [
      { name: 'flip-flag', url: 'https://ops.example.com/flag', method: 'PUT', expectStatus: [204], timeoutMs: 5_000 },
    ];

    const plan = await planner({}, more).plan(restore({ type: 'snapshot', snapshotId: 'pre-deploy' }));
    expect(plan.calls.map((c) => c.id)).toEqual(['restore', 'wait-restored', 'hook-warm-cache', 'hook-flip-flag']);

    const outcome = await runner({}).run('run-1', plan);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatchObject({ stepId: 'hook-warm-cache', code: 'LIFEBOAT_HOOK_FAILED' });
    expect(outcome.error?.message).toContain('answered HTTP 500, expected 204: cache cluster unavailable');
    expect(outcome.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      'restore:done',
      'wait-restored:done',
      'hook-warm-cache:failed',
      'hook-flip-flag:not-run',
    ]);
    expect(order).toEqual(['warm-cache']);
    expect(flag.isDone()).toBe(false);
  });
});
