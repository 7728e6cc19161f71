import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dedupKey, incidentIdOfKey } from '../../../../src/paging/dedup-key.js';
import { verifyPagerDutySignature } from '../../../../src/paging/webhook/verify-pagerduty-signature.js';

const SECRET = 'whsec-0123456789abcdef';
const BODY = Buffer.from('{"event":{"event_type":"incident.acknowledged","data":{"incident_key":"INC-1"}}}');
// Computed here as PagerDuty documents it, not with the code under test: hex HMAC-SHA256 of the raw body.
const v1 = (secret: string, body: Buffer = BODY) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyPagerDutySignature', () => {
  it.each<[string, string | undefined, boolean]>([
    ['one matching v1 signature', v1(SECRET), true],
    ['the match second of two during a rotation', `${v1('old-secret-value')},${v1(SECRET)}`, true],
    ['spaces after the commas', `${v1('old-secret-value')}, ${v1(SECRET)}`, true],
    ['no header', undefined, false],
    ['an empty header', '', false],
    ['another secret', v1('not-the-secret'), false],
    ['a signature of another body', v1(SECRET, Buffer.from('{}')), false],
    ['the right digest under an unknown version', v1(SECRET).replace('v1=', 'v2='), false],
    ['the right digest without its version', v1(SECRET).slice(3), false],
    ['a truncated signature', v1(SECRET).slice(0, -2), false],
    ['upper-case hex (PagerDuty sends lower-case)', v1(SECRET).toUpperCase().replace('V1=', 'v1='), false],
  ])('%s', (_name, header, expected) => {
    expect(verifyPagerDutySignature(SECRET, header, BODY)).toBe(expected);
  });
});

describe('dedup keys', () => {
  it('prefix the incident id and map back only keys of this deployment', () => {
    expect(dedupKey('INC-7')).toBe('INC-7');
    expect(dedupKey('INC-7', 'prod-')).toBe('prod-INC-7');
    expect(incidentIdOfKey('prod-INC-7', 'prod-')).toBe('INC-7');
    expect(incidentIdOfKey('INC-7', 'prod-')).toBeNull();
    expect(incidentIdOfKey('staging-INC-7', 'prod-')).toBeNull();
    expect(incidentIdOfKey('INC-7')).toBe('INC-7');
    // A person's own PagerDuty incident, or another tool's key.
    expect(incidentIdOfKey('d3640fbd41094207a1c11e58e46b1662')).toBeNull();
    expect(incidentIdOfKey('INC-7x')).toBeNull();
  });
});
