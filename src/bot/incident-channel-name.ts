/** Slack: channel names are lowercase letters, digits, hyphens and underscores, at most 80 characters. */
export const MAX_CHANNEL_NAME_LENGTH = 80;

/**
 * `inc-<number>-<check>` for an incident (`INC-42` on check `orders-lag` -> `inc-42-orders-lag`),
 * lowercased, other characters turned into hyphens, cut to 80. `attempt` > 1 appends `-<attempt>`
 * for when the name is taken (a channel left over from an earlier incident numbering).
 */
export function incidentChannelName(incidentId: string, checkId: string, attempt = 1): string {
  const number = incidentId.replace(/^INC-/i, '');
  const base = `inc-${number}-${checkId}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');
  const suffix = attempt > 1 ? `-${attempt}` : '';
  return `${base.slice(0, MAX_CHANNEL_NAME_LENGTH - suffix.length)}${suffix}`;
}
