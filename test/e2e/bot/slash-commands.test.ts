import nock from 'nock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/core/check-result.js';
import { MemoryStore } from '../../../src/backend/memory/memory-store.js';
import { hostileCommandTexts } from '../../unit/bot/hostile-texts.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { fail, lag } from '../../doubles/results.js';
import {
  guardNetwork,
  nockChatUpdate,
  nockPostMessage,
  nockResponseUrl,
  nockSlackError,
  nockUsergroupUsers,
} from '../../doubles/slack-api-nock.js';
import { slashCommandBody } from '../../doubles/slack-requests.js';
import { FORM, startBotHarness, type BotHarness } from './slack-bot-harness.js';

const network = guardNetwork();
let h: BotHarness;

function backup(ageSeconds: number, at: number): CheckResult {
  return {
    checkId: 'orders-backups',
    startedAt: at,
    durationMs: 80,
    ok: true,
    severity: null,
    summary: `newest snapshot ${Math.round(ageSeconds / 3600)}h old`,
    measurement: { kind: 'backup', ageSeconds, newestSnapshotId: 'rds:orders-db-2026-11-21-06-00' },
  };
}

beforeEach(async () => {
  h = await startBotHarness();
  nockPostMessage();
  await h.engine.apply(fail('SEV2', 'api', h.clock.now()));
  await h.engine.apply(lag(12, null, 'orders-lag', h.clock.now()));
  await h.engine.apply(backup(6 * 3600, h.clock.now()));
  // The passes are written with the leader's next batch (within 5 s), as it would have by now.
  await h.engine.flushQuietPasses();
  await h.bot.idle();
  h.clock.advance(90_000);
});
afterEach(async () => {
  await h.close();
  expect(network.unmatched).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

/** Sends `/dr <text>` as `userId` and returns what the requester saw: the ack body, then response_url posts. */
async function command(text: string, userId = 'U0AAA'): Promise<{ ack: unknown; replies: unknown[] }> {
  const hook = nockResponseUrl('/commands/T1/1/abc', 5);
  const response = await h.post(slashCommandBody(text, { userId }), FORM);
  expect(response.statusCode).toBe(200);
  await h.bot.idle();
  nock.removeInterceptor({ hostname: 'hooks.slack.test', proto: 'https', path: '/commands/T1/1/abc', method: 'POST' });
  void hook.scope;
  return { ack: response.body === '' ? '' : response.json(), replies: hook.bodies };
}

const ephemeral = (text: string) => ({ text, response_type: 'ephemeral', replace_original: false });

describe('/dr happy paths, end to end through the real server', () => {
  it('help answers in the ack itself, to anyone', async () => {
    const { ack, replies } = await command('help', 'U0ZZZ');
    expect(ack).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('`/dr failover <runbook> [--dry-run] [--allow-data-loss]` — request a failover'),
    });
    expect(replies).toEqual([]);
  });

  it('status shows the DR posture to a non-operator: checks, lag, newest backups, incidents, approvals', async () => {
    h.ports.approvals = [
      {
        id: 'APR-1',
        title: 'Failover orders to us-west-2',
        requestedBy: 'U0AAA',
        requestedAt: MANUAL_CLOCK_START,
        expiresAt: MANUAL_CLOCK_START + 900_000,
        approvedBy: [],
        approvalsNeeded: 1,
      },
    ];
    const { ack, replies } = await command('status', 'U0ZZZ');
    expect(ack).toBe('');
    expect(replies).toHaveLength(1);
    const reply = replies[0] as { text: string; blocks: Array<{ text: { text: string } }> };
    expect(reply.text).toBe('DR posture: 1 of 3 checks failing, 1 open incident.');
    const texts = reply.blocks.map((b) => b.text.text);
    expect(texts).toEqual([
      '*DR posture*\n:warning: 1 of 3 checks failing, 1 open incident.',
      '*Checks*\n:x: `api` http — HTTP 503 (expected 200) · ran 1m ago · INC-1\n' +
        ':white_check_mark: `orders-lag` replication-lag — lag 12s · ran 1m ago\n' +
        ':white_check_mark: `orders-backups` backup — newest snapshot 6h old · ran 1m ago',
      '*Replication lag*\n`orders-lag` 12s',
      '*Newest backups*\n`orders-backups` 6h old (rds:orders-db-2026-11-21-06-00) · checked 1m ago',
      '*Open incidents*\n:large_orange_circle: *INC-1* SEV2 `api` — HTTP 503 (expected 200) · open 1m',
      '*Pending approvals*\n*APR-1* Failover orders to us-west-2 · 0/1 approvals · expires in 13m',
    ]);
  });

  it('readiness evaluates now for a non-operator and lists each runbook, the ones that need attention first', async () => {
    h.ports.readiness = {
      startedAt: MANUAL_CLOCK_START,
      durationMs: 1_250,
      runbooks: [
        { kind: 'failover', runbook: 'orders', status: 'ready' },
        { kind: 'failover', runbook: 'billing', status: 'unknown', reason: 'target state: could not check: AWS said Throttling' },
        {
          kind: 'restore',
          runbook: 'orders',
          status: 'not-ready',
          failing: 'restore window',
          reason: 'restore window: orders-db has no latest restorable time',
        },
      ],
    };
    const { replies } = await command('readiness', 'U0ZZZ');
    expect(h.ports.readinessEvaluations).toBe(1);
    expect(replies).toMatchObject([{ text: 'Readiness of 3 runbooks: 1 ready, 1 not ready, 1 unknown', response_type: 'ephemeral' }]);
    expect(JSON.stringify(replies)).toContain(
      [
        '*Readiness (3 runbooks: 1 ready, 1 not ready, 1 unknown)* · evaluated now, read-only, in 1.3s',
        ':red_circle: *restore orders* — not ready: restore window: orders-db has no latest restorable time',
        ':grey_question: *failover billing* — unknown (not judged): target state: could not check: AWS said Throttling',
        ':white_check_mark: *failover orders* — ready',
      ].join('\\n'),
    );
  });

  it('incidents lists open incidents to a non-operator', async () => {
    const { replies } = await command('incidents', 'U0ZZZ');
    expect(replies).toMatchObject([{ text: '1 open incident', response_type: 'ephemeral' }]);
    expect(JSON.stringify(replies)).toContain('*INC-1* SEV2 `api`');
  });

  it('ack acknowledges, updates the message in place and adds a thread reply', async () => {
    const update = nockChatUpdate();
    const thread = nockPostMessage();
    const { replies } = await command('ack inc-1');
    expect(replies).toEqual([ephemeral('Acknowledged INC-1.')]);
    expect(await h.store.getIncident('INC-1')).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'U0AAA' });
    expect(update.calls[0]?.body).toMatchObject({ channel: 'C0INCIDENTS', ts: '1000.000001' });
    expect(thread.calls[0]?.body).toMatchObject({
      channel: 'C0INCIDENTS',
      thread_ts: '1000.000001',
      text: ':eyes: Acknowledged by <@U0AAA>',
    });
  });

  it('resolve with a note resolves by hand and puts the note in the thread', async () => {
    nockChatUpdate();
    const thread = nockPostMessage();
    const { replies } = await command('resolve INC-1 failed over to us-west-2');
    expect(replies).toEqual([ephemeral('Resolved INC-1.')]);
    expect(await h.store.getIncident('INC-1')).toMatchObject({ state: 'resolved', resolvedBy: 'U0AAA' });
    expect(thread.calls[0]?.body.text).toBe(':white_check_mark: Resolved by <@U0AAA> after 1m\n> failed over to us-west-2');
  });

  it('page hands the incident and the requester to the pager and relays its answer', async () => {
    const { replies } = await command('page INC-1');
    expect(h.ports.paged).toEqual([{ incidentId: 'INC-1', actor: { userId: 'U0AAA', name: 'alice' } }]);
    expect(replies).toEqual([ephemeral('Paged on-call for the incident (PagerDuty).')]);
  });

  it('approvals lists pending requests', async () => {
    const { replies } = await command('approvals');
    expect(replies).toMatchObject([{ text: 'No pending approval requests.' }]);
  });

  it.each([
    ['failover orders --dry-run', { kind: 'failover', runbook: 'orders', dryRun: true, allowDataLoss: false }],
    [
      'restore orders --snapshot rds:orders-db-2026-11-21-06-00',
      { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'snapshot', snapshotId: 'rds:orders-db-2026-11-21-06-00' } },
    ],
    [
      'restore orders --time 2026-11-21T10:00:00Z',
      { kind: 'restore', runbook: 'orders', dryRun: false, source: { type: 'time', time: '2026-11-21T10:00:00.000Z' } },
    ],
    [
      'statuspage INC-1 investigating Elevated errors on the API',
      { kind: 'statuspage', incidentId: 'INC-1', status: 'investigating', message: 'Elevated errors on the API' },
    ],
  ])('%s hands the typed request to the approval layer, which answers the requester', async (text, request) => {
    const { ack, replies } = await command(text);
    expect(ack).toBe('');
    expect(h.ports.submitted).toEqual([{ request, actor: { userId: 'U0AAA', name: 'alice' } }]);
    expect(replies).toEqual([ephemeral('Plan ready; approval requested.')]);
  });

  it('statuspage for an incident that does not exist is refused before the approval layer', async () => {
    const { replies } = await command('statuspage INC-9 investigating hello');
    expect(h.ports.submitted).toEqual([]);
    expect(replies).toEqual([
      ephemeral(
        'There is no incident INC-9. `incidents` lists the open ones.\nUsage: `/dr statuspage <incident> <investigating|identified|monitoring|resolved> <message>`',
      ),
    ]);
  });

  it('ack of an incident that does not exist says so', async () => {
    const { replies } = await command('ack INC-42');
    expect(replies).toEqual([ephemeral('There is no incident INC-42. `incidents` lists the open ones.\nUsage: `/dr ack <incident>`')]);
  });
});

