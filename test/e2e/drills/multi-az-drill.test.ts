import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { APPROVAL_ACTION_IDS } from '../../../src/bot/approvals/approval-action-ids.js';
import { approvalMessage } from '../../../src/bot/approvals/blocks/approval-message.js';
import type { ProbeOutcome } from '../../../src/core/check-result.js';
import { httpAwsClients } from '../../doubles/aws-http.js';
import { nockAuroraFailover, nockMultiAzInstance } from '../../doubles/multi-az-fake.js';
import { nockChatUpdate, nockPostEphemeral, nockPostMessage, type Recorded } from '../../doubles/slack-api-nock.js';
import { startServiceFlow, steadyProbes } from '../approval-flow/approval-flow-harness.js';
import { click, confirmBody, slash, threadTexts } from '../approval-flow/flow-requests.js';
import { useApprovalFlow } from '../approval-flow/use-approval-flow.js';

/*
 * SPEC §10's disruptive drill through the wiring users run (buildApp): `/dr drill` of a Multi-AZ
 * failover drill makes a two-person approval request with typed confirmation; once approved,
 * RebootDBInstance with ForceFailover (or Aurora's FailoverDBCluster) is sent once, against RDS
 * answered at the HTTP layer; the run waits through `rebooting`, runs the verify check, and the
 * drill is recorded: history, `/dr drills`, metrics, audit.
 */

const ORDERS_HEALTH = 'https://orders.example.com/health';
/** Verify-check probes so far; the first answers 503, every later one 200. */
let verifyProbes = 0;

const flow = useApprovalFlow(() => {
  verifyProbes = 0;
  return startServiceFlow(
    {
      checks: [
        // Once a year: the monitor leaves it alone; the drill's verify step runs it.
        { id: 'orders-api', type: 'http', url: ORDERS_HEALTH, schedule: '0 0 1 1 *', expect: { status: [200] }, severity: 'SEV2' },
      ],
      drills: {
        'orders-multi-az': {
          multiAzFailover: { dbInstance: 'orders-db' },
          region: 'us-east-1',
          verify: { checks: ['orders-api'], within: '20s' },
          rto: '5m',
        },
        'aurora-multi-az': { multiAzFailover: { dbCluster: 'orders-aurora' }, region: 'us-east-1', rto: '1m' },
      },
      probes: (clock) => {
        const steady = steadyProbes(clock);
        return {
          ...steady,
          http: async (spec, signal) => {
            if (spec.url !== ORDERS_HEALTH) return steady.http(spec, signal);
            verifyProbes += 1;
            const status = verifyProbes === 1 ? 503 : 200;
            const outcome: ProbeOutcome = {
              ok: status === 200,
              severity: status === 200 ? null : 'SEV2',
              summary: `HTTP ${status}`,
              measurement: { kind: 'http', status, url: spec.url },
            };
            return outcome;
          },
        };
      },
    },
    httpAwsClients(),
  );
});

afterEach(() => {
  nock.cleanAll();
});

/** `/dr drill <name>` as U0AAA: the approval request posted, and what the requester was told. */
async function requestDrill(name: string, userId = 'U0AAA'): Promise<{ posts: Recorded; replies: unknown[] }> {
  const posts = nockPostMessage(30);
  const replies = await slash(flow, `drill ${name}`, userId);
  return { posts, replies };
}

/** U0BBB approves APR-1 typing `typed`; returns once the run ended. */
async function approve(typed: string): Promise<void> {
  nockPostEphemeral(5);
  nockChatUpdate(40);
  const response = await flow.post(confirmBody('APR-1', typed));
  expect(response.statusCode).toBe(200);
  await flow.idle();
}

async function scrape(): Promise<string> {
  return (await flow.server.inject({ method: 'GET', url: '/metrics' })).body;
}

