import { describe, expect, it } from 'vitest';
import { clickedMessage, isSameMessage } from '../../../src/bot/clicked-message.js';
import { originMismatches } from '../../../src/bot/installed-app.js';

const installed = { teamId: 'T1', appId: 'A1' };

describe('originMismatches: a payload must name the installed workspace and app in every place it can', () => {
  it.each([
    ['a slash command of ours', { team_id: 'T1', api_app_id: 'A1', command: '/dr' }, []],
    ['a click of ours', { type: 'block_actions', team: { id: 'T1' }, api_app_id: 'A1' }, []],
    ['a view of ours', { type: 'view_submission', team: { id: 'T1' }, api_app_id: 'A1', view: { team_id: 'T1', app_id: 'A1' } }, []],
    ['another team', { team_id: 'T9', api_app_id: 'A1' }, [{ field: 'team_id', expected: 'T1', received: 'T9' }]],
    ['another app', { team: { id: 'T1' }, api_app_id: 'A9' }, [{ field: 'api_app_id', expected: 'A1', received: 'A9' }]],
    ['no team at all (an org-wide install)', { team: null, api_app_id: 'A1' }, [{ field: 'team_id', expected: 'T1', received: null }]],
    ['no app id', { team_id: 'T1' }, [{ field: 'api_app_id', expected: 'A1', received: null }]],
    [
      'a view another app opened',
      { team: { id: 'T1' }, api_app_id: 'A1', view: { team_id: 'T1', app_id: 'A9' } },
      [{ field: 'view.app_id', expected: 'A1', received: 'A9' }],
    ],
    [
      'a view without its ids',
      { team: { id: 'T1' }, api_app_id: 'A1', view: {} },
      [
        { field: 'view.team_id', expected: 'T1', received: null },
        { field: 'view.app_id', expected: 'A1', received: null },
      ],
    ],
    [
      'ids that are not strings',
      { team_id: ['T1'], api_app_id: 1 },
      [
        { field: 'team_id', expected: 'T1', received: null },
        { field: 'api_app_id', expected: 'A1', received: null },
      ],
    ],
  ])('%s', (_name, body, expected) => {
    expect(originMismatches(body as Record<string, unknown>, installed)).toEqual(expected);
  });
});

describe('clickedMessage: where a button was clicked', () => {
  it.each([
    ['a message container', { container: { type: 'message', channel_id: 'C1', message_ts: '1.2' } }, { channel: 'C1', ts: '1.2' }],
    ['channel and message without a container', { channel: { id: 'C1' }, message: { ts: '1.2' } }, { channel: 'C1', ts: '1.2' }],
    [
      'an ephemeral message',
      {
        container: { type: 'message', channel_id: 'C1', message_ts: '1.2', is_ephemeral: true },
        channel: { id: 'C1' },
        message: { ts: '1.2' },
      },
      null,
    ],
    ['a modal', { container: { type: 'view', view_id: 'V1' } }, null],
    ['nothing', {}, null],
    ['not an object', 'payload', null],
  ])('%s', (_name, body, expected) => {
    expect(clickedMessage(body)).toEqual(expected);
  });

  it('matches only the same channel and ts', () => {
    const ref = { channel: 'C1', ts: '1.2' };
    expect(isSameMessage({ channel: 'C1', ts: '1.2' }, ref)).toBe(true);
    expect(isSameMessage({ channel: 'C2', ts: '1.2' }, ref)).toBe(false);
    expect(isSameMessage({ channel: 'C1', ts: '1.3' }, ref)).toBe(false);
    expect(isSameMessage(null, ref)).toBe(false);
    expect(isSameMessage({ channel: 'C1', ts: '1.2' }, null)).toBe(false);
  });
});
