import { describe, expect, it } from 'vitest';
import { parseStatusPageSubmission } from '../../../src/bot/blocks/statuspage-modal.js';
import { statusPageUpdateProblems, textToPublishProblem } from '../../../src/statuspage/validate-update.js';

const submitted = (message: string) => ({
  status: { 'lifeboat.statuspage.status': { selected_option: { value: 'identified' } } },
  'message:identified': { message: { value: message } },
});

describe('text to publish that hides characters', () => {
  it('the status page modal keeps the form open with the character named and where it is', () => {
    expect(parseStatusPageSubmission(submitted(`Fixed.\u200B Really`), '{"incidentId":"INC-3"}')).toEqual({
      ok: false,
      errors: {
        'message:identified':
          'The message holds an invisible or formatting character, U+200B, at character 7; approvers could not see it, so it cannot be published. Retype the text without it.',
      },
    });
    expect(parseStatusPageSubmission(submitted('Fixed & monitoring.'), '{"incidentId":"INC-3"}')).toMatchObject({ ok: true });
  });

  it('publishing refuses them too, whichever way an update arrives', () => {
    const update = {
      incidentId: 'INC-4',
      title: 'API errors',
      status: 'identified' as const,
      message: `ok\u{E0041}hidden`,
      components: {},
    };
    expect(statusPageUpdateProblems(update, [])).toEqual([
      'The message holds an invisible or formatting character, U+E0041, at character 3; approvers could not see it, so it cannot be published. Retype the text without it.',
    ]);
    expect(statusPageUpdateProblems({ ...update, title: '\u202EAPI', message: 'ok' }, [])[0]).toContain(
      'The title holds an invisible or formatting character, U+202E, at character 1',
    );
  });

  it('counts characters as people do (code points), and states its limit', () => {
    expect(textToPublishProblem('👍'.repeat(2000))).toBeNull();
    expect(textToPublishProblem('👍'.repeat(2001))).toBe(
      'The message is 2001 characters long; text to publish is limited to 2000 characters so approvers can read it whole.',
    );
  });
});
