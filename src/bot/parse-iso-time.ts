// Date and time with an explicit zone: a restore point must not depend on the server's timezone.
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

export type ParsedTime = { ok: true; iso: string; epochMs: number } | { ok: false; reason: 'format' | 'invalid-date' };

/**
 * Parses an ISO-8601 instant with a zone (`2026-11-21T11:30:00Z`, `2026-11-21T13:30+02:00`).
 * Rejects impossible dates that Date.parse would roll over (Feb 30) and returns the UTC form.
 */
export function parseIsoTime(text: string): ParsedTime {
  const match = ISO_8601.exec(text.toUpperCase());
  if (!match) return { ok: false, reason: 'format' };
  const [, y, mo, d, h, mi, s] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: 'invalid-date' };
  }
  const zone = match[8] ?? 'Z';
  const normalizedZone = zone === 'Z' || zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const [datePart, rest] = text.toUpperCase().split('T') as [string, string];
  const clock = rest.slice(0, rest.length - zone.length);
  const epochMs = Date.parse(`${datePart}T${clock}${normalizedZone}`);
  if (Number.isNaN(epochMs)) return { ok: false, reason: 'invalid-date' };
  return { ok: true, iso: new Date(epochMs).toISOString(), epochMs };
}
