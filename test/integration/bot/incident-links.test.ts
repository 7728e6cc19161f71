import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  appRedirectUrl,
  IncidentLinks,
  WebApiPermalinks,
  type IncidentLinksOptions,
  type PermalinkSource,
} from '../../../src/bot/incident-links.js';
import type { IncidentMessageRef } from '../../../src/bot/incident-message-refs.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { guardNetwork, TEST_SLACK_API_URL } from '../../doubles/slack-api-nock.js';

const BOT_TOKEN = 'xoxb-test-links-token';
const network = guardNetwork();

afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

/** One chat.getPermalink request: its form fields and bearer header. */
interface PermalinkCall {
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/**
 * chat.getPermalink at the test SLACK_API_URL answering as Slack does (`{ ok, channel,
 * permalink }`), or `answer` instead; `delayMs` delays the answer.
 */
function nockGetPermalink(times = 1, answer?: Record<string, unknown>, delayMs = 0): PermalinkCall[] {
  const calls: PermalinkCall[] = [];
  const interceptor = nock('https://slack.test').post('/api/chat.getPermalink').times(times);
  (delayMs > 0 ? interceptor.delay(delayMs) : interceptor).reply(function (_uri, body) {
    const fields = parseQuery(body as string) as Record<string, unknown>;
    const header = this.req.headers.authorization;
    calls.push({ body: fields, authorization: Array.isArray(header) ? header[0] : header });
    const ts = String(fields.message_ts).replace('.', '');
    return [
      200,
      answer ?? { ok: true, channel: fields.channel, permalink: `https://acme.slack.com/archives/${String(fields.channel)}/p${ts}` },
    ];
  });
  return calls;
}

function setup(over: Partial<IncidentLinksOptions> & { refs?: Map<string, IncidentMessageRef> } = {}) {
  const clock = new ManualClock();
  const refs = over.refs ?? new Map<string, IncidentMessageRef>([['INC-1', { channel: 'C0INCIDENTS', ts: '1795262400.000100' }]]);
  const sleeps: number[] = [];
  const lookups: string[] = [];
  const links = new IncidentLinks({
    messageRef: async (id) => {
      lookups.push(id);
      return refs.get(id) ?? null;
    },
    permalinks: new WebApiPermalinks({ token: BOT_TOKEN, apiUrl: TEST_SLACK_API_URL, logger: silentLogger(), timeoutMs: 1_000 }),
    slackApiUrl: TEST_SLACK_API_URL,
    clock,
    logger: silentLogger(),
    // Long enough for a first request on a loaded machine (the client warms up); the slow-Slack case answers far later.
    permalinkTimeoutMs: 500,
    // Waiting moves the test's clock instead of sleeping.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
    ...over,
  });
  return { links, clock, refs, sleeps, lookups };
}

const PERMALINK = 'https://acme.slack.com/archives/C0INCIDENTS/p1795262400000100';
const CHANNEL_LINK = 'https://slack.test/app_redirect?channel=C0INCIDENTS';

describe('IncidentLinks', () => {
  it("asks chat.getPermalink for the incident message's channel and ts, with the bot token, and remembers the answer", async () => {
    const calls = nockGetPermalink();
    const { links } = setup();
    expect(await links.slackLinkFor('INC-1')).toBe(PERMALINK);
    expect(await links.slackLinkFor('INC-1')).toBe(PERMALINK);
    expect(calls).toEqual([{ authorization: `Bearer ${BOT_TOKEN}`, body: { channel: 'C0INCIDENTS', message_ts: '1795262400.000100' } }]);
  });

  it('asks again for a message posted anew (the first was deleted): the link follows the message', async () => {
    const calls = nockGetPermalink(2);
    const { links, refs } = setup();
    await links.slackLinkFor('INC-1');
    refs.set('INC-1', { channel: 'C0INCIDENTS', ts: '1795262999.000200' });
    expect(await links.slackLinkFor('INC-1')).toBe('https://acme.slack.com/archives/C0INCIDENTS/p1795262999000200');
    expect(calls.map((c) => c.body.message_ts)).toEqual(['1795262400.000100', '1795262999.000200']);
  });

  it('waits for a message being posted at the same moment (up to 1.5 s), then links to it', async () => {
    nockGetPermalink();
    const refs = new Map<string, IncidentMessageRef>();
    const { links, sleeps, lookups } = setup({
      refs,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 3) refs.set('INC-1', { channel: 'C0INCIDENTS', ts: '1795262400.000100' });
      },
    });
    expect(await links.slackLinkFor('INC-1')).toBe(PERMALINK);
    expect(sleeps).toEqual([100, 100, 100]);
    expect(lookups).toHaveLength(4);
  });

