import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from '../../../src/bot/verify-slack-signature.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

describe('verifySlackSignature', () => {
  const body = Buffer.from('token=x&text=ack+INC-1');
  const ts = Math.floor(NOW / 1000);
  // Slack's documented example shape: v0=<64 hex>.
  const good = signSlackRequest('secret', ts, body);

  it.each([
    ['a correct signature', { timestamp: String(ts), signature: good }, NOW, { ok: true }],
    [
      'a signature by another secret',
      { timestamp: String(ts), signature: signSlackRequest('other', ts, body) },
      NOW,
      { ok: false, reason: 'bad-signature' },
    ],
    ['a truncated signature', { timestamp: String(ts), signature: good.slice(0, 20) }, NOW, { ok: false, reason: 'bad-signature' }],
    ['a v1 signature', { timestamp: String(ts), signature: good.replace('v0=', 'v1=') }, NOW, { ok: false, reason: 'bad-signature' }],
    ['no timestamp', { timestamp: undefined, signature: good }, NOW, { ok: false, reason: 'missing-headers' }],
    ['no signature', { timestamp: String(ts), signature: undefined }, NOW, { ok: false, reason: 'missing-headers' }],
    [
      'a timestamp 5 min 1 s old',
      { timestamp: String(ts - 301), signature: signSlackRequest('secret', ts - 301, body) },
      NOW,
      { ok: false, reason: 'stale' },
    ],
    [
      'a timestamp exactly 5 min old',
      { timestamp: String(ts - 300), signature: signSlackRequest('secret', ts - 300, body) },
      NOW,
      { ok: true },
    ],
    [
      'a timestamp 6 min ahead',
      { timestamp: String(ts + 360), signature: signSlackRequest('secret', ts + 360, body) },
      NOW,
      { ok: false, reason: 'stale' },
    ],
    ['a fractional timestamp', { timestamp: `${ts}.5`, signature: good }, NOW, { ok: false, reason: 'bad-timestamp' }],
  ])('%s', (_label, headers, now, verdict) => {
    expect(verifySlackSignature('secret', headers, body, now)).toEqual(verdict);
  });

  it('signs v0:{timestamp}:{body} with HMAC-SHA256, hex, as an independent tool computes it', () => {
    // printf 'v0:1531420618:payload' | openssl dgst -sha256 -hmac secret
    expect(signSlackRequest('secret', 1531420618, 'payload')).toBe('v0=8d4d6ac57fee321498524b0b66f8728b4fd2de9d6fe8296720d6d29debd4cebc');
  });
});
