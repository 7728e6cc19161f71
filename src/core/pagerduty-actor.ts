/*
 * Incidents record who acknowledged or resolved them as one string: a Slack user id, or, for a
 * change made in PagerDuty and reported by its webhook, this prefix and the PagerDuty user's name.
 * Stored incidents keep that one field, and the pager can tell a change it must not echo back.
 */
const PREFIX = 'pagerduty:';

/** The actor string for a change made in PagerDuty by `name` (PagerDuty's `agent.summary`). */
export function pagerDutyActor(name: string): string {
  return `${PREFIX}${name}`;
}

/** The PagerDuty user's name when `actor` acted in PagerDuty; null for a Slack user. */
export function pagerDutyActorName(actor: string | undefined): string | null {
  return actor?.startsWith(PREFIX) ? actor.slice(PREFIX.length) : null;
}