describe('a Multi-AZ failover drill through two-person approval', () => {
  it('is requested, shown whole, refused for its requester, needs the typed name, then fails over once, waits, verifies and is recorded', async () => {
    const rds = nockMultiAzInstance({ id: 'orders-db', rebootingFor: 2 });
    const { posts, replies } = await requestDrill('orders-multi-az');

    expect(JSON.stringify(replies)).toContain('Approval requested: *APR-1* Multi-AZ failover drill orders-multi-az');
    const approval = await flow.approvals.get('APR-1');
    expect(approval).toMatchObject({ state: 'pending', requester: 'U0AAA', plan: { destructive: true, subject: 'orders-multi-az' } });
    const shown = JSON.stringify(posts.calls[0]?.body.blocks);
    expect(shown).toContain('fail over orders-db from us-east-1a to its standby in us-east-1b (us-east-1)');
    expect(shown).toContain('RebootDBInstance');
    expect(shown).toContain('{\\"DBInstanceIdentifier\\":\\"orders-db\\",\\"ForceFailover\\":true}');
    expect(shown).toContain('orders-db is available, Multi-AZ: primary in us-east-1a, standby in us-east-1b');
    expect(shown).toContain('Verify recovery: orders-api must all pass in one round');
    expect(rds.reboots).toEqual([]);

    const ephemeral = nockPostEphemeral();
    await click(flow, APPROVAL_ACTION_IDS.approve, 'APR-1', 'U0AAA');
    expect(ephemeral.calls.map((c) => c.body.text)).toEqual([
      'You requested this Multi-AZ failover drill, so someone else must approve it.',
    ]);

    const wrong = await flow.post(confirmBody('APR-1', 'orders-db'));
    expect(wrong.json()).toEqual({
      response_action: 'errors',
      errors: { confirm: 'The confirmation did not match: type orders-multi-az exactly to approve this Multi-AZ failover drill.' },
    });
    await flow.idle();
    expect(await flow.approvals.get('APR-1')).toMatchObject({ state: 'pending', approvals: [] });
    expect(rds.reboots).toEqual([]);

    await approve('orders-multi-az');

    const done = await flow.approvals.get('APR-1');
    expect(done?.state).toBe('succeeded');
    expect(rds.reboots).toEqual([
      { Action: 'RebootDBInstance', Version: '2014-10-31', DBInstanceIdentifier: 'orders-db', ForceFailover: 'true' },
    ]);
    expect(rds.primaryZone()).toBe('us-east-1b');
    // Pre-flight (plan), pre-flight (run), the reboot, then the wait through `rebooting`.
    expect(rds.actions.slice(rds.actions.indexOf('RebootDBInstance'))).toEqual([
      'RebootDBInstance',
      'DescribeDBInstances',
      'DescribeDBInstances',
      'DescribeDBInstances',
    ]);
    expect(verifyProbes).toBe(2);
    const thread = threadTexts(posts);
    expect(thread).toContainEqual(
      expect.stringContaining('orders-db is available at orders-db.abc.us-east-1.rds.amazonaws.com:5432, primary now in us-east-1b'),
    );
    expect(thread.at(-1)).toMatch(
      /^:white_check_mark: Multi-AZ failover drill orders-multi-az succeeded in \d+s\. Endpoint: orders-db\.abc\.us-east-1\.rds\.amazonaws\.com:5432\. Failed over and recovered \d+s after the failover call, verified by orders-api\.$/,
    );

    const [outcome] = await flow.app.backend.drills.history('orders-multi-az', 5);
    expect(outcome).toMatchObject({
      drill: 'orders-multi-az',
      runId: 'APR-1',
      kind: 'multi-az-failover',
      source: 'orders-db',
      region: 'us-east-1',
      result: 'passed',
      rtoMs: 300_000,
    });
    expect(outcome?.failoverMs).toBeGreaterThan(0);
    expect(outcome?.failoverMs).toBeLessThanOrEqual(outcome ? outcome.finishedAt - outcome.startedAt : 0);

    const metrics = await scrape();
    expect(metrics).toContain('lifeboat_drill_runs_total{drill="orders-multi-az",outcome="passed"} 1');
    expect(metrics).toContain('lifeboat_drill_duration_seconds_count{drill="orders-multi-az"} 1');
    expect(metrics).toMatch(/lifeboat_drill_last_success_timestamp_seconds\{drill="orders-multi-az"\} \d+/);

    const audit = await flow.app.backend.auditLog.newest({ limit: 50 });
    const drillEntries = audit.filter((e) => 'drillRunId' in e);
    expect(drillEntries.map((e) => [e.type, 'drillRunId' in e && e.drillRunId, e.actor])).toEqual([
      ['drill-finished', 'APR-1', undefined],
      ['drill-started', 'APR-1', 'U0AAA'],
    ]);
    expect(JSON.stringify(drillEntries[1])).toContain('approved by U0BBB');

    const listing = JSON.stringify(await slash(flow, 'drills', 'U0ZZZ'));
    expect(listing).toContain('*orders-multi-az* (Multi-AZ failover of orders-db (us-east-1)): on demand, two-person approved, rto 5m');
    expect(listing).toMatch(/last: \*passed\* APR-1 at [^,]+, failed over and recovered in \d/);
  });

  it('sends RebootDBInstance once when its first answer times out: the instance read back as rebooting, and the run goes on', async () => {
    const rds = nockMultiAzInstance({ id: 'orders-db', rebootingFor: 2, firstAnswerTimesOut: true });
    const { posts } = await requestDrill('orders-multi-az');
    await approve('orders-multi-az');

    expect(rds.reboots).toHaveLength(1);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(threadTexts(posts)).toContainEqual(
      expect.stringMatching(
        /RebootDBInstance: AWS's answer was lost \(TimeoutError.*reading back, orders-db is rebooting \(failover under way\): it took effect, and it was not sent again/,
      ),
    );
    expect((await flow.app.backend.drills.history('orders-multi-az', 1))[0]?.result).toBe('passed');
  }, 15_000);

  it('a reboot AWS did not act on (503, still available in its zone) is not resent: the drill fails, recorded and counted, with no Resume', async () => {
    const rds = nockMultiAzInstance({ id: 'orders-db', firstAnswerUnavailable: true });
    const { posts } = await requestDrill('orders-multi-az');
    await approve('orders-multi-az');

    expect(rds.unapplied).toHaveLength(1);
    expect(rds.reboots).toEqual([]);
    expect(rds.primaryZone()).toBe('us-east-1a');
    const failed = await flow.approvals.get('APR-1');
    expect(failed?.state).toBe('failed');
    expect(threadTexts(posts)).toContainEqual(
      expect.stringContaining('orders-db is still available with its primary in us-east-1a: it shows no effect. It was not sent again'),
    );
    const [outcome] = await flow.app.backend.drills.history('orders-multi-az', 1);
    expect(outcome).toMatchObject({ result: 'failed', runId: 'APR-1', reason: expect.stringContaining('It was not sent again') });
    expect(outcome?.failoverMs).toBeUndefined();
    const metrics = await scrape();
    expect(metrics).toContain('lifeboat_drill_runs_total{drill="orders-multi-az",outcome="failed"} 1');
    expect(metrics).not.toContain('lifeboat_drill_duration_seconds_count{drill="orders-multi-az"}');
    if (!failed) throw new Error('APR-1 is gone');
    expect(JSON.stringify(approvalMessage(failed))).not.toContain(APPROVAL_ACTION_IDS.resume);
    const resume = JSON.stringify(await slash(flow, 'resume APR-1'));
    expect(resume).toContain('APR-1 is a Multi-AZ failover drill, which changes no DNS and is measured whole, so it is not resumed');
  });

  it('refuses a Single-AZ instance at pre-flight: no request, no reboot', async () => {
    const rds = nockMultiAzInstance({ id: 'orders-db', multiAz: false });
    const { posts, replies } = await requestDrill('orders-multi-az');

    expect(JSON.stringify(replies)).toContain(
      'orders-db is Single-AZ: a reboot with failover would only reboot it, with downtime and no standby taking over',
    );
    expect(posts.calls).toEqual([]);
    expect(await flow.approvals.listPending()).toEqual([]);
    expect(rds.reboots).toEqual([]);
    expect(await flow.app.backend.drills.history('orders-multi-az', 1)).toEqual([]);
  });

  it('--dry-run shows the plan and creates nothing; a non-operator cannot request one', async () => {
    nockMultiAzInstance({ id: 'orders-db' });
    const dry = await slash(flow, 'drill orders-multi-az --dry-run');
    expect(JSON.stringify(dry)).toContain('Dry run: Multi-AZ failover drill orders-multi-az: fail over orders-db');
    expect(await flow.approvals.listPending()).toEqual([]);
    const refused = await slash(flow, 'drill orders-multi-az', 'U0ZZZ');
    expect(JSON.stringify(refused)).toMatch(/operators/);
    expect(await flow.approvals.listPending()).toEqual([]);
  });

  it('the Aurora variant fails the cluster over to the first available reader the plan names, and waits for it to be the writer', async () => {
    const aurora = nockAuroraFailover({ cluster: 'orders-aurora', instances: ['orders-aurora-1', 'orders-aurora-3', 'orders-aurora-2'] });
    const { posts } = await requestDrill('aurora-multi-az');
    const shown = JSON.stringify(posts.calls[0]?.body.blocks);
    expect(shown).toContain('fail over cluster orders-aurora to orders-aurora-2 (us-east-1)');
    expect(shown).toContain('{\\"DBClusterIdentifier\\":\\"orders-aurora\\",\\"TargetDBInstanceIdentifier\\":\\"orders-aurora-2\\"}');

    await approve('aurora-multi-az');

    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(aurora.failovers).toEqual([
      {
        Action: 'FailoverDBCluster',
        Version: '2014-10-31',
        DBClusterIdentifier: 'orders-aurora',
        TargetDBInstanceIdentifier: 'orders-aurora-2',
      },
    ]);
    expect(aurora.writer()).toBe('orders-aurora-2');
    expect(threadTexts(posts)).toContainEqual(expect.stringContaining('orders-aurora-2 is the writer of cluster orders-aurora, available'));
    const [outcome] = await flow.app.backend.drills.history('aurora-multi-az', 1);
    expect(outcome).toMatchObject({ result: 'passed', source: 'orders-aurora', runId: 'APR-1' });
    expect(await scrape()).toContain('lifeboat_drill_runs_total{drill="aurora-multi-az",outcome="passed"} 1');
  });

  it('refuses an Aurora cluster with no reader to fail over to, at pre-flight', async () => {
    const aurora = nockAuroraFailover({ cluster: 'orders-aurora', instances: ['orders-aurora-1'] });
    const { posts, replies } = await requestDrill('aurora-multi-az');
    expect(JSON.stringify(replies)).toContain('cluster orders-aurora has no reader (members: orders-aurora-1)');
    expect(posts.calls).toEqual([]);
    expect(aurora.failovers).toEqual([]);
    expect(await flow.approvals.listPending()).toEqual([]);
  });
});