describe('/dr malformed input: the ack itself carries the error and the usage line', () => {
  it.each([
    [
      'frobnicate',
      'Unknown command `frobnicate`.\nUsage: `/dr <help|status|incidents|declare|ack|resolve|page|timeline|failover|restore|resume|revert-dns|statuspage|approvals|readiness|drill|drills|silence|silences|unsilence|audit> …` (`/dr help` explains each)',
    ],
    ['ack', 'Which incident? Give its id, e.g. `/dr ack INC-42`.\nUsage: `/dr ack <incident>`'],
    [
      'failover nope',
      'No failover runbook named `nope`. Known failover runbooks: `orders`.\nUsage: `/dr failover <runbook> [--dry-run] [--allow-data-loss]`',
    ],
    [
      'restore orders',
      'Say what to restore from: `--snapshot <id>`, `--time <ISO-8601>` or `--latest`.\nUsage: `/dr restore <runbook> (--snapshot <id> | --time <ISO-8601> | --latest) [--dry-run]`',
    ],
    [
      'restore orders --snapshot',
      '`--snapshot` needs a snapshot id, e.g. `--snapshot rds:orders-db-2026-11-21-00-05`.\nUsage: `/dr restore <runbook> (--snapshot <id> | --time <ISO-8601> | --latest) [--dry-run]`',
    ],
    [
      'restore orders --time noon',
      '`noon` is not an ISO-8601 time with a zone; write it like `2026-11-21T11:30:00Z`.\nUsage: `/dr restore <runbook> (--snapshot <id> | --time <ISO-8601> | --latest) [--dry-run]`',
    ],
    [
      'statuspage INC-1 fixed all good',
      'Unknown status `fixed`: use one of investigating, identified, monitoring, resolved.\nUsage: `/dr statuspage <incident> <investigating|identified|monitoring|resolved> <message>`',
    ],
    [
      'statuspage INC-1 monitoring',
      'The status page message is empty: write what customers should read.\nUsage: `/dr statuspage <incident> <investigating|identified|monitoring|resolved> <message>`',
    ],
  ])('%j', async (text, message) => {
    const { ack, replies } = await command(text);
    expect(ack).toEqual({ response_type: 'ephemeral', text: message });
    expect(replies).toEqual([]);
    expect(h.ports.untouched).toBe(true);
  });

  it('a slash command other than slack.command gets told which one Lifeboat answers', async () => {
    const response = await h.post(slashCommandBody('status', { command: '/lifeboat' }), FORM);
    expect(response.json()).toEqual({ response_type: 'ephemeral', text: 'Lifeboat answers `/dr`. Try `/dr help`.' });
  });
});

