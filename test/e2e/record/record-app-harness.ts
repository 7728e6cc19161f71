import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import type { Redis } from 'ioredis';
import type { App } from '../../../src/app.js';
import type { ManualClock } from '../../doubles/manual-clock.js';
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

// Slash commands as the record tests send them: the shared helpers, under the names those tests use.
export { slashCommand as command, slashCommandAck as commandAck } from '../../doubles/slash-command.js';

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
