import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verifies a PagerDuty V3 webhook as PagerDuty documents it ("Verifying Signatures"): the
 * `X-PagerDuty-Signature` header holds one or more comma-separated signatures ("Multiple
 * signatures may be present to allow for a zero-downtime secret rotation"); each `v1=` one is the
 * hex HMAC-SHA256 of the raw body keyed with the subscription's secret; "If at least one of the
 * signatures matches, the webhook should be considered a trusted and authentic request".
 * Every listed signature is compared in constant time, and all of them are, whatever matched.
 */
export function verifyPagerDutySignature(secret: string, header: string | undefined, rawBody: Buffer): boolean {
  if (!header) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('hex'));
  let matched = false;
  for (const part of header.split(',')) {
    const signature = part.trim();
    if (!signature.startsWith('v1=')) continue;
    const given = Buffer.from(signature.slice('v1='.length));
    // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
