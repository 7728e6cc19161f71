import nock from 'nock';
import type { Redis } from 'ioredis';
import { buildApp, type App } from '../../../src/app.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { ManualClock } from '../../doubles/manual-clock.js';
import { NO_PROBES } from '../../doubles/no-probes.js';
import { TEST_PAGERDUTY_EVENTS_URL, TEST_ROUTING_KEY } from '../../doubles/pagerduty-events-nock.js';
import { nockAuthTest, TEST_RESPONSE_URL_ORIGIN, type SlackCall } from '../../doubles/slack-api-nock.js';
import { signed, slashCommandBody } from '../../doubles/slack-requests.js';
import { testBackend } from '../../doubles/test-backend.js';
import { untilLeader } from '../../doubles/until-leader.js';
import { botConfig } from '../bot/slack-bot-harness.js';
import { parse as parseQuery } from 'node:querystring';

/** How often the leader's noise sweep runs in these tests (real time; the clock is manual). */
export const TEST_SWEEP_MS = 25;

export interface NoiseApp {
  app: App;
  url: string;
}

/**
 * `buildApp` with Slack and PagerDuty on, on the test Redis under `prefix` (a restart is a new
 * app on the same prefix), a manual clock and no probes: the test applies check results itself.
 * The pager's delivery is stopped; `deliverPages` (paging-app-harness) runs it. The noise sweep
 * runs on its own timer, as in production.
 */
export async function startNoiseApp(yaml: string, redis: Redis, prefix: string, clock: ManualClock): Promise<NoiseApp> {
  const config = botConfig(yaml, { PAGERDUTY_ROUTING_KEY: TEST_ROUTING_KEY, PAGERDUTY_EVENTS_URL: TEST_PAGERDUTY_EVENTS_URL });
  const app = buildApp({
    config,
    logger: silentLogger(),
    clock,
    backend: testBackend(redis, prefix, clock),
    probes: NO_PROBES,
    seams: { sleep: async () => undefined, webApiNetworkRetries: 0, noiseSweepIntervalMs: TEST_SWEEP_MS },
  });
  nockAuthTest();
  try {
    const url = await app.start(0, '127.0.0.1');
    await untilLeader(app);
    await app.pager.stop();
    return { app, url };
  } catch (err) {
    await app.stop();
    throw err;
  }
}

/** Every chat.postMessage and chat.update, answered as Slack does, for as long as the test runs. */
export function recordSlack(): { posts: SlackCall[]; updates: SlackCall[] } {
  const posts: SlackCall[] = [];
  const updates: SlackCall[] = [];
  const decode = (body: unknown): Record<string, unknown> => {
    const raw = typeof body === 'string' ? parseQuery(body) : (body as Record<string, unknown>);
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, k === 'blocks' && typeof v === 'string' ? JSON.parse(v) : v]));
  };
  nock('https://slack.test')
    .persist()
    .post('/api/chat.postMessage')
    .reply((_uri, body) => {
      const decoded = decode(body);
      posts.push({ body: decoded, authorization: undefined });
      return [200, { ok: true, channel: decoded.channel, ts: `1000.${String(posts.length).padStart(6, '0')}` }];
    })
    .post('/api/chat.getPermalink')
    .reply(200, { ok: true, channel: 'C0INCIDENTS', permalink: 'https://acme.slack.com/archives/C0INCIDENTS/p1000000001' })
    .post('/api/chat.update')
    .reply((_uri, body) => {
      const decoded = decode(body);
      updates.push({ body: decoded, authorization: undefined });
      return [200, { ok: true, channel: decoded.channel, ts: decoded.ts }];
    });
  return { posts, updates };
}

/** Sends `/dr <text>` as Slack signs it and returns what the command answered on its response_url. */
export async function slash(noise: NoiseApp, clock: ManualClock, text: string, userId: string): Promise<string> {
  const path = `/commands/T1/${Math.random().toString(36).slice(2)}`;
  let answer: string | null = null;
  nock(TEST_RESPONSE_URL_ORIGIN)
    .post(path)
    .reply(200, (_uri, body) => {
      const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { text?: string; blocks?: unknown };
      // The blocks carry the detail of list answers; the text alone is their notification line.
      answer = `${parsed.text ?? ''}${parsed.blocks ? `\n${JSON.stringify(parsed.blocks)}` : ''}`;
      return 'ok';
    });
  const request = signed(slashCommandBody(text, { userId, responsePath: path }), 'application/x-www-form-urlencoded', clock.now());
  const response = await noise.app.server.inject({ method: 'POST', url: '/slack/events', headers: request.headers, payload: request.body });
  if (response.statusCode !== 200) throw new Error(`/dr ${text}: HTTP ${response.statusCode}`);
  // Answers that need no I/O come back in the acknowledgement itself.
  if (response.body) {
    const acked = JSON.parse(response.body) as { text?: string };
    if (acked.text) return acked.text;
  }
  await until(() => answer !== null, 5_000, `an answer to /dr ${text}`);
  return answer as unknown as string;
}

/** Polls until `condition` holds (real time). */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs}ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits `ms` of real time: lets timers (the noise sweep) run when the test expects nothing to happen. */
export function settle(ms = TEST_SWEEP_MS * 6): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
