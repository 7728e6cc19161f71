import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const manifest = parse(readFileSync(new URL('../../../deploy/slack-app-manifest.yaml', import.meta.url), 'utf8')) as {
  features: { slash_commands: Array<{ command: string; url: string; should_escape: boolean }> };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: { interactivity: { is_enabled: boolean; request_url: string }; socket_mode_enabled: boolean; event_subscriptions?: unknown };
};

// The bot scope each Web API method needs (Slack method reference pages); null: none needed.
const METHOD_SCOPES: Record<string, string | null> = {
  'auth.test': null,
  // the app id interactions must carry (api_app_id)
  'bots.info': 'users:read',
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.create': 'channels:manage',
  'conversations.invite': 'channels:manage',
  // a resolved incident's dedicated channel is archived (slack.archiveChannelsAfter)
  'conversations.archive': 'channels:manage',
  // findPosted: a post whose answer was lost is looked for before posting again
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'usergroups.users.list': 'usergroups:read',
  'views.open': null,
  'views.update': null,
};

describe('deploy/slack-app-manifest.yaml', () => {
  it('asks for exactly the scopes of the Web API methods the gateway calls, plus commands', () => {
    const source = readFileSync(new URL('../../../src/bot/web-client-slack-gateway.ts', import.meta.url), 'utf8');
    const called = [...source.matchAll(/this\.call\(\s*'([a-z.A-Z]+)'/g)].map((m) => m[1] ?? '');
    expect(new Set(called)).toEqual(new Set(Object.keys(METHOD_SCOPES)));
    // files.uploadV2 is the client's helper (files.getUploadURLExternal + files.completeUploadExternal,
    // both "files:write" in Slack's method reference), called directly rather than through this.call.
    const uploads = /\.filesUploadV2\(/.test(source) ? ['files:write'] : [];
    const needed = new Set([
      ...called.map((m) => METHOD_SCOPES[m]).filter((s): s is string => s !== null && s !== undefined),
      'commands',
      ...uploads,
    ]);
    expect(uploads).toEqual(['files:write']);
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
    expect(manifest.oauth_config.scopes.bot).toHaveLength(needed.size);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('can read back what it posted (channels:history) and learn its app id (users:read), and nothing more', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:history', 'users:read']));
    // Reading private channels, DMs or user profiles beyond bots.info is not needed.
    for (const scope of ['groups:history', 'im:history', 'mpim:history', 'users:read.email', 'channels:read']) {
      expect(manifest.oauth_config.scopes.bot).not.toContain(scope);
    }
  });

  it('declares /dr, interactivity on the same route, and Socket Mode on', () => {
    expect(manifest.features.slash_commands).toMatchObject([{ command: '/dr', url: 'https://lifeboat.example.com/slack/events' }]);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: 'https://lifeboat.example.com/slack/events' });
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    // Lifeboat subscribes to no events: nothing it would have to verify or ignore.
    expect(manifest.settings.event_subscriptions).toBeUndefined();
  });
});
