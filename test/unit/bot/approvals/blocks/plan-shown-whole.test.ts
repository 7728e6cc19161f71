import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../../../src/actions/action-error.js';
import { planStatusPageUpdate } from '../../../../../src/actions/plan-status-page-update.js';
import { approvalMessage } from '../../../../../src/bot/approvals/blocks/approval-message.js';
import { confirmModal } from '../../../../../src/bot/approvals/blocks/confirm-modal.js';
import { planDisplayRefusal } from '../../../../../src/bot/approvals/blocks/plan-display-refusal.js';
import { literal } from '../../../../../src/bot/approvals/blocks/plan-blocks.js';
import { dryRunMessage } from '../../../../../src/bot/approvals/blocks/submit-answers.js';
import { blockKitViolations } from '../../../../../src/bot/blocks/block-kit-violations.js';
import { CONTINUED_LABEL, mrkdwnSectionTexts } from '../../../../../src/bot/blocks/mrkdwn-sections.js';
import type { Incident } from '../../../../../src/core/incident.js';
import type { Plan } from '../../../../../src/core/plan.js';
import { planDns } from '../../../../../src/actions/plan-dns.js';
import type { DnsStep } from '../../../../../src/config/types.js';
import type { PreflightOutcome } from '../../../../../src/actions/preflight-context.js';
import { ManualClock } from '../../../../doubles/manual-clock.js';
import { approvalOf, failoverPlan, T0 } from '../fixtures.js';
import { storedCall } from '../../../../doubles/stored-call.js';

/** Every section text of a message or view, in order. */
function sectionTexts(surface: { blocks?: unknown[] }): string[] {
  return (surface.blocks ?? []).flatMap((b) => {
    const block = b as { type: string; text?: { text: string } };
    return block.type === 'section' && block.text ? [block.text.text] : [];
  });
}

/** The contents of every code fence, joined: what a reader of all the chunks reads. */
/** Its index, from the name (`aaa…-7.example.com.`). */
const i = (s: DnsStep): number => Number(/-(\d+)\.example\.com\.$/.exec(s.name)?.[1]);

function codeRead(texts: string[]): string {
  return texts.flatMap((t) => [...t.matchAll(/```([\s\S]*?)```/g)].map((m) => m[1])).join('');
}

const incident: Incident = {
  id: 'INC-1',
  checkId: 'checkout',
  severity: 'SEV2',
  peakSeverity: 'SEV2',
  state: 'open',
  summary: 'HTTP 503',
  openedAt: T0,
  updatedAt: T0,
} as Incident;
const config = { checks: [], statuspage: { provider: 'builtin', components: {} } } as unknown as Parameters<typeof planStatusPageUpdate>[2];
const ctx = { clock: new ManualClock(T0), newId: () => 'plan-sp' };
const planFor = (message: string) =>
  planStatusPageUpdate({ kind: 'statuspage', incidentId: 'INC-1', status: 'identified', message }, incident, config, ctx);

