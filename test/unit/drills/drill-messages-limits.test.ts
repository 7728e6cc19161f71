import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_TEXT } from '../../../src/bot/blocks/block-kit-limits.js';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { drillFinishedMessage, drillProgressMessage, drillStartedMessage, type DrillMessage } from '../../../src/drills/drill-messages.js';
import { DRILL_OUTCOMES, type DrillOutcome } from '../../../src/drills/drill-outcome.js';
import { drillCheckResult } from '../../../src/drills/drill-result.js';

/*
 * What a drill posts through the outbox is rendered at delivery by these builders: fed the longest
 * inputs config and AWS allow, each stays within Slack's limits. Drill and runbook names match the
 * runbook-name rule (63 characters at most); reasons and summaries carry AWS errors, a webhook's
 * answer and one cleanup line per resource, unbounded here: 20,000 characters of markup-looking text.
 */
const NAME63 = `${'a'.repeat(61)}-z`;
const RUN = 'DRL-999999999999';
const USER = `W${'0'.repeat(39)}`;
const HUGE = `<!channel> *bold* <https://x|y> &amp; ${'<&>_~`'.repeat(3_300)}`;

function fits(message: DrillMessage): void {
  expect(blockKitViolations(message)).toEqual([]);
  expect(message.blocks.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(MAX_MESSAGE_TEXT);
}

function outcome(result: DrillOutcome['result']): DrillOutcome {
  return {
    drill: NAME63,
    runId: RUN,
    runbook: NAME63,
    region: 'ap-southeast-2',
    source: NAME63,
    target: `${NAME63}-drill-20261121-120000`,
    result,
    startedAt: 0,
    finishedAt: 999 * 3_600_000,
    restoreMs: 998 * 3_600_000,
    rtoMs: 1,
    reason: HUGE,
    cleanup: Array.from({ length: 500 }, (_, i) => ({
      resource: `${NAME63}-${i}`,
      kind: 'instance' as const,
      result: 'refused' as const,
      message: HUGE.slice(0, 200),
    })),
    summary: HUGE,
  };
}

describe('drill messages fit Block Kit with the longest inputs', () => {
  it('the started message, with the longest names and a user mention kept live', () => {
    const message = drillStartedMessage({ drill: NAME63, runId: RUN, runbook: NAME63, actor: USER });
    fits(message);
    expect(JSON.stringify(message.blocks)).toContain(`<@${USER}>`);
  });

  it('a progress reply carrying a huge AWS error, escaped so no markup goes live', () => {
    const message = drillProgressMessage(HUGE);
    fits(message);
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
    expect(message.text).not.toContain('<!channel>'); // the notification text too
  });

  it.each(DRILL_OUTCOMES)('the final update for a %s drill with a huge summary and cleanup list', (result) => {
    const message = drillFinishedMessage(outcome(result));
    fits(message);
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
    expect(message.text).not.toContain('<!channel>');
  });
});

describe('drillCheckResult', () => {
  it('a pass resolves (ok, no severity); anything else fails at the given severity, naming drill, run and reason', () => {
    const passed = drillCheckResult({ ...outcome('passed'), drill: 'orders-restore', runId: 'DRL-7' }, 'SEV2');
    expect(passed).toMatchObject({
      checkId: 'drill:orders-restore',
      ok: true,
      severity: null,
      summary: 'drill orders-restore passed (DRL-7)',
    });
    for (const result of ['failed', 'invalid', 'missed-rto'] as const) {
      const failed = drillCheckResult({ ...outcome(result), drill: 'orders-restore', runId: 'DRL-7', reason: 'why' }, 'SEV2');
      expect(failed).toMatchObject({
        checkId: 'drill:orders-restore',
        ok: false,
        severity: 'SEV2',
        summary: `drill orders-restore ${result} (DRL-7): why`,
        measurement: { kind: 'drill', drill: 'orders-restore', runId: 'DRL-7', result },
        error: { kind: result === 'missed-rto' ? 'threshold' : 'error', message: 'why' },
      });
    }
  });
});
