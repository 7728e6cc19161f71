import { expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeAwsHttp } from '../../doubles/aws-http-nock.js';
import { useGuardedApp } from '../../doubles/guarded-app.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { NO_PROBES } from '../../doubles/no-probes.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { ORDERS_RESTORE, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { nockAuthTest, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { testBackend } from '../../doubles/test-backend.js';
import { testClients } from '../../integration/aws/aws-fixtures.js';
import { botConfig } from '../bot/slack-bot-harness.js';
import { until } from '../../doubles/until.js';

/*
 * `posture.schedule` with two replicas on one Redis (buildApp, Slack and AWS at the HTTP layer):
 * only the monitor leader runs the schedule, and a tick fired on both replicas (a leadership
 * change at the tick) is posted once, through the Slack outbox.
 */
const guarded = useGuardedApp({ allowUnusedAnswers: true });
const redis = useRedisPrefix('posture-schedule-e2e', { perTest: true });

const yaml = (schedule: string) => `
slack: { channel: C0INCIDENTS, command: /dr, operators: [U0AAA], approvers: [U0BBB] }
posture: { schedule: "${schedule}" }
runbooks:
  restore:
    orders: ${yamlFlow({ ...ORDERS_RESTORE, objectives: { rpo: '5m' } })}
`;

async function replica(clock: ManualClock, holderId: string, schedule = '0 9 * * 1'): Promise<App> {
  const app = buildApp({
    config: botConfig(yaml(schedule)),
    logger: silentLogger(),
    clock,
    backend: testBackend(redis.newConnection(), redis.prefix, clock),
    probes: NO_PROBES,
    awsClients: testClients(),
    holderId,
    seams: { sleep: async () => undefined, webApiNetworkRetries: 0 },
  });
  await app.start(0, '127.0.0.1');
  return app;
}

it('runs on the leader only, and a tick fired on two replicas posts the posture report once', async () => {
  const clock = new ManualClock();
  const aws = new FakeAwsHttp();
  aws.instance('us-east-1', 'orders-db', {
    status: 'available',
    latestRestorableTime: clock.now() - 60_000,
    multiAz: false,
    backupRetention: 1,
    encrypted: false,
    deletionProtection: false,
  });
  // Named only by the restore runbook: its newest snapshot is read from AWS, no backup check says it.
  aws.snapshot('us-east-1', {
    kind: 'instance',
    db: 'orders-db',
    id: 'rds:orders-db-2026-12-07-03-00',
    status: 'available',
    created: clock.now() - 6 * 3_600_000,
  });
  aws.install();
  nockAuthTest(10);
  const posted = nockPostMessage(3);
  const a = guarded.track(await replica(clock, 'replica-a'));
  const b = await replica(clock, 'replica-b');
  try {
    await until(
      () => a.slack?.postureSchedule?.running === true || b.slack?.postureSchedule?.running === true,
      'a leader runs the schedule',
    );
    // Exactly one of them leads, and only its schedule runs.
    expect([a, b].filter((app) => app.slack?.postureSchedule?.running)).toHaveLength(1);

    const tick = new Date('2026-12-07T09:00:00.000Z');
    await Promise.all([a.slack?.postureSchedule?.fire(tick), b.slack?.postureSchedule?.fire(tick)]);
    await Promise.all([a.slack?.bot.outbox.idle(5_000), b.slack?.bot.outbox.idle(5_000)]);
    expect(posted.calls).toHaveLength(1);
    const body = posted.calls[0]?.body as { channel: string; text: string; blocks: Array<{ text?: { text: string } }> };
    expect(body.channel).toBe('C0INCIDENTS');
    expect(body.text).toBe('DR posture: All 0 checks passing, no open incidents. 1 database needs attention.');
    expect(body.blocks.map((block) => block.text?.text ?? '')).toContain(
      '*Databases*\n:warning: *single-AZ, not encrypted at rest, no deletion protection, backups kept only 1 day* — `orders-db` instance us-east-1 · Multi-AZ: no · backup retention: 1 day · encrypted at rest: no · deletion protection: no · latest restorable 1m ago (the RPO if lost now) · newest snapshot `rds:orders-db-2026-12-07-03-00` 6h old (no backup check; cross-region copy not configured)',
    );
    expect(await a.slack?.bot.outbox.pending()).toBe(0);

    // The next tick is a new report.
    await b.slack?.postureSchedule?.fire(new Date('2026-12-14T09:00:00.000Z'));
    await b.slack?.bot.outbox.idle(5_000);
    expect(posted.calls).toHaveLength(2);
  } finally {
    await b.stop();
  }
});

it("the leader's own cron ticks post the report to slack.channel", async () => {
  const clock = new ManualClock();
  const aws = new FakeAwsHttp();
  aws.instance('us-east-1', 'orders-db', { status: 'available', latestRestorableTime: clock.now() - 60_000, multiAz: true });
  aws.install();
  nockAuthTest(5);
  const posted = nockPostMessage(10);
  const app = guarded.track(await replica(clock, 'replica-a', '* * * * * *')); // every second
  await until(() => posted.calls.length >= 2, 'two ticks posted', 8_000);
  app.slack?.postureSchedule?.stop();
  const texts = posted.calls.map((c) => String(c.body.text));
  expect(texts.every((t) => t.startsWith('DR posture: '))).toBe(true);
  expect(posted.calls.every((c) => c.body.channel === 'C0INCIDENTS')).toBe(true);
});