describe('mrkdwnSectionTexts', () => {
  it('loses no character and never breaks an entity, a surrogate pair or a fence', () => {
    const text = `${'a&amp;b '.repeat(500)}\n${'😀&lt;'.repeat(700)}`;
    const code = `{"v":"${'x&gt;,'.repeat(2000)}"}`;
    const texts = mrkdwnSectionTexts([{ text }, { code }]);
    for (const t of texts) {
      expect(t.length).toBeLessThanOrEqual(3000);
      expect(t).not.toMatch(/&(a|am|amp|l|lt|g|gt)$/);
      expect(t).not.toMatch(/^(amp|mp|p|lt|t|gt);/);
      expect(t.charCodeAt(t.length - 1) >= 0xd800 && t.charCodeAt(t.length - 1) <= 0xdbff).toBe(false);
      expect((t.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(codeRead(texts)).toBe(code);
    const prose = texts.map((t) => t.replace(/(\(continued\)\n)?```[\s\S]*?```/g, '')).join('');
    expect(prose.replace(/\n/g, '')).toBe(text.replace(/\n/g, ''));
    expect(texts.filter((t) => t.startsWith(`${CONTINUED_LABEL}\n\`\`\``)).length).toBeGreaterThan(2);
  });
});

describe('a plan is shown whole, never cut', () => {
  it('a 600-& status-page message reaches the approver whole, tail included, within every limit', () => {
    const message = `Checkout is degraded ${'&'.repeat(600)} TAIL: customer passwords were exposed, reset yours at https://example.com`;
    const plan = planFor(message);
    const shown = approvalMessage(approvalOf(plan));
    expect(blockKitViolations(shown)).toEqual([]);
    const texts = sectionTexts(shown);
    expect(texts.join('')).toContain(`${'&amp;'.repeat(600)} TAIL: customer passwords were exposed, reset yours at https://example.com"`);
    expect(codeRead(texts)).toBe(literal(JSON.stringify(plan.calls[0]!.input)));
    expect(planDisplayRefusal(plan)).toBeNull();
    expect(blockKitViolations(dryRunMessage(plan))).toEqual([]);
  });

  it('a 6,000-character Route 53 input and a 500-value Replaces line are shown whole', () => {
    const values = Array.from({ length: 500 }, (_, i) => `10.0.${Math.floor(i / 250)}.${i % 250}`);
    const input = { HostedZoneId: 'Z123', ChangeBatch: { Comment: `c${'x'.repeat(6000)}-END`, Changes: [{ Action: 'UPSERT' }] } };
    const plan = failoverPlan();
    plan.calls[1] = storedCall({ ...plan.calls[1]!, input, replaces: { name: 'orders.db.example.com.', type: 'A', ttl: 60, values } });
    const shown = approvalMessage(approvalOf(plan));
    expect(blockKitViolations(shown)).toEqual([]);
    const texts = sectionTexts(shown);
    expect(codeRead(texts)).toContain(JSON.stringify(input));
    expect(texts.join('')).toContain(`Replaces: A ${values.join(', ')} (TTL 60s)`);
    expect(blockKitViolations(confirmModal(approvalOf(plan)))).toEqual([]);
    expect(planDisplayRefusal(plan)).toBeNull();
  });

  it('100 health-checked weighted alias records with 90-character names fit one approval message, every change shown', () => {
    // Route 53's most changes a batch, each with the health check the UPSERT keeps: what README's
    // DNS steps section promises fits (longer names are refused at request time, never cut).
    const steps: DnsStep[] = Array.from({ length: 100 }, (_, i) => ({
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      name: `${'a'.repeat(70)}-${i}.example.com.`,
      type: 'A',
      setIdentifier: `${'s'.repeat(36)}${i}`,
      weight: i % 2 === 0 ? 100 : 0,
      alias: { dnsName: `${'b'.repeat(50)}-${i}.us-east-1.elb.amazonaws.com.`, hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true },
    }));
    const outcomes = steps.map(
      (s): PreflightOutcome => ({
        result: { name: `dns ${s.name}`, ok: true, observed: 'readable', requirement: 'readable' },
        facts: {
          record: {
            name: s.name,
            type: 'A',
            values: [],
            setIdentifier: s.setIdentifier,
            weight: 100 - (s.weight ?? 0),
            aliasTarget: { ...(s.alias as NonNullable<DnsStep['alias']>) },
            healthCheckId: `0c8a2d6e-1234-4567-89ab-${String(i(s)).padStart(12, '0')}`,
          },
        },
      }),
    );
    const part = planDns(steps, outcomes, { comment: 'Lifeboat failover APR-1 (orders)', timeoutMs: 15 * 60_000 });
    const plan = failoverPlan();
    plan.calls = [plan.calls[0]!, ...part.calls];
    expect(planDisplayRefusal(plan)).toBeNull();
    const shown = approvalMessage(approvalOf(plan));
    expect(blockKitViolations(shown)).toEqual([]);
    expect(codeRead(sectionTexts(shown))).toContain(JSON.stringify(part.calls[0]!.input));
    expect(JSON.stringify(part.calls[0]!.input).match(/HealthCheckId/g)).toHaveLength(100);
  });

  it('a plan that cannot fit one message is refused, naming the plan and its size', () => {
    const plan: Plan = failoverPlan();
    plan.calls[1] = storedCall({ ...plan.calls[1]!, input: { HostedZoneId: 'Z123', Comment: 'y'.repeat(200_000) } });
    const refusal = planDisplayRefusal(plan);
    expect(refusal).toMatch(
      /^Failover orders: promote orders-replica \(us-west-2\) refused: the plan \(3 steps, \d+ characters in \d+ sections\) cannot be shown whole in Slack: its approval message needs \d+ blocks and Slack allows 50/,
    );
    expect(refusal).toContain('nothing was requested');
  });

  it('the confirm modal shows every warning whole', () => {
    const warnings = Array.from({ length: 40 }, (_, i) => `Warning ${i}: ${'w'.repeat(200)}`);
    const modal = confirmModal(approvalOf(failoverPlan({ warnings })));
    expect(blockKitViolations(modal)).toEqual([]);
    const all = sectionTexts(modal).join('\n');
    for (const w of warnings) expect(all).toContain(w);
  });
});

describe('text to publish that hides anything is refused before a plan exists', () => {
  it('a hidden tail after 1,450 tag characters is refused naming U+E0020 and where it is', () => {
    const head = 'Checkout is degraded; a fix is rolling out.';
    const message = `${head}${'\u{E0020}'.repeat(1450)} UPDATE: customer passwords were exposed, reset yours at https://example.com`;
    const refused = (() => {
      try {
        planFor(message);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(refused).toBeInstanceOf(ActionError);
    expect((refused as ActionError).code).toBe('LIFEBOAT_BAD_REQUEST');
    expect((refused as ActionError).message).toBe(
      `The message holds an invisible or formatting character, U+E0020, at character ${[...head].length + 1}; ` +
        'approvers could not see it, so it cannot be published. Retype the text without it. Nothing was requested.',
    );
  });

  it.each([
    ['zero-width space', '\u200B', 'U+200B'],
    ['zero-width joiner', '\u200D', 'U+200D'],
    ['word joiner', '\u2060', 'U+2060'],
    ['byte-order mark', '\uFEFF', 'U+FEFF'],
    ['left-to-right mark', '\u200E', 'U+200E'],
    ['right-to-left override', '\u202E', 'U+202E'],
    ['first strong isolate', '\u2068', 'U+2068'],
    ['soft hyphen', '\u00AD', 'U+00AD'],
    ['a control character', '\u0007', 'U+0007'],
  ])('%s is refused and named', (_name, char, code) => {
    expect(() => planFor(`ab${char}cd`)).toThrow(`${code}, at character 3`);
  });

  it('longer than 2,000 characters (code points, so emoji count once) is refused; 2,000 emoji are not', () => {
    expect(() => planFor('😀'.repeat(2000))).not.toThrow();
    expect(() => planFor('a'.repeat(2001))).toThrow('The message is 2001 characters long; text to publish is limited to 2000 characters');
  });

  it('2,000 & (the longest, most escaped message) is still shown whole', () => {
    const plan = planFor('&'.repeat(2000));
    expect(planDisplayRefusal(plan)).toBeNull();
    expect(sectionTexts(approvalMessage(approvalOf(plan))).join('')).toContain('&amp;'.repeat(2000));
  });

  it('tabs and line breaks are text, not hidden characters', () => {
    expect(() => planFor('line one\n\tline two\r\nthree')).not.toThrow();
  });
});
