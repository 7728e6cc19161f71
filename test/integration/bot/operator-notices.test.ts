import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { botRedisKeys } from '../../../src/backend/redis/keyspace.js';
import { MemorySeenDeliveries } from '../../../src/backend/memory/memory-seen-deliveries.js';
import type { SlackOutboxService } from '../../../src/bot/outbox/slack-outbox-service.js';
import { OperatorNotices, pagingAuthNotice, statusPageAuthNotice, type OperatorNoticesOptions } from '../../../src/bot/operator-notices.js';
import { RedisSeenDeliveries } from '../../../src/backend/redis/redis-seen-deliveries.js';
import type { SeenDeliveries } from '../../../src/bot/seen-deliveries.js';
import { WebClientSlackGateway } from '../../../src/bot/web-client-slack-gateway.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { PagingError } from '../../../src/paging/paging-error.js';
import { StatusPageError } from '../../../src/statuspage/statuspage-error.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { TEST_ROUTING_KEY } from '../../doubles/pagerduty-events-nock.js';
import { memoryOutboxService } from '../../doubles/memory-slack-outbox-service.js';
import {
  guardNetwork,
  nockConversationsHistory,
  nockPostMessage,
  nockSlackError,
  TEST_SLACK_API_URL,
} from '../../doubles/slack-api-nock.js';
import { useRedisPrefix } from '../../doubles/redis-prefix.js';

const BOT_TOKEN = 'xoxb-111-222-operatornoticetoken';
const STATUSPAGE_KEY = 'sp-key-0123456789abcdef';
const network = guardNetwork();
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

function gateway(): WebClientSlackGateway {
  return new WebClientSlackGateway({
    token: BOT_TOKEN,
    apiUrl: TEST_SLACK_API_URL,
    logger: silentLogger(),
    networkRetries: 0,
    sleep: async () => undefined,
  });
}

/** Each notifier's outbox (the real service on the memory outbox), to deliver what it queued. */
const outboxes = new Map<OperatorNotices, SlackOutboxService>();

function notices(over: Partial<OperatorNoticesOptions> = {}): OperatorNotices {
  const outbox = memoryOutboxService(gateway());
  const subject = new OperatorNotices({
    channel: 'C0INCIDENTS',
    operators: ['S0OPS', 'U0AAA', 'W0BBB'],
    outbox,
    seen: new MemorySeenDeliveries(new ManualClock()),
    secrets: [BOT_TOKEN, TEST_ROUTING_KEY, STATUSPAGE_KEY, undefined],
    logger: silentLogger(),
    ...over,
  });
  outboxes.set(subject, outbox);
  return subject;
}

/** Until every notice asked for is decided and what was queued is delivered. */
async function drain(subject: OperatorNotices): Promise<void> {
  await subject.settled();
  await outboxes.get(subject)?.idle();
}

const keyRefused = new PagingError(
  'LIFEBOAT_PAGING_KEY_REFUSED',
  "PagerDuty refuses Lifeboat's routing key (HTTP 401), so nobody can be paged",
  'check PAGERDUTY_ROUTING_KEY: it must be the Integration Key of an Events API v2 integration',
  401,
  0,
);
const PAGING_TEXT =
  "<!subteam^S0OPS> <@U0AAA> <@W0BBB> :rotating_light: PagerDuty refuses Lifeboat's routing key (HTTP 401), so nobody can be paged. " +
  'Until it is fixed, page on-call by hand. To fix: check PAGERDUTY_ROUTING_KEY: it must be the Integration Key of an Events API v2 integration, ' +
  'then restart Lifeboat; pages queued meanwhile are kept and go out then.';

