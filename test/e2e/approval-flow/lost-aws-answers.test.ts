import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  dbInstance,
  describedInstances,
  httpAwsClients,
  nockCloudWatchLag,
  nockRds,
  nockRoute53,
  type RdsAnswer,
  type SimpleRecord,
} from '../../doubles/aws-http.js';
import { rdsErrorXml, rdsResponseXml } from '../../doubles/rds-nock.js';
import { ORDERS_REPLICA_ENDPOINT } from '../../doubles/runbook-fixtures.js';
import { nockChatUpdate, nockPostEphemeral } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { confirmBody, requestFailover, threadTexts } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * A failover through the wiring users run, with AWS answered at the HTTP layer: the SDK's own
 * retry behaviour is part of what is tested. A mutating call is sent once; when its answer is
 * lost, the run reads the resource back and carries on from what it finds, or stops.
 */

const flow = useApprovalFlow(() => startServiceFlow({}, httpAwsClients()));

const OLD_PRIMARY = 'orders-db.abc.us-east-1.rds.amazonaws.com';
const SERVICE_UNAVAILABLE: RdsAnswer = { error: { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' } };

/**
 * Longer than the SDK client's request timeout in `httpAwsClients()` (requestTimeout 2 s, with
 * throwOnRequestTimeout; production's is 30 s): an answer this late is never heard.
 */
const PAST_REQUEST_TIMEOUT_MS = 3_000;

/**
 * RDS as it behaves: `orders-replica` is an available replica until a PromoteReadReplica reaches
 * AWS (`accepted` decides whether AWS acted on it, and `answer` what the caller hears back); from
 * then on it reads `modifying` once, then standalone and available. With `firstAnswerDelayMs`, the
 * first PromoteReadReplica's answer is held that long on the wire (nock `.delay()`).
 */
function rdsPromotion(options: { accepted: (send: number) => boolean; answer: (send: number) => RdsAnswer; firstAnswerDelayMs?: number }) {
  let sends = 0;
  let promoted = false;
  let describesSincePromotion = 0;
  const promote = (): RdsAnswer => {
    sends += 1;
    if (options.accepted(sends)) promoted = true;
    return options.answer(sends);
  };
  if (options.firstAnswerDelayMs !== undefined) {
    // Registered before nockRds's catch-all, so the first PromoteReadReplica meets it and only that one.
    // The status line goes out at once and the body is held: nock 14 holds a delayed head before the
    // mock socket connects, which the SDK reports as its connectionTimeout (a request that never
    // left), not the requestTimeout of a request AWS received and answered too late.
    nock('https://rds.us-west-2.amazonaws.com')
      .post(
        '/',
        (body: unknown) =>
          (typeof body === 'string' ? parseQuery(body) : (body as Record<string, unknown>)).Action === 'PromoteReadReplica',
      )
      .delay({ head: 0, body: options.firstAnswerDelayMs })
      .reply(() => {
        const answer = promote();
        return 'error' in answer
          ? [answer.error.status, rdsErrorXml(answer.error.code, answer.error.message), { 'content-type': 'text/xml' }]
          : [200, rdsResponseXml('PromoteReadReplica', answer.result), { 'content-type': 'text/xml' }];
      });
  }
  const actions = nockRds('us-west-2', (action) => {
    if (action === 'PromoteReadReplica') return promote();
    if (action === 'DescribeDBInstances') {
      if (!promoted)
        return { result: describedInstances(dbInstance({ id: 'orders-replica', status: 'available', replicaOf: 'orders-db' })) };
      describesSincePromotion += 1;
      const now =
        describesSincePromotion === 1
          ? dbInstance({ id: 'orders-replica', status: 'modifying', replicaOf: 'orders-db' })
          : dbInstance({ id: 'orders-replica', status: 'available', endpoint: ORDERS_REPLICA_ENDPOINT });
      return { result: describedInstances(now) };
    }
    return { error: { status: 400, code: 'InvalidAction', message: `not expected here: ${action}` } };
  });
  return {
    /** PromoteReadReplica requests that reached AWS, however they were answered. */
    promotions: () => sends,
    /** The RDS actions from the first PromoteReadReplica on. */
    fromFirstPromotion: () => actions.slice(actions.indexOf('PromoteReadReplica')),
  };
}

/** Route 53 holding the old primary until a change writes the new one; `answer` decides what the caller hears. */
function route53(answer: 'accept' | 'unavailable' = 'accept') {
  let record: SimpleRecord = { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, value: OLD_PRIMARY };
  const changes = nockRoute53({
    records: () => [record],
    change: (written) => {
      record = written;
      return answer;
    },
  });
  return { changes };
}

async function approveAndRun(): Promise<string[]> {
  nockCloudWatchLag('us-west-2', 12, () => flow.clock.now());
  const { posts } = await requestFailover(flow);
  nockPostEphemeral(5);
  nockChatUpdate(40);
  const response = await flow.post(confirmBody('APR-1', 'orders'));
  expect(response.statusCode).toBe(200);
  await flow.idle();
  return threadTexts(posts);
}

describe('a mutating AWS call whose answer is lost', () => {
  const promoting = dbInstance({ id: 'orders-replica', status: 'modifying', replicaOf: 'orders-db' });
  it.each([
    { how: 'answered with a 503', answer: SERVICE_UNAVAILABLE, lost: 'ServiceUnavailable: Service unavailable (HTTP 503)' },
    {
      how: 'answered after the client timed out',
      answer: { result: { DBInstance: promoting } },
      firstAnswerDelayMs: PAST_REQUEST_TIMEOUT_MS,
      lost: 'TimeoutError: @smithy/node-http-handler - [ERROR] a request has exceeded the configured 2000 ms requestTimeout.',
    },
  ])('a promotion AWS accepted but $how is found by reading back, not sent again, and the run goes on', async (lostAnswer) => {
    const rds = rdsPromotion({
      accepted: () => true,
      answer: () => lostAnswer.answer,
      ...(lostAnswer.firstAnswerDelayMs !== undefined && { firstAnswerDelayMs: lostAnswer.firstAnswerDelayMs }),
    });
    const dns = route53();

    const thread = await approveAndRun();

    expect(rds.promotions()).toBe(1);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(dns.changes).toHaveLength(1);
    expect(thread).toContainEqual(
      expect.stringContaining(
        `PromoteReadReplica: AWS's answer was lost (${lostAnswer.lost}); reading back, orders-replica is modifying (promotion under way): it took effect, and it was not sent again`,
      ),
    );
  });

  it('a promotion AWS did not act on stops the run, unsent a second time, saying what it found', async () => {
    const rds = rdsPromotion({ accepted: () => false, answer: () => SERVICE_UNAVAILABLE });
    const dns = route53();

    const thread = await approveAndRun();

    expect(rds.promotions()).toBe(1);
    const run = await flow.approvals.get('APR-1');
    expect(run?.state).toBe('failed');
    expect(dns.changes).toEqual([]);
    expect(thread.join('\n')).toContain(
      '5 s later orders-replica is still an available read replica of orders-db: it shows no effect. It was not sent again, so nothing can have happened twice.',
    );
  });

  it('a throttled promotion is confirmed not applied before it is sent again', async () => {
    const throttled: RdsAnswer = { error: { status: 400, code: 'Throttling', message: 'Rate exceeded' } };
    const rds = rdsPromotion({
      accepted: (send) => send === 2,
      answer: (send) =>
        send === 1
          ? throttled
          : { result: { DBInstance: dbInstance({ id: 'orders-replica', status: 'modifying', replicaOf: 'orders-db' }) } },
    });
    route53();

    await approveAndRun();

    expect(rds.promotions()).toBe(2);
    // Read back between the two sends: the throttled one had not changed anything.
    expect(rds.fromFirstPromotion().slice(0, 3)).toEqual(['PromoteReadReplica', 'DescribeDBInstances', 'PromoteReadReplica']);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
  });

  it('a DNS change whose answer is lost but which reads back as written goes on, and says INSYNC could not be followed', async () => {
    rdsPromotion({
      accepted: () => true,
      answer: () => ({ result: { DBInstance: dbInstance({ id: 'orders-replica', status: 'modifying', replicaOf: 'orders-db' }) } }),
    });
    const dns = route53('unavailable');

    const thread = await approveAndRun();

    expect(dns.changes).toHaveLength(1);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(thread.join('\n')).toContain('orders.db.example.com. reads CNAME');
    expect(thread.join('\n')).toContain("its spread to Route 53's name servers (INSYNC) cannot be followed");
  });
});
