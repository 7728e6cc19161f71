import { describe, expect, it } from 'vitest';
import { parseStatusPageSubmission, statusPageModal } from '../../../../src/bot/blocks/statuspage-modal.js';
import type { Incident } from '../../../../src/core/incident.js';

describe('status page modal', () => {
  const incident = { id: 'INC-3', checkId: 'api', severity: 'SEV1', state: 'open' } as Incident;

  it('suggests the status, the template message and the component status from the incident', () => {
    const view = statusPageModal(incident, ['api'], { incidentId: 'INC-3', channelId: 'C1' }) as {
      blocks: Array<{ element?: Record<string, unknown> }>;
    };
    expect(view.blocks[1]?.element?.initial_option).toEqual({
      text: { type: 'plain_text', text: 'Investigating' },
      value: 'investigating',
    });
    expect(view.blocks[2]?.element?.initial_value).toBe(
      'We are investigating problems with api. We will post an update within 30 minutes.',
    );
    expect(view.blocks[3]?.element?.initial_option).toEqual({ text: { type: 'plain_text', text: 'Major outage' }, value: 'major_outage' });
  });

  it('refuses a submission with tampered metadata or an unknown component status', () => {
    const values = {
      status: { 'lifeboat.statuspage.status': { selected_option: { value: 'monitoring' } } },
      'message:monitoring': { message: { value: 'ok' } },
      'component:api': { component: { selected_option: { value: 'on_fire' } } },
    };
    expect(parseStatusPageSubmission(values, '{"incidentId":"INC-3; rm"}')).toEqual({
      ok: false,
      errors: {
        'message:monitoring': 'This form is out of date; close it and click Update status page again.',
        'component:api': 'Choose a component status from the list.',
      },
    });
  });
});