describe('/dr permissions', () => {
  it("a non-operator's ack is refused, with the usage line, and changes nothing", async () => {
    const group = nockUsergroupUsers(['U0OPS1']);
    const { replies } = await command('ack INC-1', 'U0ZZZ');
    expect(replies).toEqual([
      ephemeral(
        'Only Lifeboat operators can run `/dr ack`. Anyone can use `help`, `status`, `incidents`, `readiness`, `drills` and `silences`; ask an operator (slack.operators) to do this.\nUsage: `/dr ack <incident>`',
      ),
    ]);
    expect(group.calls[0]?.body).toEqual({ usergroup: 'S0OPS' });
    expect((await h.store.getIncident('INC-1'))?.state).toBe('open');
  });

  it('a member of an operator usergroup may act; the membership is cached for the next command', async () => {
    const group = nockUsergroupUsers(['U0OPS1']);
    nockChatUpdate();
    nockPostMessage();
    const first = await command('ack INC-1', 'U0OPS1');
    expect(first.replies).toEqual([ephemeral('Acknowledged INC-1.')]);
    const second = await command('page INC-1', 'U0OPS1');
    expect(second.replies).toEqual([ephemeral('Paged on-call for the incident (PagerDuty).')]);
    expect(group.calls).toHaveLength(1);
  });

  it('a non-operator cannot request a failover or see approvals', async () => {
    nockUsergroupUsers(['U0OPS1']);
    const failover = await command('failover orders', 'U0ZZZ');
    expect(failover.replies).toMatchObject([{ text: expect.stringMatching(/^Only Lifeboat operators can run `\/dr failover`/) }]);
    const approvals = await command('approvals', 'U0ZZZ');
    expect(approvals.replies).toMatchObject([{ text: expect.stringMatching(/^Only Lifeboat operators can run `\/dr approvals`/) }]);
    expect(h.ports.untouched).toBe(true);
  });
});

