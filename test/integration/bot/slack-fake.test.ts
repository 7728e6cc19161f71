import nock from 'nock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { guardNetwork, TEST_SLACK_API_URL } from '../../doubles/slack-api-nock.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { startSlackFake } from '../../doubles/slack-fake.js';

const network = guardNetwork();
afterEach(() => {
  expect(network.unmatched).toEqual([]);
  expect(nock.pendingMocks()).toEqual([]);
  network.reset();
});
afterAll(() => {
  nock.enableNetConnect();
});

function client(timeout = 0): InstanceType<typeof webApi.WebClient> {
  return new webApi.WebClient('xoxb-test', {
    slackApiUrl: TEST_SLACK_API_URL,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout,
  });
}

describe('SlackFake', () => {
  it('keeps posts with their metadata and serves them back through history and replies, paginated', async () => {
    const clock = new ManualClock();
    const fake = startSlackFake({ clock });
    const web = client();
    const parent = (await web.apiCall('chat.postMessage', {
      channel: 'C1',
      text: 'parent',
      metadata: { event_type: 'lifeboat_incident', event_payload: { incident_id: 'INC-1' } },
    })) as unknown as { ts: string };
    clock.advance(1000);
    await web.apiCall('chat.postMessage', { channel: 'C1', text: 'reply', thread_ts: parent.ts });
    clock.advance(1000);
    await web.apiCall('chat.postMessage', { channel: 'C1', text: 'second', blocks: [{ type: 'divider' }] });
    expect(fake.messages.map((m) => m.text)).toEqual(['parent', 'reply', 'second']);
    const first = (await web.apiCall('conversations.history', { channel: 'C1', limit: 1, include_all_metadata: true })) as Record<
      string,
      any
    >;
    expect(first.messages.map((m: { text: string }) => m.text)).toEqual(['second']);
    const second = (await web.apiCall('conversations.history', {
      channel: 'C1',
      limit: 1,
      include_all_metadata: true,
      cursor: first.response_metadata.next_cursor,
    })) as Record<string, any>;
    expect(second.messages).toEqual([
      expect.objectContaining({ text: 'parent', metadata: { event_type: 'lifeboat_incident', event_payload: { incident_id: 'INC-1' } } }),
    ]);
    expect(second.response_metadata.next_cursor).toBe('');
    const noMeta = (await web.apiCall('conversations.history', { channel: 'C1' })) as Record<string, any>;
    expect(noMeta.messages.some((m: Record<string, unknown>) => 'metadata' in m)).toBe(false);
    const thread = (await web.apiCall('conversations.replies', { channel: 'C1', ts: parent.ts })) as Record<string, any>;
    expect(thread.messages.map((m: { text: string }) => m.text)).toEqual(['parent', 'reply']);
    expect(fake.count('chat.postMessage')).toBe(3);
    expect(fake.count('conversations.history')).toBe(3);
  });

  it('switches between 429, refusal, outage and ok, for one method or all, and for a number of requests', async () => {
    const fake = startSlackFake();
    const web = client();
    fake.rateLimited(30, { method: 'chat.postMessage', times: 1 });
    await expect(web.apiCall('chat.postMessage', { channel: 'C1', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 30,
    });
    await expect(web.apiCall('chat.postMessage', { channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
    fake.refuse('invalid_blocks');
    await expect(web.apiCall('chat.postMessage', { channel: 'C1', text: 'x', blocks: [{ type: 'divider' }] })).rejects.toMatchObject({
      data: { error: 'invalid_blocks', response_metadata: { messages: [expect.stringContaining('[ERROR]')] } },
    });
    await expect(web.apiCall('chat.postMessage', { channel: 'C1', text: 'text only' })).resolves.toMatchObject({ ok: true });
    fake.refuse('invalid_auth');
    await expect(web.apiCall('auth.test')).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
    fake.down();
    await expect(web.apiCall('auth.test')).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 503 });
    fake.ok();
    await expect(web.apiCall('bots.info', { bot: 'BBOT' })).resolves.toMatchObject({ bot: { id: 'BBOT', app_id: 'A1' } });
    expect(fake.messages.map((m) => m.text)).toEqual(['x', 'text only']);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200, 200, 200, 200, 503, 200]);
  });

  it('carries out a slow call although the client gave up waiting', async () => {
    const fake = startSlackFake();
    fake.slow(300, { method: 'chat.postMessage' });
    await expect(client(50).apiCall('chat.postMessage', { channel: 'C1', text: 'late' })).rejects.toMatchObject({
      code: 'slack_webapi_request_error',
    });
    expect(fake.messages.map((m) => m.text)).toEqual(['late']);
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
});
