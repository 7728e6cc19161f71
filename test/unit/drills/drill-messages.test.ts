import { describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import type { CleanupStep } from '../../../src/drills/drill-cleanup.js';
import { drillFinishedMessage } from '../../../src/drills/drill-messages.js';
import { finish } from '../../../src/drills/drill-run.js';

/*
 * The message a recovered (interrupted) drill posts, built by the real builders from the longest
 * inputs: a 63-character drill name and identifiers, and a cleanup that left many resources behind.
 */

const LONG = 'd'.repeat(63);

function leftBehind(n: number): CleanupStep[] {
  return Array.from({ length: n }, (_, i) => ({
    resource: `${'x'.repeat(60)}-${i}`,
    kind: 'instance' as const,
    result: 'refused' as const,
    message: `${'x'.repeat(60)}-${i} was not deleted: it carries lifeboat:drill=${'DRL-9'.repeat(40)}, not lifeboat:drill=DRL-1`,
  }));
}

describe('an interrupted drill outcome in Slack', () => {
  it('fits Block Kit for the longest inputs, and says it was interrupted', () => {
    const outcome = finish(
      { drill: LONG, runId: 'DRL-123456789', runbook: LONG, region: 'ap-southeast-2', source: LONG, startedAt: 0, rtoMs: 1_800_000 },
      60_000,
      'interrupted',
      { reason: 'the process running it stopped mid-drill (crash, kill or out of memory)', cleanup: leftBehind(200), target: LONG },
    );
    const message = drillFinishedMessage(outcome);
    expect(blockKitViolations({ text: message.text, blocks: message.blocks })).toEqual([]);
    expect(message.text.length).toBeLessThanOrEqual(3_000);
    expect(message.text).toMatch(new RegExp(`^Drill ${LONG} was interrupted\\. The process running it stopped mid-drill`));
    expect(JSON.stringify(message.blocks)).toContain(':boom:');
    expect(JSON.stringify(message.blocks)).toContain('*interrupted*');
  });
});
