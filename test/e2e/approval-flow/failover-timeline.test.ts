import { describe, expect, it } from 'vitest';
import { dbInstance, describedInstances, httpAwsClients, nockOrdersDnsAndLag, nockRds } from '../../doubles/aws-http.js';
import { pass } from '../../doubles/results.js';
import { ORDERS_FAILOVER, ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';
import { nockChatUpdate, nockPostEphemeral } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { confirmBody, proposeFailoverFromIncident, slash } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * Issue 13's "a timeline for an incident with an approved failover lists every step with times",
 * through buildApp: the orders API's check fails and opens INC-1, on-call proposes the failover
 * from the incident's button, a second person approves, the real runner promotes the replica and
 * moves DNS (RDS, Route 53 and CloudWatch answered at the HTTP layer), the check verifies the
 * recovery, and `/dr timeline INC-1` answers the requester alone with every step and its times.
 */

const flow = useApprovalFlow(() =>
  startServiceFlow(
    {
      // Once a year: the monitor leaves it alone; the test fails it, the verify step runs it (steady: 200).
      checks: [{ id: 'orders-api', type: 'http', url: 'https://orders.example.com/health', schedule: '0 0 1 1 *', severity: 'SEV2' }],
      // Verified by orders-api: its incident offers this failover (linked-runbooks.ts).
      failover: { ...ORDERS_FAILOVER, verify: { checks: ['orders-api'], within: '20s' } },
    },
    httpAwsClients(),
  ),
);

/**
 * RDS promotes the replica, which is `modifying` when first described after it (well inside the 30 s run lease the jumping clock could outrun) (the
 * runner's waits move the test clock: the step takes measurable time); Route 53 takes the change;
 * CloudWatch reads 12 s of lag at cut-over.
 */
function healthyAws(): void {
  let describedSincePromotion: number | null = null;
  nockRds('us-west-2', (action) => {
    if (action === 'PromoteReadReplica') {
      describedSincePromotion = 0;
      return { result: { DBInstance: dbInstance({ id: 'orders-replica', status: 'modifying', replicaOf: 'orders-db' }) } };
    }
    if (action !== 'DescribeDBInstances') return { error: { status: 400, code: 'InvalidAction', message: `not expected: ${action}` } };
    if (describedSincePromotion === null) {
      return { result: describedInstances(dbInstance({ id: 'orders-replica', status: 'available', replicaOf: 'orders-db' })) };
    }
    describedSincePromotion += 1;
    const promoted = describedSincePromotion > 1;
    return {
      result: describedInstances(
        promoted
          ? dbInstance({ id: 'orders-replica', status: 'available', endpoint: ORDERS_REPLICA_ENDPOINT })
          : dbInstance({ id: 'orders-replica', status: 'modifying', replicaOf: 'orders-db' }),
      ),
    };
  });
  nockOrdersDnsAndLag(() => flow.clock.now());
}

/** One row of the Markdown table, its columns parsed. */
interface Row {
  at: number;
  sinceOpened: string;
  sincePrevious: string;
  what: string;
  who: string;
  detail: string;
}

function tableRows(markdown: string): Row[] {
  return markdown
    .split('\n')
    .filter((line) => /^\| \d{4}-/.test(line))
    .map((line) => {
      const [time = '', sinceOpened = '', sincePrevious = '', what = '', who = '', detail = ''] = line
        .slice(2, -2)
        .split(' | ')
        .map((c) => c.trim());
      return { at: Date.parse(`${time.replace(' UTC', '').replace(' ', 'T')}Z`), sinceOpened, sincePrevious, what, who, detail };
    });
}

/** Seconds as the timeline writes them: "41s", "4m", "4m 5s". */
function seconds(text: string): number {
  const part = (unit: string) => Number(new RegExp(`(\\d+)${unit}`).exec(text)?.[1] ?? 0);
  return part('h') * 3600 + part('m') * 60 + part('s');
}

describe('/dr timeline of an incident with an approved failover, end to end', () => {
  it('lists detection, the proposal, the approval, every executed step with its measured time and the outcome, with times and gaps, to the requester only', async () => {
    healthyAws();
    // On-call takes four minutes to propose the failover from the incident's message.
    const { openedAt } = await proposeFailoverFromIncident(flow, 'orders-api');

    // A second person approves two and a half minutes later, typing the runbook's name; the run goes.
    flow.clock.advance(150_000);
    nockChatUpdate(40);
    nockPostEphemeral(5);
    expect((await flow.post(confirmBody('APR-1', 'orders', 'U0BBB'))).statusCode).toBe(200);
    await flow.idle();
    const approval = await flow.approvals.get('APR-1');
    expect(approval?.state).toBe('succeeded');
    const run = approval?.run;
    if (!approval || !run || run.startedAt === undefined || run.finishedAt === undefined) throw new Error('APR-1 did not run');
    expect(run.steps.map((s) => s.stepId)).toEqual(['promote', 'wait-promoted', 'dns-upsert', 'dns-insync', 'verify']);

    // The monitor sees the API pass a minute later: the incident resolves.
    flow.clock.advance(60_000);
    await flow.engine.apply(pass('orders-api', flow.clock.now()));
    await flow.idle();
    const resolvedAt = flow.clock.now();
    flow.clock.advance(60_000);
    const replies = await slash(flow, 'timeline INC-1');

    expect(replies).toHaveLength(1);
    const reply = replies[0] as { response_type: string; text: string; blocks: Array<{ text: { text: string } }> };
    // Only the person who asked sees it (the audit names people).
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toBe('Timeline of INC-1');
    const markdown = (reply.blocks[0]?.text.text ?? '').replace(/^```\n|\n```$/g, '').replace(/&gt;/g, '>');
    expect(markdown).toContain('# INC-1: orders-api (SEV2 at worst)');
    expect(markdown).toContain('- Opened: 2026-11-21 12:00:00 UTC');

    const rows = tableRows(markdown);
    const stepRow = (id: string) => new RegExp(`^APR-1 step ${id} done after \\d`);
    const expected: Array<[RegExp | string, string]> = [
      ['Detected at SEV2 on orders-api', ''],
      ['Failover proposed (APR-1)', '@U0AAA'],
      ['APR-1 approved (1 of 1)', '@U0BBB'],
      ['APR-1 run started', ''],
      [stepRow('promote'), ''],
      [stepRow('wait-promoted'), ''],
      [stepRow('dns-upsert'), ''],
      [stepRow('dns-insync'), ''],
      [stepRow('verify'), ''],
      [/^APR-1 succeeded in \d/, ''],
      ['Recovered (checks pass again)', ''],
    ];
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const [what, who] = expected[i] ?? ['', ''];
      if (typeof what === 'string') expect(row.what).toBe(what);
      else expect(row.what).toMatch(what);
      expect(row.who).toBe(who);
    });

    // Each row at the time it happened, as the runner and the approval store recorded it ...
    expect(rows.map((r) => r.at)).toEqual(
      [
        openedAt,
        approval.createdAt,
        approval.approvals[0]?.at,
        run.startedAt,
        ...run.steps.map((s) => s.at),
        run.finishedAt,
        resolvedAt,
      ].map((at) => Math.floor((at ?? 0) / 1000) * 1000),
    );
    expect(rows[1]?.sinceOpened).toBe('+4m');
    expect(rows[2]?.sincePrevious).toBe('+2m 30s');
    // ... with the time since the opening and since the previous entry, and each step's measured time.
    let previous = openedAt;
    for (const row of rows) {
      expect(seconds(row.sinceOpened)).toBe(Math.round((row.at - openedAt) / 1000));
      if (row !== rows[0]) expect(seconds(row.sincePrevious)).toBe(Math.round((row.at - previous) / 1000));
      previous = row.at;
    }
    run.steps.forEach((step, i) => {
      const before = i === 0 ? run.startedAt : run.steps[i - 1]?.at;
      expect(rows[4 + i]?.what).toBe(`APR-1 step ${step.stepId} done after ${formatSeconds(step.at - (before ?? 0))}`);
      expect(rows[4 + i]?.detail).toContain(step.description);
    });
    // The wait for the promotion took time on the runner's clock, and the timeline shows it.
    const waited = run.steps.find((s) => s.stepId === 'wait-promoted');
    const promoted = run.steps.find((s) => s.stepId === 'promote');
    expect((waited?.at ?? 0) - (promoted?.at ?? 0)).toBe(5_000);
    expect(rows[5]?.what).toBe('APR-1 step wait-promoted done after 5s');
    const outcome = rows.at(-2);
    expect(outcome?.what).toBe(`APR-1 succeeded in ${formatSeconds(run.finishedAt - run.startedAt)}`);
    expect(outcome?.detail).toMatch(
      /^Failover orders succeeded in \d+s \(measured RTO\)\. Data-loss window: replica lag 12s at cut-over\./,
    );
    const resolvedUtc = new Date(resolvedAt).toISOString().slice(0, 19).replace('T', ' ');
    expect(markdown).toContain(`- Resolved: ${resolvedUtc} UTC, after ${formatSeconds(resolvedAt - openedAt)}`);
  });
});

/** As formatElapsed writes a whole number of seconds. */
function formatSeconds(ms: number): string {
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return [m > 0 ? `${m}m` : '', s > 0 || total === 0 ? `${s}s` : ''].filter(Boolean).join(' ');
}
