import { describe, expect, it } from 'vitest';
import { incidentOutcomeNote } from '../../../../src/bot/approvals/incident-outcome-note.js';
import { approvalOf, failoverPlan, statusPagePlan } from './fixtures.js';

const run = (detail: Record<string, unknown> = {}) => ({ runnerId: 'r1', claimedAt: 0, leaseExpiresAt: 0, steps: [], detail });

describe('incidentOutcomeNote', () => {
  it('threads a published status-page update on its incident, escaped, with the public link', () => {
    const approval = approvalOf(statusPagePlan('Checkout <fails> & retries'), {
      state: 'succeeded',
      run: run({ statusPageUrl: 'https://status.example.com/incidents/1' }),
    });
    expect(incidentOutcomeNote(approval)).toEqual({
      incidentId: 'INC-1',
      text: ':mega: Status page updated (*investigating*, APR-7): Checkout &lt;fails&gt; &amp; retries <https://status.example.com/incidents/1|View it>',
    });
  });

  it('says when a status-page update did not publish', () => {
    expect(incidentOutcomeNote(approvalOf(statusPagePlan(), { state: 'failed', run: run() }))).toEqual({
      incidentId: 'INC-1',
      text: ":warning: Status page update APR-7 did not publish (failed). See the request's thread.",
    });
  });

  it('notes a failover proposed from an incident when it ends', () => {
    const plan = failoverPlan();
    const fromIncident = { ...plan, request: { ...plan.request, incidentId: 'INC-3' } } as typeof plan;
    expect(incidentOutcomeNote(approvalOf(fromIncident, { state: 'succeeded', run: run() }))?.text).toBe(
      `:white_check_mark: ${plan.title} (APR-7) succeeded. See the request's thread for every step.`,
    );
  });

  it('notes an interrupted run once: not again when its locks are released', () => {
    const plan = failoverPlan();
    const fromIncident = { ...plan, request: { ...plan.request, incidentId: 'INC-3' } } as typeof plan;
    const interrupted = approvalOf(fromIncident, { state: 'interrupted', run: run() });
    expect(incidentOutcomeNote(interrupted)?.text).toBe(
      `:x: ${plan.title} (APR-7) was interrupted. See the request's thread for every step.`,
    );
    expect(incidentOutcomeNote({ ...interrupted, locksReleased: { userId: 'U0CCC', at: 0 } })).toBeNull();
  });

  it('says nothing while a request is pending or running, or when it has no incident', () => {
    expect(incidentOutcomeNote(approvalOf(statusPagePlan()))).toBeNull();
    expect(incidentOutcomeNote(approvalOf(statusPagePlan(), { state: 'running', run: run() }))).toBeNull();
    expect(incidentOutcomeNote(approvalOf(failoverPlan(), { state: 'succeeded', run: run() }))).toBeNull();
  });
});
