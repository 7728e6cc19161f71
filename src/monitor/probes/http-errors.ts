import type { ProbeErrorKind } from '../../core/check-result.js';

/** A failed request, classified for the on-call reader. */
export interface ClassifiedFailure {
  kind: ProbeErrorKind;
  summary: string;
  message: string;
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
// undici's own timers; they only win over the probe deadline when timeoutMs exceeds them.
const TIMEOUT_PHASES = new Map([
  ['ETIMEDOUT', 'connecting'],
  ['UND_ERR_CONNECT_TIMEOUT', 'connecting'],
  ['UND_ERR_HEADERS_TIMEOUT', 'waiting for headers'],
  ['UND_ERR_BODY_TIMEOUT', 'reading the body'],
]);
// Node's verifier codes (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, …) and its TLS/SSL errors.
const TLS_CODE = /^ERR_(TLS|SSL)_|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/;

/** Formats a duration the way people say it: `250ms`, `5s`, `1.5s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${Number((ms / 1000).toFixed(1))}s`;
}

/** Formats a byte count in binary units: `1 MiB`, `512 KiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1024 * 1024 * 1024, 'GiB'],
    [1024 * 1024, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Error codes found on the error, its `cause` chain and aggregated errors (happy eyeballs). */
function codesOf(err: unknown, depth = 0): string[] {
  if (depth > 4 || typeof err !== 'object' || err === null) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const codes = typeof e.code === 'string' ? [e.code] : [];
  codes.push(...codesOf(e.cause, depth + 1));
  if (Array.isArray(e.errors)) for (const inner of e.errors) codes.push(...codesOf(inner, depth + 1));
  return codes;
}

/** The innermost human message: undici wraps the socket error that says what happened. */
function messageOf(err: unknown): string {
  let current: unknown = err;
  let message = 'unknown error';
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { message?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof e.message === 'string' && e.message !== '') message = e.message;
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return typeof err === 'string' ? err : message;
}

/** First clause only, so a verbose TLS reason still fits a one-line summary. */
function shortReason(message: string): string {
  const clause = message.split(': ')[0] ?? message;
  return clause.length > 80 ? `${clause.slice(0, 77)}...` : clause;
}

/** Maps a request/socket error to a distinct kind with a one-line summary. */
export function classifyError(err: unknown, host: string): ClassifiedFailure {
  const codes = codesOf(err);
  const message = messageOf(err);
  const has = (set: Set<string>): boolean => codes.some((c) => set.has(c));
  if (has(DNS_CODES)) {
    return { kind: 'dns', summary: `DNS lookup failed for ${host}`, message };
  }
  if (codes.includes('ECONNREFUSED')) {
    return { kind: 'connection-refused', summary: 'connection refused', message };
  }
  if (codes.some((c) => TLS_CODE.test(c))) {
    return { kind: 'tls', summary: `TLS error: ${shortReason(message)}`, message };
  }
  if (has(RESET_CODES) || /socket hang up|other side closed/i.test(message)) {
    return { kind: 'connection-reset', summary: 'connection reset', message };
  }
  const phase = codes.map((c) => TIMEOUT_PHASES.get(c)).find((p) => p !== undefined);
  if (phase !== undefined) {
    return { kind: 'timeout', summary: `timeout while ${phase}`, message };
  }
  return { kind: 'error', summary: `request failed: ${shortReason(message)}`, message };
}