  it('pages without a link when the message does not appear in time, and later pages stop waiting for a minute', async () => {
    const { links, sleeps, clock } = setup({ refs: new Map() });
    expect(await links.slackLinkFor('INC-1')).toBeUndefined();
    expect(sleeps).toHaveLength(15); // 1.5 s in 100 ms polls
    expect(await links.slackLinkFor('INC-2')).toBeUndefined();
    expect(sleeps).toHaveLength(15);
    clock.advance(60_000);
    expect(await links.slackLinkFor('INC-3')).toBeUndefined();
    expect(sleeps).toHaveLength(30);
  });

  it("falls back to the channel link when Slack refuses (message gone), and asks again next time: it says nothing about Slack's health", async () => {
    const calls = nockGetPermalink(2, { ok: false, error: 'message_not_found' });
    const { links } = setup();
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK);
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK);
    expect(calls).toHaveLength(2);
  });

  it('falls back to the channel link within the timeout when Slack is slow, and does not ask Slack for a minute', async () => {
    nockGetPermalink(1, undefined, 4_000);
    const { links, clock } = setup();
    const started = performance.now();
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK); // no request: guardNetwork would fail it
    clock.advance(60_000);
    nockGetPermalink();
    expect(await links.slackLinkFor('INC-1')).toBe(PERMALINK);
  });

  it('treats a Slack error as trouble too: channel link, then quiet for a minute', async () => {
    const calls = nockGetPermalink(1, { ok: false, error: 'internal_error' });
    const { links } = setup();
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK);
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK);
    expect(calls).toHaveLength(1);
  });

  it('refuses an answer that is not an https link', async () => {
    nockGetPermalink(1, { ok: true, channel: 'C0INCIDENTS', permalink: 'javascript:alert(1)' });
    const { links } = setup();
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK);
  });

  it('pages without a link when the store cannot say where the message is', async () => {
    const { links } = setup({ messageRef: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) });
    expect(await links.slackLinkFor('INC-1')).toBeUndefined();
  });

  it('without a permalink source every link is the channel link', async () => {
    const { links } = setup({ permalinks: undefined });
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK);
  });

  it('a permalink source that never answers is cut off at the timeout', async () => {
    const hanging: PermalinkSource = { permalink: () => new Promise<string>(() => undefined) };
    const { links } = setup({ permalinks: hanging, permalinkTimeoutMs: 20 });
    expect(await links.slackLinkFor('INC-1')).toBe(CHANNEL_LINK);
  });

  it('remembers at most cacheSize permalinks, dropping the oldest', async () => {
    const calls = nockGetPermalink(3);
    const refs = new Map<string, IncidentMessageRef>([
      ['INC-1', { channel: 'C0INCIDENTS', ts: '1.000001' }],
      ['INC-2', { channel: 'C0INCIDENTS', ts: '1.000002' }],
    ]);
    const { links } = setup({ refs, cacheSize: 1 });
    await links.slackLinkFor('INC-1');
    await links.slackLinkFor('INC-2');
    await links.slackLinkFor('INC-2');
    await links.slackLinkFor('INC-1');
    expect(calls.map((c) => c.body.message_ts)).toEqual(['1.000001', '1.000002', '1.000001']);
  });
});

describe('appRedirectUrl', () => {
  it.each([
    ['https://slack.com/api/', 'https://slack.com/app_redirect?channel=C0INCIDENTS'],
    ['https://slack-gov.com/api/', 'https://slack-gov.com/app_redirect?channel=C0INCIDENTS'],
    ['https://proxy.internal/slack/api', 'https://proxy.internal/slack/app_redirect?channel=C0INCIDENTS'],
  ])('next to SLACK_API_URL %s', (apiUrl, expected) => {
    expect(appRedirectUrl(apiUrl, 'C0INCIDENTS')).toBe(expected);
  });
});
