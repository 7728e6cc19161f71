import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { createLogger } from '../../../src/observability/logger.js';
import { httpAwsClients, nockCloudWatchLag, nockPromotableReplica, nockRoute53, type SimpleRecord } from '../../doubles/aws-http.js';
import { ORDERS_FAILOVER, ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';
import { nockChatUpdate, nockPostEphemeral, type Recorded } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { confirmBody, OLD_PRIMARY, requestFailover, threadTexts } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * A failover runbook with an HTTP hook, through the wiring users run (buildApp, signed Slack
 * requests, AWS and the hook answered at the HTTP layer by nock): the hook is called once, after
 * promote and DNS, with exactly the approved body and its bearer token, which no log line and no
 * Slack message ever holds.
 */

const TOKEN = 'hook-token-5ecret-value-0123456789';
const HOOK_ORIGIN = 'https://ops.example.com';
const BODY = { replicas: 6, service: 'orders', reason: 'DR failover' };

function hookRunbook(hook: Record<string, unknown> = {}): object {
  return {
    ...ORDERS_FAILOVER,
    hooks: [
      { name: 'scale-dr-api', url: `${HOOK_ORIGIN}/scale`, method: 'POST', body: BODY, expectStatus: [200, 202], timeout: '1s', ...hook },
    ],
  };
}

/** Every log line the service wrote, as written (JSON). */
const logLines: string[] = [];

const flow = useApprovalFlow(() => {
  logLines.splice(0);
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
  return startServiceFlow({ failover: hookRunbook(), env: { LIFEBOAT_HOOK_SCALE_DR_API_TOKEN: `${TOKEN}\n` }, logger }, httpAwsClients());
});

/** RDS: orders-replica is an available replica until promoted, then standalone and available. */
function rdsPromotion(): void {
  nockPromotableReplica(ORDERS_REPLICA_ENDPOINT);
}

/** Route 53 holding the old primary until the change writes the new one. */
function route53(): string[] {
  let record: SimpleRecord = { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, value: OLD_PRIMARY };
  return nockRoute53({
    records: () => [record],
    change: (written) => {
      record = written;
      return 'accept';
    },
  });
}

interface HookRequest {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** DNS changes made when the hook was called. */
  dnsChangesBefore: number;
}

/** The hook endpoint, answering each request with `reply` (or not answering in time with `delayMs`). */
function nockHook(dnsChanges: string[], reply: [number, string], delayMs = 0): HookRequest[] {
  const requests: HookRequest[] = [];
  const scope = nock(HOOK_ORIGIN).post('/scale');
  (delayMs > 0 ? scope.delay(delayMs) : scope).reply(function (_uri, body) {
    requests.push({
      headers: { ...this.req.headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      dnsChangesBefore: dnsChanges.length,
    });
    return reply;
  });
  return requests;
}

async function approveAndRun(): Promise<{ thread: string[]; slack: Recorded[] }> {
  nockCloudWatchLag('us-west-2', 12, () => flow.clock.now());
  const { posts } = await requestFailover(flow);
  const ephemerals = nockPostEphemeral(5);
  const updates = nockChatUpdate(40);
  const response = await flow.post(confirmBody('APR-1', 'orders'));
  expect(response.statusCode).toBe(200);
  await flow.idle();
  return { thread: threadTexts(posts), slack: [posts, ephemerals, updates] };
}

function everythingSentToSlack(recorded: Recorded[]): string {
  return JSON.stringify(recorded.flatMap((r) => r.calls.map((c) => c.body)));
}

describe('a failover runbook with a hook', () => {
  it('shows the exact body and the token variable to approvers, then calls the hook once after DNS with that body and the bearer token', async () => {
    rdsPromotion();
    const dns = route53();
    const hook = nockHook(dns, [202, '{"accepted":true}']);

    const { thread, slack } = await approveAndRun();

    const approval = slack[0]?.calls[0]?.body as { blocks: Array<{ type: string; text?: { text: string } }> };
    expect(blockKitViolations(approval)).toEqual([]);
    const shown = approval.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : [])).join('\n');
    expect(shown).toContain(
      `"method":"POST","url":"https://ops.example.com/scale","body":${JSON.stringify(BODY)},"expectStatus":[200,202],"timeoutMs":1000,"bearerTokenFrom":"LIFEBOAT_HOOK_SCALE_DR_API_TOKEN"`,
    );
    expect(shown).toContain('LIFEBOAT_HOOK_SCALE_DR_API_TOKEN is set: hook scale-dr-api gets Authorization: Bearer');

    expect(hook).toHaveLength(1);
    const [request] = hook;
    expect(request?.body).toBe(JSON.stringify(BODY));
    // Sent only once DNS points at the new primary.
    expect(request?.dnsChangesBefore).toBe(1);
    expect(request?.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' });
    const run = await flow.approvals.get('APR-1');
    expect(run?.state).toBe('succeeded');
    expect(thread.join('\n')).toContain('hook scale-dr-api (POST https://ops.example.com/scale) answered HTTP 202');

    // The step's input was logged (the runner logs every step's input), the token never.
    const logs = logLines.join('');
    expect(logs).toContain('"stepId":"hook-scale-dr-api"');
    expect(logs).toContain('"bearerTokenFrom":"LIFEBOAT_HOOK_SCALE_DR_API_TOKEN"');
    expect(logs).not.toContain(TOKEN);
    expect(everythingSentToSlack(slack)).not.toContain(TOKEN);
  });

  it('a hook answering a status it does not expect fails the run at that step, naming the status and the start of the body', async () => {
    rdsPromotion();
    const dns = route53();
    const echo = `{"error":"scaler overloaded","saw":"Bearer ${TOKEN}","detail":"${'x'.repeat(400)}"}`;
    const hook = nockHook(dns, [503, echo]);

    const { thread, slack } = await approveAndRun();

    expect(hook).toHaveLength(1);
    const run = await flow.approvals.get('APR-1');
    expect(run?.state).toBe('failed');
    const said = thread.join('\n');
    expect(said).toContain('Step `hook-scale-dr-api` failed (LIFEBOAT_HOOK_FAILED)');
    expect(said).toContain('answered HTTP 503, expected 200, 202: {"error":"scaler overloaded","saw":"Bearer [Redacted]"');
    expect(said).not.toContain('x'.repeat(250));
    expect(everythingSentToSlack(slack)).not.toContain(TOKEN);
    expect(logLines.join('')).not.toContain(TOKEN);
  });

  it('a hook that does not answer within its deadline leaves its outcome unknown and is not sent again', async () => {
    rdsPromotion();
    const dns = route53();
    const hook = nockHook(dns, [200, 'too late'], 3_000);

    const { thread, slack } = await approveAndRun();

    const run = await flow.approvals.get('APR-1');
    expect(run?.state).toBe('failed');
    const said = thread.join('\n');
    expect(said).toContain('Step `hook-scale-dr-api` failed (LIFEBOAT_HOOK_OUTCOME_UNKNOWN)');
    expect(said).toContain('did not answer within 1s: it may or may not have acted, and it was not sent again');
    // Sent once; one interceptor only, so a second send would also be an unmatched request, which fails the test.
    expect(hook).toHaveLength(1);
    expect(hook[0]?.dnsChangesBefore).toBe(1);
    expect(everythingSentToSlack(slack)).not.toContain(TOKEN);
  });
});
