import type { PagerDutyConfig } from '../config/types.js';
import { pagerDutyActorName } from '../core/pagerduty-actor.js';
import { isAtOrAbove } from '../core/severity.js';
import type { IncidentChange } from '../incidents/incident-engine.js';

/** What one incident change means for PagerDuty. */
export type PagingDecision =
  | { kind: 'trigger'; reason: string }
  | { kind: 'acknowledge' | 'resolve'; reason: string; actor?: string }
  /** Below pageAt and unacknowledged: page at `dueAt` unless acknowledged or resolved first. */
  | { kind: 'escalate-later'; dueAt: number; afterMs: number }
  | { kind: 'none' };

/**
 * Decides paging for a committed incident change (pure). At or above `pageAt`, opening or
 * escalating triggers (again on a further escalation, so PagerDuty gets the new severity; its
 * dedup_key keeps it one alert). Below, an open unacknowledged incident gets an escalation timer
 * counted from when it opened, so replays and restarts compute the same due time.
 */
export function decidePaging(change: IncidentChange, policy: PagerDutyConfig): PagingDecision {
  const { incident, event } = change;
  // Done in PagerDuty and reported by its webhook: PagerDuty already has it, and sending it back
  // would only add a second entry to the alert's log.
  if ((event?.type === 'acknowledged' || event?.type === 'resolved') && pagerDutyActorName(event.actor) !== null) return { kind: 'none' };
  if (event?.type === 'resolved' || incident.state === 'resolved') {
    const actor = event?.actor ?? incident.resolvedBy;
    return {
      kind: 'resolve',
      reason: actor ? `resolved in Slack by ${actor}` : 'the check recovered',
      ...(actor !== undefined && { actor }),
    };
  }
  if (event?.type === 'acknowledged') {
    const actor = event.actor ?? incident.acknowledgedBy;
    return {
      kind: 'acknowledge',
      reason: actor ? `acknowledged in Slack by ${actor}` : 'acknowledged',
      ...(actor !== undefined && { actor }),
    };
  }
  const atOrAbove = isAtOrAbove(incident.severity, policy.pageAt);
  if (atOrAbove && (event?.type === 'opened' || event?.type === 'escalated')) {
    return { kind: 'trigger', reason: `${incident.severity} is at or above pageAt (${policy.pageAt})` };
  }
  const afterMs = policy.escalateUnackedAfterMs;
  if (!atOrAbove && incident.state === 'open' && afterMs !== undefined) {
    return { kind: 'escalate-later', dueAt: incident.openedAt + afterMs, afterMs };
  }
  return { kind: 'none' };
}
