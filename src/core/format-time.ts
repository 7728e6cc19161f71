/**
 * Every way Lifeboat writes a length of time or an instant. Each output has its own function,
 * named for what it prints, because each is pinned by what its readers see (config errors, Slack
 * messages, the status page, check results).
 */

/** Milliseconds per config duration unit, largest first (formatConfigDuration picks the largest exact one). */
export const DURATION_UNITS_MS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
] as const;

/** Config syntax, in the largest unit that divides the value exactly: 93600000 -> `26h`, 1500 -> `1500ms`. */
export function formatConfigDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) return `${ms}ms`;
  for (const [unit, size] of DURATION_UNITS_MS) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Rounded to the second, two units at most, hours the largest: `45s`, `7m 12s`, `2h 5m`. Elapsed times and RTOs. */
export function formatDurationHms(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
  if (minutes > 0) return seconds > 0 ? `${minutes}m ${seconds}s` : `${minutes}m`;
  return `${seconds}s`;
}

/** How old something is, in the two largest units (seconds only under a minute): `45s`, `12m`, `3h 5m`, `2d 4h`. Negative reads as 0s. */
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

/** An age in one unit with a decimal (backup ages are read in hours): `45m`, `27h`, `26.5h`, `4.2d`. */
export function formatAgeDecimal(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))}m`;
  if (hours < 72) return `${Number(hours.toFixed(1))}h`;
  return `${Number((hours / 24).toFixed(1))}d`;
}

/** A rough length of time in words (`45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`): how long something lasted, and SPEC §9's "still failing since …, 2 h". */
export function formatDurationWords(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** `2026-11-21 12:00 UTC`: one unambiguous form for every reader, without JavaScript to localise it. */
export function formatUtcMinute(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `2026-11-21 12:00:00 UTC`: instants in messages to the second, always UTC so two readers agree. */
export function formatUtcSecond(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * A time Slack shows in each reader's own timezone (`<!date^…>`), with a UTC fallback for
 * clients that cannot render it. `epochMs` is milliseconds; Slack wants seconds.
 */
export function slackDate(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${formatUtcMinute(epochMs)}>`;
}
