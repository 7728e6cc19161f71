import type { Approval } from '../../approvals/approval.js';
import { escapeMrkdwn } from '../slack-text.js';

/**
 * The line an incident's thread gets when an action taken about it ends: a published status-page
 * update (SPEC: published updates are threaded on the incident), or a failover / restore that was
 * proposed from the incident. Null when the request has no incident or has not ended, and after
 * an interrupted run's locks were released (its interruption was noted then).
 */
export function incidentOutcomeNote(approval: Approval): { incidentId: string; text: string } | null {
  const request = approval.plan.request;
  const incidentId = 'incidentId' in request ? request.incidentId : undefined;
  if (!incidentId) return null;
  if (approval.state !== 'succeeded' && approval.state !== 'failed' && approval.state !== 'interrupted') return null;
  // Releasing an interrupted run's locks changes the request again: the incident heard of it already.
  if (approval.locksReleased) return null;
  const detail = approval.run?.detail ?? {};
  if (request.kind === 'statuspage') {
    if (approval.state !== 'succeeded')
      return {
        incidentId,
        text: `:warning: Status page update ${approval.id} did not publish (${approval.state}). See the request's thread.`,
      };
    const url = typeof detail.statusPageUrl === 'string' ? ` <${detail.statusPageUrl}|View it>` : '';
    return { incidentId, text: `:mega: Status page updated (*${request.status}*, ${approval.id}): ${escapeMrkdwn(request.message)}${url}` };
  }
  const words = approval.state === 'succeeded' ? 'succeeded' : approval.state === 'failed' ? 'failed' : 'was interrupted';
  return {
    incidentId,
    text: `${approval.state === 'succeeded' ? ':white_check_mark:' : ':x:'} ${approval.plan.title} (${approval.id}) ${words}. See the request's thread for every step.`,
  };
}
