import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import type { Redis } from 'ioredis';
import type { App } from '../../../src/app.js';
import type { ManualClock } from '../../doubles/manual-clock.js';
import { nockResponseUrl } from '../../doubles/slack-api-nock.js';
import { signed, slashCommandBody } from '../../doubles/slack-requests.js';
import { startPagingApp } from '../paging-app-harness.js';

/**
 * `buildApp` with Slack and PagerDuty on, on a test Redis under `keyPrefix` (startPagingApp): the
 * pager does not deliver on its own (`deliverPages`), and the archive sweep is driven by the test
 * (`app.slack.archiver.runOnce()`; its own timer, once a minute, never fires within a test).
 */
export function startRecordApp(
  yaml: string,
  redis: Redis,
  keyPrefix: string,
  options: { env?: Record<string, string>; clock?: ManualClock } = {},
): Promise<{ app: App; clock: ManualClock }> {
  return startPagingApp(yaml, options.env, { redis: { client: redis, keyPrefix }, ...(options.clock ? { clock: options.clock } : {}) });
}

let commandCounter = 0;

/**
 * Sends `/dr <text>` as `userId`, signed as Slack signs it, and waits for the ephemeral answer
 * posted to the command's response_url; returns that answer's JSON body.
 */
export async function command(app: App, clock: ManualClock, text: string, userId = 'U0AAA'): Promise<{ text: string; blocks?: unknown[] }> {
  commandCounter += 1;
  const path = `/commands/T1/record/${commandCounter}`;
  const answer = nockResponseUrl(path);
  const request = signed(slashCommandBody(text, { userId, responsePath: path }), 'application/x-www-form-urlencoded', clock.now());
  const response = await app.server.inject({ method: 'POST', url: '/slack/events', payload: request.body, headers: request.headers });
  if (response.statusCode !== 200) throw new Error(`/slack/events answered ${response.statusCode}: ${response.body}`);
  for (let tries = 0; answer.bodies.length === 0; tries++) {
    if (tries > 250) throw new Error(`no answer to "/dr ${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return answer.bodies[0] as { text: string; blocks?: unknown[] };
}

/** chat.getPermalink for the incident message (the page links it). */
export function nockGetPermalink(): void {
  nock('https://slack.test')
    .post('/api/chat.getPermalink')
    .reply(200, (_uri, body) => ({ ok: true, channel: parseQuery(body as string).channel, permalink: 'https://acme.slack.com/p1' }));
}

/** Every mrkdwn text of a message's blocks, joined. */
export function blocksText(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}

/** Sends `/dr <text>` that is answered in the acknowledgement itself (a parse error): that answer. */
export async function commandAck(app: App, clock: ManualClock, text: string, userId = 'U0AAA'): Promise<{ text: string }> {
  const request = signed(slashCommandBody(text, { userId }), 'application/x-www-form-urlencoded', clock.now());
  const response = await app.server.inject({ method: 'POST', url: '/slack/events', payload: request.body, headers: request.headers });
  if (response.statusCode !== 200) throw new Error(`/slack/events answered ${response.statusCode}: ${response.body}`);
  return response.json() as { text: string };
}
