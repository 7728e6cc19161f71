import { expect, it } from 'vitest';
import { literal } from '../../../src/bot/approvals/blocks/plan-blocks.js';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { FakeAwsHttp } from '../../doubles/aws-http-nock.js';
import { useGuardedApp } from '../../doubles/guarded-app.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { OVERSIZED_FAILOVER, OVERSIZED_REPLICA } from '../../doubles/oversized-runbook.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { ORDERS_FAILOVER_UNGUARDED, yamlFlow } from '../../doubles/runbook-fixtures.js';
import { nockPostMessage } from '../../doubles/slack-api-nock.js';
import { slashCommand } from '../../doubles/slash-command.js';
import { until } from '../../doubles/until.js';
import { untilLeader } from '../../doubles/until-leader.js';
import { startSlackApp } from '../../doubles/slack-app.js';

/*
 * A runbook whose plan passes every pre-flight check but is too large to show whole in Slack is
 * refused at request time; readiness, as `lifeboat start` wires it, finds that before anyone asks.
 */
const guarded = useGuardedApp({ allowUnusedAnswers: true });
const redis = useRedisPrefix('readiness-display-e2e', { perTest: true });

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
    big: ${yamlFlow(OVERSIZED_FAILOVER)}
`;

it('/dr readiness shows a runbook whose plan cannot be shown whole as not ready, with the refusal a request gets, and opens its incident', async () => {
  const clock = new ManualClock();
  const aws = new FakeAwsHttp();
  aws.instance('us-west-2', 'orders-replica', { status: 'available', replicaSource: 'orders-db' });
  aws.instance('us-west-2', OVERSIZED_REPLICA, { status: 'available', replicaSource: 'big-db' });
  aws.record('Z123', { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: ['orders-db.abc.us-east-1.rds.amazonaws.com'] });
  aws.install();
  const posted = nockPostMessage(4);
  const app = await startSlackApp({ yaml: YAML, redis, clock, guarded, authTests: 5 });
  await untilLeader(app);

  const reply = await slashCommand(app, clock, 'readiness', 'U0ZZZ'); // not an operator: readiness only reads
  expect(blockKitViolations(reply)).toEqual([]);
  expect(reply.text).toBe('Readiness of 2 runbooks: 1 ready, 1 not ready, 0 unknown');
  const shown = (reply.blocks ?? []).map((b) => b.text?.text ?? '').join('\n');
  expect(shown).toContain(':white_check_mark: *failover orders* — ready');
  expect(shown).toMatch(
    /:red_circle: \*failover big\* — not ready: Failover big: promote big-replica \(us-west-2\) refused: the plan \(\d+ steps, \d+ characters in \d+ sections\) cannot be shown whole in Slack: its approval message needs \d+ blocks and Slack allows 50 in one message/,
  );
  expect(await app.metrics.registry.metrics()).toContain('lifeboat_runbook_ready{kind="failover",runbook="big"} 0');
  expect(await app.metrics.registry.metrics()).toContain('lifeboat_runbook_ready{kind="failover",runbook="orders"} 1');

  // On the leader the verdict opens the readiness incident, its summary the refusal in full.
  await until(async () => (await app.store.listOpenIncidents()).length === 1, 'the readiness incident opened');
  const [opened] = await app.store.listOpenIncidents();
  expect(opened).toMatchObject({
    checkId: 'readiness:failover:big',
    severity: 'SEV2',
    measurement: { kind: 'readiness', runbookKind: 'failover', runbook: 'big', failing: 'plan display' },
  });
  await until(() => posted.calls.length === 1, 'the incident posted to Slack');
  expect(blockKitViolations(posted.calls[0]?.body)).toEqual([]);

  // The same words an operator asking for the failover reads, and nothing was requested.
  const requested = await slashCommand(app, clock, 'failover big --dry-run', 'U0AAA');
  expect(requested.text).toMatch(/cannot be shown whole in Slack/);
  expect(opened?.summary).toBe(`failover runbook big would be refused now: ${requested.text}`);
  expect(shown).toContain(`:red_circle: *failover big* — not ready: ${requested.text}`);
  expect(literal(opened?.summary ?? '')).toBe(opened?.summary);
  expect(aws.calls.every((c) => c.action.startsWith('Describe') || c.action === 'ListResourceRecordSets')).toBe(true);
});
