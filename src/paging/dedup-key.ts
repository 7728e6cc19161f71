/**
 * The dedup_key of an incident's PagerDuty alert: the incident id behind `pagerduty.dedupPrefix`.
 * PagerDuty keeps it as the incident's `incident_key`, which its webhooks carry back.
 */
export function dedupKey(incidentId: string, prefix = ''): string {
  return `${prefix}${incidentId}`;
}

/** The Lifeboat incident id an `incident_key` names, or null when another deployment's (or a person's) alert. */
export function incidentIdOfKey(key: string, prefix = ''): string | null {
  if (!key.startsWith(prefix)) return null;
  const id = key.slice(prefix.length);
  return /^INC-\d+$/.test(id) ? id : null;
}
