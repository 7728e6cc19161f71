import { expect, it } from 'vitest';
import { useGuardedApp } from '../../doubles/guarded-app.js';
import { buildApp, type App } from '../../../src/app.js';
import { NO_PROBES } from '../../doubles/no-probes.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeAwsHttp } from '../../doubles/aws-http-nock.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { ORDERS_FAILOVER_UNGUARDED, ORDERS_RESTORE, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { nockAuthTest, nockChatUpdate, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { slashCommand, type SlashAnswer } from '../../doubles/slash-command.js';
import { testBackend } from '../../doubles/test-backend.js';
import { testClients } from '../../integration/aws/aws-fixtures.js';
import { botConfig } from '../bot/slack-bot-harness.js';
import { until } from '../../doubles/until.js';

/*
 * Readiness as `lifeboat start` wires it (buildApp, real Redis, AWS at the HTTP layer): the
 * leader's scheduled evaluation opens an incident for a runbook that drifted, `/dr readiness`
 * (read-only, anyone may run it) evaluates now, a throttled AWS is reported and judged nothing,
 * and the incident resolves when the runbook is ready again.
 */
const guarded = useGuardedApp({ allowUnusedAnswers: true });
const redis = useRedisPrefix('readiness-e2e', { perTest: true });

const YAML = `
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA]
  approvers: [U0BBB]
readiness: { every: 30m, severity: SEV2 }
runbooks:
  failover:
    orders: ${yamlFlow(ORDERS_FAILOVER_UNGUARDED)}
  restore:
    orders: ${yamlFlow(ORDERS_RESTORE)}
`;

function healthyAws(clock: ManualClock): FakeAwsHttp {
  const aws = new FakeAwsHttp();
  aws.instance('us-west-2', 'orders-replica', { status: 'available', replicaSource: 'orders-db' });
  aws.instance('us-east-1', 'orders-db', { status: 'available', latestRestorableTime: clock.now() - 120_000 });
  aws.backup('us-east-1', 'orders-db', { earliest: clock.now() - 7 * 86_400_000, latest: clock.now() - 120_000 });
  aws.record('Z123', { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: ['orders-db.abc.us-east-1.rds.amazonaws.com'] });
  return aws;
}

/** `/dr readiness` from `userId` (anyone may run it: it only reads). */
const readiness = (app: App, clock: ManualClock, userId: string) => slashCommand(app, clock, 'readiness', userId);

const shown = (reply: SlashAnswer) => (reply.blocks ?? []).map((b) => b.text?.text ?? '').join('\n');

it('a DNS record retyped by hand opens a readiness incident on the leader; throttling judges nothing; fixed, it resolves; a promoted replica opens another', async () => {
  const clock = new ManualClock();
  const aws = healthyAws(clock);
  // Drift before Lifeboat starts: someone replaced the CNAME with an A record by hand.
  aws.zones.set('Z123', [{ name: 'orders.db.example.com.', type: 'A', ttl: 60, values: ['192.0.2.7'] }]);
  aws.install();
  nockAuthTest(5);
  const posted = nockPostMessage(4);
  const updated = nockChatUpdate(4);
  const app = buildApp({
    config: botConfig(YAML),
    logger: silentLogger(),
    clock,
    backend: testBackend(redis.redis, redis.prefix, clock),
    probes: NO_PROBES,
    awsClients: testClients(),
    // The term's first cycle at once, so the scheduled path runs within the test.
    seams: { sleep: async () => undefined, webApiNetworkRetries: 0, readinessPhase: () => 0 },
  });
  guarded.track(app);
  await app.start(0, '127.0.0.1');

  // The scheduled cycle: failover orders would be refused, so an incident opens at readiness.severity.
  await until(async () => (await app.store.listOpenIncidents()).length === 1, 'the readiness incident opened');
  const [opened] = await app.store.listOpenIncidents();
  expect(opened).toMatchObject({
    id: 'INC-1',
    checkId: 'readiness:failover:orders',
    severity: 'SEV2',
    summary:
      'failover runbook orders would be refused now: DNS record: orders.db.example.com. already has a record of type A, which a CNAME record cannot coexist with (needs orders.db.example.com. has no routing policy or conflicting record, and is unchanged since the plan)',
    measurement: { kind: 'readiness', runbookKind: 'failover', runbook: 'orders', failing: 'DNS record' },
  });
  // The restore runbook is ready: its check state is written (a pass: with the leader's next
  // batch, within 5 s; written now as that batch would), no incident.
  // The two runbooks are evaluated concurrently, so the restore verdict may land after the
  // failover incident opened: wait for it rather than read once.
  await until(async () => {
    await app.engine.flushQuietPasses();
    return (await app.store.getCheckState('readiness:restore:orders'))?.lastResult?.ok === true;
  }, 'the restore runbook judged ready');
  await until(() => posted.calls.length === 1, 'the incident posted to Slack');
  expect(posted.calls[0]?.body).toMatchObject({ channel: 'C0INCIDENTS', text: expect.stringContaining('readiness:failover:orders') });
  expect(aws.calls.every((c) => c.action.startsWith('Describe') || c.action === 'ListResourceRecordSets')).toBe(true);

  // DNS fixed, but RDS throttles: the verdict is unknown, said so, and the incident stays open.
  aws.record('Z123', { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: ['orders-db.abc.us-east-1.rds.amazonaws.com'] });
  aws.zones.set(
    'Z123',
    (aws.zones.get('Z123') ?? []).filter((r) => r.type !== 'A'),
  );
  aws.failures.set('DescribeDBInstances', { code: 'Throttling', status: 400 });
  const throttled = await readiness(app, clock, 'U0ZZZ'); // not an operator: readiness is read-only
  expect(throttled.text).toBe('Readiness of 2 runbooks: 0 ready, 0 not ready, 2 unknown');
  expect(shown(throttled)).toContain(
    ':grey_question: *failover orders* — unknown (not judged): target state: could not check: AWS said Throttling; AWS is throttling rds:DescribeDBInstances',
  );
  expect(await app.store.getIncident('INC-1')).toMatchObject({ state: 'open' });

  // AWS answers again: ready, and the incident resolves.
  aws.failures.clear();
  const ready = await readiness(app, clock, 'U0ZZZ');
  expect(ready.text).toBe('Readiness of 2 runbooks: 2 ready, 0 not ready, 0 unknown');
  expect(shown(ready)).toContain(':white_check_mark: *failover orders* — ready');
  await until(async () => (await app.store.getIncident('INC-1'))?.state === 'resolved', 'the readiness incident resolved');
  await until(() => updated.calls.length >= 1, 'the incident message updated');

  // The replica was promoted out of band: the failover would be refused again, in a new incident.
  aws.instance('us-west-2', 'orders-replica', { status: 'available' });
  const drifted = await readiness(app, clock, 'U0AAA');
  expect(shown(drifted)).toContain(
    ':red_circle: *failover orders* — not ready: target state: orders-replica is available and not a read replica (already promoted?)',
  );
  await until(async () => (await app.store.listOpenIncidents()).some((i) => i.id === 'INC-2'), 'a second readiness incident opened');
  expect((await app.store.getIncident('INC-2'))?.measurement).toEqual({
    kind: 'readiness',
    runbookKind: 'failover',
    runbook: 'orders',
    failing: 'target state',
  });
  expect(await app.metrics.registry.metrics()).toContain('lifeboat_runbook_ready{kind="failover",runbook="orders"} 0');
});
