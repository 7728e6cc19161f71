/**
 * A time Slack shows in each reader's own timezone (`<!date^…>`), with a UTC fallback for
 * clients that cannot render it. `epochMs` is milliseconds; Slack wants seconds.
 */
export function slackDate(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${utcText(epochMs)}>`;
}

/** `2026-11-21 12:00 UTC`. */
export function utcText(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A duration in the two largest units: `45s`, `12m`, `3h 5m`, `2d 4h`. Negative reads as 0s. */
export function formatAge(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return `${minutes}m`;
  return `${seconds}s`;
}