describe('OperatorNotices', () => {
  it('posts one plain message to slack.channel mentioning the operators (usergroups and users)', async () => {
    const posted = nockPostMessage();
    const subject = notices();
    subject.notify('paging-auth', pagingAuthNotice(keyRefused));
    await drain(subject);
    expect(posted.calls).toEqual([
      {
        authorization: `Bearer ${BOT_TOKEN}`,
        // Its outbox id in the message metadata: a post whose answer is lost is looked for, not repeated.
        body: {
          channel: 'C0INCIDENTS',
          text: PAGING_TEXT,
          unfurl_links: 'false',
          unfurl_media: 'false',
          metadata: expect.stringContaining('"event_type":"lifeboat_post"'),
        },
      },
    ]);
  });

  it('tells each kind at most once per process', async () => {
    const posted = nockPostMessage(2);
    const subject = notices({ operators: ['U0AAA'] });
    subject.notify('paging-auth', pagingAuthNotice(keyRefused));
    subject.notify('paging-auth', pagingAuthNotice(keyRefused));
    subject.notify(
      'statuspage-auth',
      statusPageAuthNotice(
        new StatusPageError('LIFEBOAT_STATUSPAGE_UNAUTHORIZED', 'x', {
          userMessage: "Statuspage refused Lifeboat's API key, so nothing was published.",
          hint: "check STATUSPAGE_API_KEY: a Statuspage API key (profile > API info), sent as 'Authorization: OAuth <key>'",
          httpStatus: 401,
        }),
      ),
    );
    await drain(subject);
    subject.notify('paging-auth', 'again');
    subject.notify('statuspage-auth', 'again');
    await drain(subject);
    expect(posted.calls.map((c) => c.body.text)).toEqual([
      `<@U0AAA> :rotating_light: ${PAGING_TEXT.split(':rotating_light: ')[1]}`,
      "<@U0AAA> :rotating_light: Statuspage refuses Lifeboat's API key (HTTP 401), so approved status-page updates are not published. " +
        "To fix: check STATUSPAGE_API_KEY: a Statuspage API key (profile &gt; API info), sent as 'Authorization: OAuth &lt;key&gt;' (a new key takes a restart of Lifeboat).",
    ]);
  });

  it('never posts a secret or live markup, whatever the text quotes', async () => {
    const posted = nockPostMessage();
    const subject = notices({ operators: ['U0AAA', 'not-an-id', '<!channel>'] });
    subject.notify(
      'statuspage-auth',
      `key ${STATUSPAGE_KEY} and ${TEST_ROUTING_KEY} refused; token xoxb-999-888-othertoken; <!channel> <https://evil.example|click>`,
    );
    await drain(subject);
    expect(posted.calls.map((c) => c.body.text)).toEqual([
      '<@U0AAA> :rotating_light: key [Redacted] and [Redacted] refused; token [Redacted]; &lt;!channel&gt; &lt;https://evil.example|click&gt;',
    ]);
  });

  it('cuts a very long text to 3,000 characters', async () => {
    const posted = nockPostMessage();
    const subject = notices({ operators: [] });
    subject.notify('paging-auth', 'x'.repeat(5_000));
    await drain(subject);
    expect(posted.calls[0]?.body.text).toBe(`:rotating_light: ${'x'.repeat(2_999)}…`);
  });

  it('retries a transient Slack failure and posts once, after looking for the post it may have made', async () => {
    const failed = nockSlackError('chat.postMessage', 'internal_error');
    const looked = nockConversationsHistory();
    const posted = nockPostMessage();
    const seenKeys: string[] = [];
    const memory = new MemorySeenDeliveries(new ManualClock());
    const subject = notices({ seen: { firstSeen: (key, ttl) => (seenKeys.push(key), memory.firstSeen(key, ttl)) } });
    subject.notify('paging-auth', pagingAuthNotice(keyRefused));
    await drain(subject);
    expect(failed.calls).toHaveLength(1);
    expect(looked.calls).toHaveLength(1);
    expect(posted.calls.map((c) => c.body.text)).toEqual([PAGING_TEXT]);
    // The window is claimed once; the retry does not ask again (it would be told "already seen").
    expect(seenKeys).toEqual(['operator-notice:paging-auth']);
  });

  it('tells operators anyway when the store cannot say whether they were told', async () => {
    const posted = nockPostMessage();
    const broken: SeenDeliveries = { firstSeen: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) };
    const subject = notices({ seen: broken });
    subject.notify('paging-auth', pagingAuthNotice(keyRefused));
    await drain(subject);
    expect(posted.calls).toHaveLength(1);
  });

  it('posts nothing when slack.channel is not configured', async () => {
    const subject = notices({ channel: undefined });
    subject.notify('paging-auth', pagingAuthNotice(keyRefused));
    await drain(subject);
    // guardNetwork and the pending-mocks check in afterEach fail the test on any request.
  });

  it('the memory twin keeps the window: another notifier sharing it stays quiet within the hour and tells again after it', async () => {
    const clock = new ManualClock();
    const seen = new MemorySeenDeliveries(clock);
    const posted = nockPostMessage(2);
    const first = notices({ seen });
    first.notify('paging-auth', 'first');
    await drain(first);
    clock.advance(59 * 60_000);
    const second = notices({ seen });
    second.notify('paging-auth', 'second, within the hour');
    await drain(second);
    clock.advance(60_000);
    const third = notices({ seen });
    third.notify('paging-auth', 'third, after the hour');
    await drain(third);
    expect(posted.calls.map((c) => c.body.text)).toEqual([
      '<!subteam^S0OPS> <@U0AAA> <@W0BBB> :rotating_light: first',
      '<!subteam^S0OPS> <@U0AAA> <@W0BBB> :rotating_light: third, after the hour',
    ]);
  });
});

describe('OperatorNotices across replicas (real Redis)', () => {
  const db = useRedisPrefix('operator-notices');

  it('ten replicas seeing the same refusal at once tell operators once, and the window key expires within the hour', async () => {
    const prefix = db.nextPrefix();
    const posted = nockPostMessage();
    const replicas = Array.from({ length: 10 }, (_, i) =>
      notices({ seen: new RedisSeenDeliveries(i % 2 === 0 ? db.redis : db.other, prefix) }),
    );
    for (const replica of replicas) replica.notify('paging-auth', pagingAuthNotice(keyRefused));
    await Promise.all(replicas.map(drain));
    expect(posted.calls.map((c) => c.body.text)).toEqual([PAGING_TEXT]);
    const key = botRedisKeys(prefix).delivery('operator-notice:paging-auth');
    const ttl = await db.redis.pttl(key);
    expect(ttl).toBeGreaterThan(59 * 60_000);
    expect(ttl).toBeLessThanOrEqual(60 * 60_000);
  });

  it('kinds are independent: a paging notice does not silence a status-page one', async () => {
    const prefix = db.nextPrefix();
    const posted = nockPostMessage(2);
    const a = notices({ seen: new RedisSeenDeliveries(db.redis, prefix), operators: [] });
    const b = notices({ seen: new RedisSeenDeliveries(db.other, prefix), operators: [] });
    a.notify('paging-auth', 'paging');
    b.notify('statuspage-auth', 'statuspage');
    await Promise.all([drain(a), drain(b)]);
    expect(posted.calls.map((c) => c.body.text).sort()).toEqual([':rotating_light: paging', ':rotating_light: statuspage']);
  });
});
