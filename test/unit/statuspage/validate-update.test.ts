import { describe, expect, it } from 'vitest';
import { StatusPageError } from '../../../src/statuspage/statuspage-error.js';
import type { StatusPageUpdate } from '../../../src/statuspage/status-page.js';
import {
  assertValidUpdate,
  characterCount,
  MAX_MESSAGE_CHARS,
  MAX_TITLE_CHARS,
  statusPageUpdateProblems,
} from '../../../src/statuspage/validate-update.js';

const valid: StatusPageUpdate = {
  incidentId: 'INC-4',
  title: 'Elevated API errors',
  status: 'investigating',
  message: 'Some API requests fail. We are investigating.',
  components: { api: 'partial_outage' },
  impact: 'major',
};
const known = ['api', 'web'];

describe('status-page update validation', () => {
  it('accepts a complete update, and limits exactly at the maximum', () => {
    expect(statusPageUpdateProblems(valid, known)).toEqual([]);
    const atLimits = { ...valid, title: 't'.repeat(MAX_TITLE_CHARS), message: 'm'.repeat(MAX_MESSAGE_CHARS) };
    expect(statusPageUpdateProblems(atLimits, known)).toEqual([]);
  });

  it.each<[string, Partial<StatusPageUpdate>, string]>([
    ['a title over 255 characters', { title: 't'.repeat(256) }, 'The title is 256 characters long; the status page allows 255.'],
    [
      'a message over 25000 characters',
      { message: 'm'.repeat(25_001) },
      'The message is 25001 characters long; the status page allows 25000.',
    ],
    ['an empty message', { message: '  \n ' }, 'The message is empty: say what users see and what happens next.'],
    ['an empty title', { title: '' }, 'The title is empty.'],
    [
      'a status outside the four',
      { status: 'fixed' as StatusPageUpdate['status'] },
      '"fixed" is not a status-page status (use investigating, identified, monitoring, resolved).',
    ],
    ['an unknown component', { components: { db: 'major_outage' } }, '"db" is not a status-page component (known: api, web).'],
    [
      'an unknown component status',
      { components: { api: 'down' as 'major_outage' } },
      '"down" is not a component status (use operational, degraded_performance, partial_outage, major_outage).',
    ],
    ['an unknown impact', { impact: 'severe' as 'major' }, '"severe" is not an impact (use none, minor, major, critical).'],
    ['a missing incident id', { incidentId: ' ' }, 'The incident id is missing or too long.'],
  ])('refuses %s with a sentence that says so', (_name, change, problem) => {
    expect(statusPageUpdateProblems({ ...valid, ...change }, known)).toEqual([problem]);
  });

  it('counts characters as people do: an emoji is one, not two UTF-16 units', () => {
    expect(characterCount('🚨 down')).toBe(6);
    const emojiMessage = '🚨'.repeat(MAX_MESSAGE_CHARS);
    expect(emojiMessage.length).toBe(2 * MAX_MESSAGE_CHARS);
    expect(statusPageUpdateProblems({ ...valid, message: emojiMessage }, known)).toEqual([]);
  });

  it('assertValidUpdate throws one coded error carrying every problem as its user sentence', () => {
    const error = (() => {
      try {
        assertValidUpdate({ ...valid, title: '', message: '' }, known);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(StatusPageError);
    expect(error).toMatchObject({
      code: 'LIFEBOAT_STATUSPAGE_INVALID_UPDATE',
      userMessage: 'The title is empty. The message is empty: say what users see and what happens next.',
    });
  });

  it('says when no components are configured at all', () => {
    expect(statusPageUpdateProblems(valid, [])).toEqual(['"api" is not a status-page component (none are configured).']);
  });
});
