import { describe, expect, it } from 'vitest';
import { slackTextToPlain } from '../../../src/bot/slack-text.js';

describe('formatting', () => {
  it('slackTextToPlain turns Slack markup into what the person meant', () => {
    expect(
      slackTextToPlain(
        '<@U1|bob> see <#C1|ops> &amp; <https://x.example|docs> or <https://y.example> <!here> <!subteam^S1|@sre> &lt;b&gt;',
      ),
    ).toBe('@bob see #ops & docs or https://y.example @here @sre <b>');
  });
});