describe('/dr parse errors do not reveal runbooks to non-operators', () => {
  const refusal = (subcommand: string, usage: string) =>
    `Only Lifeboat operators can run \`/dr ${subcommand}\`. Anyone can use \`help\`, \`status\`, \`incidents\`, \`readiness\`, \`drills\` and \`silences\`; ask an operator (slack.operators) to do this.\nUsage: \`${usage}\``;
  const FAILOVER_USAGE = '/dr failover <runbook> [--dry-run] [--allow-data-loss]';
  const RESTORE_USAGE = '/dr restore <runbook> (--snapshot <id> | --time <ISO-8601> | --latest) [--dry-run]';

  it.each([
    ['failover nope', refusal('failover', FAILOVER_USAGE)],
    ['failover', refusal('failover', FAILOVER_USAGE)],
    ['restore nope --latest', refusal('restore', RESTORE_USAGE)],
    ['restore', refusal('restore', RESTORE_USAGE)],
  ])('a non-operator typing %j gets the permission refusal, not the parse details', async (text, message) => {
    const group = nockUsergroupUsers(['U0OPS1']);
    const { ack, replies } = await command(text, 'U0ZZZ');
    expect(ack).toEqual({ response_type: 'ephemeral', text: message });
    expect(JSON.stringify(ack)).not.toContain('orders');
    expect(replies).toEqual([]);
    expect(group.calls).toHaveLength(1);
    expect(h.ports.untouched).toBe(true);
  });

  it('an operator from the usergroup still gets the helpful message naming the runbooks', async () => {
    nockUsergroupUsers(['U0OPS1']);
    const { ack } = await command('failover nope', 'U0OPS1');
    expect(ack).toEqual({
      response_type: 'ephemeral',
      text: `No failover runbook named \`nope\`. Known failover runbooks: \`orders\`.\nUsage: \`${FAILOVER_USAGE}\``,
    });
  });

  it('a parse error of a read-only command needs no permission lookup', async () => {
    const { ack } = await command('status now', 'U0ZZZ');
    expect(ack).toEqual({ response_type: 'ephemeral', text: '`/dr status` takes no arguments; remove `now`.\nUsage: `/dr status`' });
  });

  it('when Slack cannot confirm the usergroup, the person is told so, and Slack is not asked again for 10 s', async () => {
    const group = nockSlackError('usergroups.users.list', 'internal_error');
    const parseError = await command('failover nope', 'U0ZZZ');
    const unconfirmed =
      'Slack could not confirm that you may run `/dr failover`, so Lifeboat did not do it. Try again in a minute; if it persists, ask an operator to check the Lifeboat service.';
    expect(parseError.ack).toEqual({ response_type: 'ephemeral', text: `${unconfirmed}\nUsage: \`${FAILOVER_USAGE}\`` });
    // A second request from a non-operator 5 s later: answered from the remembered failure
    // (guardNetwork records any second usergroups.users.list as unmatched).
    h.clock.advance(5_000);
    const ack = await command('ack INC-1', 'U0ZZZ');
    expect(ack.replies).toEqual([
      ephemeral(`${unconfirmed.replace('run `/dr failover`', 'run `/dr ack`')}\nUsage: \`/dr ack <incident>\``),
    ]);
    expect(group.calls).toHaveLength(1);
    expect((await h.store.getIncident('INC-1'))?.state).toBe('open');
  });
});

