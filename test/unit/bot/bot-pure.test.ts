import { describe, expect, it } from 'vitest';
import { formatAge, formatUtcMinute } from '../../../src/core/format-time.js';
import { statusReport } from '../../../src/bot/blocks/status-report.js';
import { parseStatusPageSubmission, statusPageModal } from '../../../src/bot/blocks/statuspage-modal.js';
import { incidentChannelName } from '../../../src/bot/incident-channel-name.js';
import { linkedRunbooks } from '../../../src/bot/linked-runbooks.js';
import { slackTextToPlain } from '../../../src/bot/slack-text.js';
import { signSlackRequest, verifySlackSignature } from '../../../src/bot/verify-slack-signature.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { Incident } from '../../../src/core/incident.js';
import { initialCheckState } from '../../../src/core/check-state.js';
import { readFileSync } from 'node:fs';

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

describe('formatting', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [12 * 60_000, '12m'],
    [3 * 3600_000 + 5 * 60_000, '3h 5m'],
    [2 * 86_400_000 + 4 * 3600_000, '2d 4h'],
    [-5, '0s'],
  ])('formatAge(%d) = %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('formatUtcMinute shows minutes in UTC', () => {
    expect(formatUtcMinute(NOW + 59_999)).toBe('2026-11-21 12:00 UTC');
  });

  it('slackTextToPlain turns Slack markup into what the person meant', () => {
    expect(
      slackTextToPlain(
        '<@U1|bob> see <#C1|ops> &amp; <https://x.example|docs> or <https://y.example> <!here> <!subteam^S1|@sre> &lt;b&gt;',
      ),
    ).toBe('@bob see #ops & docs or https://y.example @here @sre <b>');
  });
});

describe('incidentChannelName', () => {
  it.each([
    ['INC-42', 'orders-lag', 1, 'inc-42-orders-lag'],
    ['INC-42', 'orders-lag', 2, 'inc-42-orders-lag-2'],
    ['INC-1', 'a'.repeat(90), 1, `inc-1-${'a'.repeat(74)}`],
    ['INC-1', 'a'.repeat(90), 3, `inc-1-${'a'.repeat(72)}-3`],
  ])('%s %s #%d -> %s', (id, check, attempt, name) => {
    const result = incidentChannelName(id, check, attempt);
    expect(result).toBe(name);
    expect(result.length).toBeLessThanOrEqual(80);
    expect(result).toMatch(/^[a-z0-9_-]+$/);
  });
});

describe('linkedRunbooks', () => {
  const yaml = readFileSync(new URL('../config/fixtures/spec-example.yaml', import.meta.url), 'utf8');
  const parsed = parseConfig(yaml, {});
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const config = parsed.config;
  it.each([
    ['orders-lag', { failover: ['orders'], restore: [] }],
    ['orders-backups', { failover: [], restore: ['orders'] }],
    ['api', { failover: [], restore: [] }],
  ])('%s links %j', (checkId, links) => {
    expect(linkedRunbooks(config, checkId)).toEqual(links);
  });
});

describe('statusReport', () => {
  it('lists failing checks first and counts what does not fit ("…and N more")', () => {
    const checks = Array.from({ length: 500 }, (_, i) => ({ id: `c${i}`, type: 'http', state: initialCheckState(`c${i}`) }));
    const failing = {
      ...initialCheckState('c49'),
      lastResult: {
        checkId: 'c49',
        startedAt: NOW - 30_000,
        durationMs: 5,
        ok: false,
        severity: 'SEV2' as const,
        summary: 'HTTP 503',
        measurement: { kind: 'http' as const, url: 'x' },
      },
    };
    checks[49] = { id: 'c49', type: 'http', state: failing };
    const report = statusReport({ checks, openIncidents: [], approvals: null, nowMs: NOW });
    const lines = (report.blocks[1] as { text: { text: string } }).text.text.split('\n');
    expect(lines[1]).toBe(':x: `c49` http — HTTP 503 · ran 30s ago');
    const checkTexts = report.blocks.slice(1, 4).map((b) => (b as { text: { text: string } }).text.text);
    const last = checkTexts.at(-1)!.split('\n').at(-1)!;
    const more = Number(/^…and (\d+) more$/.exec(last)?.[1]);
    const shown = checkTexts
      .join('\n')
      .split('\n')
      .filter((l) => /^:(x|grey_question):/.test(l)).length;
    expect(shown + more).toBe(500);
    expect((report.blocks.at(-1) as { text: { text: string } }).text.text).toBe('*Pending approvals*\ncould not be read right now');
  });
});

describe('status page modal', () => {
  const incident = { id: 'INC-3', checkId: 'api', severity: 'SEV1', state: 'open' } as Incident;

  it('suggests the status, the template message and the component status from the incident', () => {
    const view = statusPageModal(incident, ['api'], { incidentId: 'INC-3', channelId: 'C1' }) as {
      blocks: Array<{ element?: Record<string, unknown> }>;
    };
    expect(view.blocks[1]?.element?.initial_option).toEqual({
      text: { type: 'plain_text', text: 'Investigating' },
      value: 'investigating',
    });
    expect(view.blocks[2]?.element?.initial_value).toBe(
      'We are investigating problems with api. We will post an update within 30 minutes.',
    );
    expect(view.blocks[3]?.element?.initial_option).toEqual({ text: { type: 'plain_text', text: 'Major outage' }, value: 'major_outage' });
  });

  it('refuses a submission with tampered metadata or an unknown component status', () => {
    const values = {
      status: { 'lifeboat.statuspage.status': { selected_option: { value: 'monitoring' } } },
      'message:monitoring': { message: { value: 'ok' } },
      'component:api': { component: { selected_option: { value: 'on_fire' } } },
    };
    expect(parseStatusPageSubmission(values, '{"incidentId":"INC-3; rm"}')).toEqual({
      ok: false,
      errors: {
        'message:monitoring': 'This form is out of date; close it and click Update status page again.',
        'component:api': 'Choose a component status from the list.',
      },
    });
  });
});
