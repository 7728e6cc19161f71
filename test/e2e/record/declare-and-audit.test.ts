import nock from 'nock';
import { expect, it } from 'vitest';
import { useGuardedApp } from '../../doubles/guarded-app.js';
import { isIncidentAuditEntry } from '../../../src/audit/audit-log.js';
import { ACCEPTED, nockEnqueue } from '../../doubles/pagerduty-events-nock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';
import { pass } from '../../doubles/results.js';
import { nockChatUpdate, nockPostMessage } from '../../doubles/slack-api-nock.js';
import { deliverPages } from '../paging-app-harness.js';
import { blocksText, command, commandAck, nockGetPermalink, startRecordApp } from './record-app-harness.js';

/*
 * `/dr declare` and `/dr audit` through buildApp on Redis: a declared incident is posted, paged by
 * policy, audited with who declared it, never resolved by the monitor, and resolved by hand.
 */

const guarded = useGuardedApp();
const redisPrefix = useRedisPrefix('record-declare', { perTest: true });

const YAML = `
slack:
  channel: C0INCIDENTS
  command: /dr
  operators: [U0AAA]
  approvers: [U0BBB]
pagerduty:
  pageAt: SEV2
checks:
  - id: api
    type: http
    url: https://api.example.com/health
    schedule: "0 0 1 1 *"
    severity: SEV2
    failAfter: 1
    recoverAfter: 1
`;

async function start() {
  const started = await startRecordApp(YAML, redisPrefix.redis, redisPrefix.prefix);
  guarded.track(started.app);
  return started;
}

it('a declared incident is posted as declared by its person, paged by policy, audited, and never resolved by the monitor', async () => {
  const { app, clock } = await start();
  const posted = nockPostMessage();
  const answer = await command(app, clock, 'declare sev1 Checkout failing for EU customers');
  expect(answer.text).toBe(
    'Declared INC-1 (SEV1): Checkout failing for EU customers. It is posted in <#C0INCIDENTS> and paged by policy. Only a person resolves it: `/dr resolve INC-1 [note]`.',
  );
  await app.slack?.bot.idle();
  expect(posted.calls).toHaveLength(1);
  expect(posted.calls[0]?.body.text).toBe(
    'SEV1 INC-1 declared:checkout-failing-for-eu-customers: Checkout failing for EU customers (open)',
  );
  expect(blocksText(posted.calls[0]?.body.blocks)).toContain('*Declared by* <@U0AAA>\\nCheckout failing for EU customers');

  // SEV1 is at or above pageAt: PagerDuty gets the trigger with the title.
  clock.advance(2_000);
  nockGetPermalink();
  const events: Array<{ event_action: string; payload?: { summary: string } }> = [];
  nockEnqueue(events, ACCEPTED);
  nockChatUpdate();
  await deliverPages(app, 'triggered');
  await app.slack?.bot.idle();
  expect(events.map((e) => [e.event_action, e.payload?.summary])).toEqual([
    ['trigger', 'SEV1 INC-1 declared:checkout-failing-for-eu-customers: Checkout failing for EU customers'],
  ]);

  // The monitor cannot reach it: no configured check owns it, and results for its id are ignored.
  const incident = await app.store.getIncident('INC-1');
  expect(await app.engine.apply({ ...pass('api', clock.now()), checkId: incident?.checkId ?? '' })).toBeNull();
  expect(await app.engine.apply(pass('api', clock.now()))).toBeNull();
  expect((await app.store.getIncident('INC-1'))?.state).toBe('open');

  // Resolved by hand: the message follows, the thread says who.
  clock.advance(58_000);
  // The resolve and the queued PagerDuty resolve each re-render the message; when the second
  // render arrives while the first still waits in the outbox, they ride on one update.
  const updates = nockChatUpdate(2);
  const thread = nockPostMessage();
  expect((await command(app, clock, 'resolve INC-1 card processor is back')).text).toBe('Resolved INC-1.');
  await app.slack?.bot.idle();
  expect(thread.calls.map((c) => c.body.text)).toEqual([':white_check_mark: Resolved by <@U0AAA> after 1m\n> card processor is back']);
  expect(updates.calls.length).toBeGreaterThanOrEqual(1);
  expect(updates.calls.at(-1)?.body.text).toBe(
    'SEV1 INC-1 declared:checkout-failing-for-eu-customers: Checkout failing for EU customers (resolved)',
  );
  nock.cleanAll();

  const audit = (await app.backend.auditLog.newest({ limit: 10 })).filter(isIncidentAuditEntry);
  expect(audit.map((e) => [e.type, e.incidentId, e.actor ?? null, e.at - audit[audit.length - 1]!.at])).toEqual([
    ['incident-resolved', 'INC-1', 'U0AAA', 60_000],
    ['page-delivered', 'INC-1', null, 2_000],
    ['incident-declared', 'INC-1', 'U0AAA', 0],
  ]);
  expect(audit[2]?.detail).toBe('SEV1 declared:checkout-failing-for-eu-customers: Checkout failing for EU customers');

  // `/dr audit 2`: the newest two, newest first, within one message.
  const shown = await command(app, clock, 'audit 2');
  const text = blocksText(shown.blocks);
  expect(shown.text).toBe('The newest 2 audit entries');
  expect(text).toContain('*incident-resolved* INC-1 by <@U0AAA> — SEV1 declared:checkout-failing-for-eu-customers');
  expect(text).toContain('*page-delivered* INC-1 — SEV1 is at or above pageAt (SEV2)');
  expect(text).not.toContain('incident-declared');
});

it('refuses a declaration from a non-operator, a bad severity and a hidden character, changing nothing', async () => {
  const { app, clock } = await start();
  expect((await command(app, clock, 'declare SEV1 Database down', 'U0ZZZ')).text).toMatch(
    /^.*operators.*\nUsage: `\/dr declare <SEV1-4> <title>`$/s,
  );
  expect((await commandAck(app, clock, 'declare SEV5 Database down')).text).toBe(
    '`SEV5` is not a severity: use one of SEV1, SEV2, SEV3, SEV4. Did you mean `SEV1`?\nUsage: `/dr declare <SEV1-4> <title>`',
  );
  expect((await commandAck(app, clock, 'declare SEV2 Database\u{E0041} down')).text).toBe(
    'The title holds an invisible or formatting character, U+E0041, at character 9; readers of the incident could not see it. Retype the title without it.\nUsage: `/dr declare <SEV1-4> <title>`',
  );
  expect((await commandAck(app, clock, 'audit 101')).text).toBe(
    '`101` is not a count of entries: give a whole number from 1 to 100.\nUsage: `/dr audit [count]`',
  );
  expect(await app.store.listRecentIncidents(10)).toEqual([]);
  expect(await app.backend.auditLog.newest({ limit: 10 })).toEqual([]);
});
