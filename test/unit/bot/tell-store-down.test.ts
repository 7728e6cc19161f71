import { describe, expect, it } from 'vitest';
import { STORE_DOWN_TEXT } from '../../../src/bot/fastify-slack-receiver.js';
import type { ResponseUrlMessage } from '../../../src/bot/slack-gateway.js';
import { tellStoreDown } from '../../../src/bot/tell-store-down.js';
import { silentLogger } from '../../../src/observability/logger.js';

function recordingGateway(failing = false) {
  const calls: unknown[] = [];
  return {
    calls,
    respond: async (url: string, message: ResponseUrlMessage) => {
      calls.push(['respond', url, message]);
      if (failing) throw new Error('expired_url');
    },
    postEphemeral: async (args: { channel: string; user: string; text: string }) => {
      calls.push(['postEphemeral', args]);
    },
  };
}

describe('tellStoreDown', () => {
  it('answers a slash command through its response_url', async () => {
    const gateway = recordingGateway();
    await tellStoreDown(
      { command: '/dr', user_id: 'U0AAA', channel_id: 'C1', response_url: 'https://hooks.slack.test/c' },
      gateway,
      silentLogger(),
    );
    expect(gateway.calls).toEqual([['respond', 'https://hooks.slack.test/c', { text: STORE_DOWN_TEXT }]]);
  });

  it('answers a button through its response_url without replacing the message it was on', async () => {
    const gateway = recordingGateway();
    await tellStoreDown(
      { type: 'block_actions', user: { id: 'U0AAA' }, channel: { id: 'C1' }, response_url: 'https://hooks.slack.test/a' },
      gateway,
      silentLogger(),
    );
    expect(gateway.calls).toEqual([['respond', 'https://hooks.slack.test/a', { text: STORE_DOWN_TEXT, replaceOriginal: false }]]);
  });

  it('without a response_url, posts an ephemeral message in the channel to that user', async () => {
    const gateway = recordingGateway();
    await tellStoreDown({ type: 'block_actions', user: { id: 'U0AAA' }, channel: { id: 'C1' } }, gateway, silentLogger());
    expect(gateway.calls).toEqual([['postEphemeral', { channel: 'C1', user: 'U0AAA', text: STORE_DOWN_TEXT }]]);
  });

  it('with no way to reach anyone, calls nothing; a failed answer is not thrown', async () => {
    const none = recordingGateway();
    await tellStoreDown({ type: 'view_submission', user: { id: 'U0AAA' } }, none, silentLogger());
    expect(none.calls).toEqual([]);
    const failing = recordingGateway(true);
    await expect(
      tellStoreDown({ command: '/dr', response_url: 'https://hooks.slack.test/c' }, failing, silentLogger()),
    ).resolves.toBeUndefined();
  });
});