describe('/dr parser details through the signed surface', () => {
  it('a --time with a space between date and time says the time must be one ISO-8601 word', async () => {
    const { ack, replies } = await command('restore orders --time 2024-01-01 00:00:00Z');
    expect(ack).toEqual({
      response_type: 'ephemeral',
      text:
        '`--time` takes one ISO-8601 word, date and time joined by `T` with no space and a zone: e.g. `--time 2024-01-01T00:00:00Z`.\n' +
        'Usage: `/dr restore <runbook> (--snapshot <id> | --time <ISO-8601> | --latest) [--dry-run]`',
    });
    expect(replies).toEqual([]);
    expect(h.ports.untouched).toBe(true);
  });

  it('2,000 emoji (4,000 UTF-16 units) are 2,000 characters: a status page message of them reaches the approval layer', async () => {
    const message = '\u{1F6A8}'.repeat(2_000);
    const { ack, replies } = await command(`statuspage INC-1 identified ${message}`);
    expect(ack).toBe('');
    expect(h.ports.submitted.map((s) => s.request)).toEqual([{ kind: 'statuspage', incidentId: 'INC-1', status: 'identified', message }]);
    expect(replies).toEqual([ephemeral('Plan ready; approval requested.')]);
  });
});

describe('/dr failure answers', () => {
  it('an internal failure answers a plain sentence with a reference and leaks nothing internal', async () => {
    await h.close();
    const store = new MemoryStore();
    store.getIncident = async () => {
      throw new Error('connect ECONNREFUSED 10.0.4.2:6379 redis://:hunter2@db/0\n    at TCPConnectWrap.afterConnect');
    };
    h = await startBotHarness({ store });
    const { replies } = await command('page INC-1', 'U0AAA');
    expect(replies).toHaveLength(1);
    const text = (replies[0] as { text: string }).text;
    expect(text).toMatch(
      /^Lifeboat hit an internal error and could not finish this\. The log has the details under reference [0-9a-f]{6}\.\nUsage: `\/dr page <incident>`$/,
    );
    for (const secret of ['ECONNREFUSED', 'hunter2', '10.0.4.2', 'TCPConnectWrap', 'Error', 'redis://']) expect(text).not.toContain(secret);
  });

  it('a read the store fails answers that nothing is remembered, and leaks nothing internal', async () => {
    await h.close();
    const store = new MemoryStore();
    store.listOpenIncidents = async () => {
      throw new Error('connect ECONNREFUSED 10.0.4.2:6379 redis://:hunter2@db/0\n    at TCPConnectWrap.afterConnect');
    };
    h = await startBotHarness({ store });
    const { replies } = await command('incidents', 'U0ZZZ');
    const text = (replies[0] as { text: string }).text;
    expect(text).toBe(
      'Redis is unreachable, and this replica has not read `/dr incidents` since it started, so it has nothing to show. Try again in a minute; if it persists, check the Lifeboat service.',
    );
    for (const secret of ['ECONNREFUSED', 'hunter2', '10.0.4.2', 'TCPConnectWrap', 'Error', 'redis://']) expect(text).not.toContain(secret);
  });
});

describe('/dr bad input, end to end', () => {
  it('300 random and hostile texts from a non-operator each get a clear ephemeral answer; nothing is executed', async () => {
    nockUsergroupUsers(['U0OPS1']);
    const hook = nockResponseUrl('/commands/T1/1/abc', 1000);
    for (const text of hostileCommandTexts(300, 7)) {
      const response = await h.post(slashCommandBody(text, { userId: 'U0ZZZ' }), FORM);
      expect(response.statusCode).toBe(200);
      if (response.body !== '') {
        const body = response.json() as { response_type: string; text: string };
        expect(body.response_type).toBe('ephemeral');
        // An error with the usage line, or the help text (a hostile text can spell "help").
        expect(body.text).toMatch(/\nUsage: `\/dr |^\*Lifeboat\* — disaster recovery from Slack/);
      }
    }
    await h.bot.idle();
    for (const reply of hook.bodies) expect(reply).toMatchObject({ response_type: 'ephemeral', text: expect.any(String) });
    expect(h.ports.untouched).toBe(true);
    expect((await h.store.getIncident('INC-1'))?.state).toBe('open');
    expect((await h.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
