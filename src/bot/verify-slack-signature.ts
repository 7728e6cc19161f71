import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack: requests whose timestamp is more than five minutes from now are refused (replay guard). */
export const MAX_REQUEST_AGE_SECONDS = 5 * 60;

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'stale' | 'bad-signature' };

/** The two headers Slack signs every request with. */
export interface SignatureHeaders {
  /** X-Slack-Request-Timestamp: epoch seconds. */
  timestamp: string | undefined;
  /** X-Slack-Signature: `v0=` + hex HMAC-SHA256. */
  signature: string | undefined;
}

/**
 * Verifies a request as Slack signs it: HMAC-SHA256 keyed with the signing secret over
 * `v0:{X-Slack-Request-Timestamp}:{raw body}`, hex, prefixed `v0=`; compared in constant time.
 * Runs on the raw bytes before any parsing. Timestamps more than 5 minutes away from now, in
 * either direction, are refused: older is a replay, newer means our clock is wrong.
 */
export function verifySlackSignature(signingSecret: string, headers: SignatureHeaders, rawBody: Buffer, nowMs: number): SignatureVerdict {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_REQUEST_AGE_SECONDS) return { ok: false, reason: 'stale' };

  const expected = Buffer.from(`v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`);
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  return { ok: true };
}

/** Signs a body exactly as Slack does (for tests and the benchmark). */
export function signSlackRequest(signingSecret: string, timestampSeconds: number, rawBody: string | Buffer): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:`).update(rawBody).digest('hex')}`;
}
