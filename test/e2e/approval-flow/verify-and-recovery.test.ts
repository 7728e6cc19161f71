import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDurationHms } from '../../../src/core/format-time.js';
import { createHttpProber, type HttpProber } from '../../../src/monitor/probes/http-probe.js';
import { httpAwsClients, nockOrdersDnsAndLag, nockPromotableReplica } from '../../doubles/aws-http.js';
import { ORDERS_FAILOVER, ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';
import { nockChatUpdate, nockPostEphemeral, type Recorded } from '../../doubles/slack-api-nock.js';
import { startServiceFlow, steadyProbes } from './approval-flow-harness.js';
import { confirmBody, proposeFailoverFromIncident, requestFailover, threadTexts } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * A failover whose runbook verifies recovery: after promotion and DNS, Lifeboat runs the orders-api
 * check (a real HTTP probe against a local server) until it passes; the outcome gives the time to
 * recovery, from the incident's opening or the request, and /metrics has it by runbook.
 */

/** What the local orders API answers, request by request (1-based). */
let answer: (request: number) => { status: number; body: string } = () => ({ status: 200, body: 'ok' });
let requests = 0;
let server: Server;
let baseUrl = '';
let prober: HttpProber;

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    const { status, body } = answer(requests);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  prober = createHttpProber();
});
afterAll(async () => {
  await prober.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const flow = useApprovalFlow(() => {
  requests = 0;
  return startServiceFlow(
    {
      checks: [
        {
          id: 'orders-api',
          type: 'http',
          url: `${baseUrl}/health`,
          // Once a year: the monitor leaves it alone; the verify step runs it.
          schedule: '0 0 1 1 *',
          expect: { status: [200], bodyContains: 'ok' },
          severity: 'SEV2',
        },
      ],
      // Within the run lease (30 s): the manual clock jumps where real heartbeats would have renewed it.
      failover: { ...ORDERS_FAILOVER, verify: { checks: ['orders-api'], within: '20s' } },
      // The real HTTP probe for the local API; steady answers for the flow's other checks.
      probes: (clock) => {
        const steady = steadyProbes(clock);
        return {
          ...steady,
          http: (spec, signal) => (spec.url.startsWith(baseUrl) ? prober.probe(spec, signal) : steady.http(spec, signal)),
        };
      },
    },
    httpAwsClients(),
  );
});

/** RDS and Route 53 for a healthy promotion: a replica until PromoteReadReplica, then standalone and available. */
function healthyAws(): void {
  nockPromotableReplica(ORDERS_REPLICA_ENDPOINT);
  nockOrdersDnsAndLag(() => flow.clock.now());
}

/** Approves APR-1 (typing the runbook's name) and waits for the run to end; returns the thread. */
async function approveAndRun(posts: Recorded): Promise<string[]> {
  nockPostEphemeral(5);
  updates = nockChatUpdate(40);
  expect((await flow.post(confirmBody('APR-1', 'orders'))).statusCode).toBe(200);
  await flow.idle();
  return threadTexts(posts);
}

/** The approval message's updates during the last run (chat.update). */
let updates: Recorded;

async function scrape(): Promise<string> {
  return (await flow.server.inject({ method: 'GET', url: '/metrics' })).body;
}

describe('a failover with a verify step', () => {
  it('passes once the check passes after a failing round, and counts recovery from the request', async () => {
    healthyAws();
    answer = (n) => (n === 1 ? { status: 503, body: 'maintenance' } : { status: 200, body: 'status: ok' });
    const requestedAt = flow.clock.now();
    const { posts } = await requestFailover(flow);
    const plan = JSON.stringify(posts.calls[0]?.body);
    expect(plan).toContain('Verify recovery: orders-api must all pass in one round (up to 20s)');
    expect(plan).toContain(`GET ${baseUrl}/health answers 200, body contains \\\\\\"ok\\\\\\", within 5s`);

    const thread = await approveAndRun(posts);

    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(requests).toBe(2);
    const verified = thread.find((t) => t.startsWith(':heavy_check_mark: Step `verify`'));
    expect(verified).toMatch(
      /Recovery verified: orders-api HTTP 200 in \d+ms \(round 2, after 5s\); failing before: round 1: orders-api HTTP 503/,
    );
    const recovered = formatDurationHms(flow.clock.now() - requestedAt);
    expect(thread.at(-1)).toContain(`Recovered ${recovered} after the request (verified by orders-api).`);
    // The approval message itself shows it next to the execution time.
    expect(JSON.stringify(updates.calls.at(-1)?.body.blocks)).toContain(`(measured RTO) · recovered ${recovered} after the request`);

    const metrics = await scrape();
    expect(metrics).toContain('lifeboat_recovery_seconds_count{action="failover",runbook="orders"} 1');
    expect(metrics).toContain(
      `lifeboat_recovery_seconds_sum{action="failover",runbook="orders"} ${(flow.clock.now() - requestedAt) / 1000}`,
    );
    expect(metrics).toContain('lifeboat_action_duration_seconds_count{action="failover",outcome="succeeded",runbook="orders"} 1');
    expect(metrics).toContain('lifeboat_failover_data_loss_seconds_sum{runbook="orders"} 12');
    expect(metrics).toContain('lifeboat_failover_data_loss_seconds_count{runbook="orders"} 1');
  });

  it('counts recovery from the opening of the incident the failover was proposed from', async () => {
    healthyAws();
    answer = () => ({ status: 200, body: 'ok' });
    // orders-api fails: its incident offers the failover its recovery is verified by; on-call takes four minutes to decide.
    const { openedAt, posts, told } = await proposeFailoverFromIncident(flow, 'orders-api');
    expect(told.calls[0]?.body.text).toMatch(/^Approval requested: \*APR-1\* Failover orders/);

    const thread = await approveAndRun(posts);

    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    const recovered = flow.clock.now() - openedAt;
    expect(recovered).toBeGreaterThanOrEqual(4 * 60_000);
    expect(thread.at(-1)).toContain(`Recovered ${formatDurationHms(recovered)} after incident INC-1 opened (verified by orders-api).`);
    expect(await scrape()).toContain(`lifeboat_recovery_seconds_sum{action="failover",runbook="orders"} ${recovered / 1000}`);
  });

  it('fails at the verify step when the check still fails after `within`, with no recovery time', async () => {
    healthyAws();
    answer = () => ({ status: 503, body: 'maintenance' });
    const { posts } = await requestFailover(flow);

    const thread = await approveAndRun(posts);

    expect((await flow.approvals.get('APR-1'))?.state).toBe('failed');
    // Rounds at 0 s, 5 s, ... 20 s: the fifth is the last within 20 s.
    expect(requests).toBe(5);
    const failed = thread.find((t) => t.startsWith(':x: Step `verify` failed (LIFEBOAT_VERIFY_FAILED)'));
    const round = (n: number) => `round ${n}: orders-api HTTP 503 (expected 200)`;
    expect(failed).toBe(
      `:x: Step \`verify\` failed (LIFEBOAT_VERIFY_FAILED): Recovery was not verified within 20s: after 5 rounds, still failing: orders-api (last: HTTP 503 (expected 200)). Rounds: ${[1, 2, 3, 4, 5].map(round).join('; ')}. The steps before it are done; check the service before deciding what next.`,
    );
    const outcome = thread.at(-1) ?? '';
    expect(outcome).toMatch(/^:x: Failover orders FAILED at step verify after /);
    expect(outcome).toContain('Steps done: promote, wait-promoted, dns-upsert, dns-insync.');
    expect(outcome).not.toContain('Recovered');

    const metrics = await scrape();
    expect(metrics).toContain('lifeboat_action_duration_seconds_count{action="failover",outcome="failed",runbook="orders"} 1');
    expect(metrics).not.toContain('lifeboat_recovery_seconds_count{');
    expect(metrics).not.toContain('lifeboat_failover_data_loss_seconds_count{');
  });
});
