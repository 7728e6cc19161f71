import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/actions/action-error.js';
import { executeVerify } from '../../../src/actions/execute-verify.js';
import { planVerify } from '../../../src/actions/plan-verify.js';
import { approvalMessage } from '../../../src/bot/approvals/blocks/approval-message.js';
import { planBlocks } from '../../../src/bot/approvals/blocks/plan-blocks.js';
import { blockKitViolations } from '../../../src/bot/blocks/block-kit-violations.js';
import { parseConfig } from '../../../src/config/parse-config.js';
import type { CheckConfig } from '../../../src/config/types.js';
import type { ProbeOutcome } from '../../../src/core/check-result.js';
import type { VerifyCall } from '../../../src/core/plan.js';
import type { Probes } from '../../../src/monitor/probe-check.js';
import { ManualClock } from '../../doubles/manual-clock.js';
import { approvalOf, failoverPlan } from '../bot/approvals/fixtures.js';

const CHECKS: CheckConfig[] = (() => {
  const result = parseConfig(
    `
checks:
  - { id: api, type: http, url: "https://ops:s3cret@api.example.com/health", every: 2s, timeout: 1s, expect: { status: [200, 204], bodyContains: ok } }
  - { id: web, type: http, url: "https://www.example.com/", method: HEAD, schedule: "0 0 1 1 *" }
  - { id: orders-lag, type: replication-lag, region: us-west-2, metric: ReplicaLag, dimensions: { DBInstanceIdentifier: orders-replica }, thresholds: { SEV3: 60s, SEV2: 300s } }
  - { id: orders-backups, type: backup, region: us-east-1, dbInstance: orders-db, maxAge: 26h, copyRegion: us-west-2 }
`,
    {},
  );
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.config.checks;
})();

function verifyCall(checks: string[], withinMs: number): VerifyCall {
  const [call] = planVerify({ checks, withinMs }, { checks: CHECKS });
  if (call?.operation !== 'Verify') throw new Error('no verify call planned');
  return call;
}

/** HTTP probes answering from `script(checkUrl, round)`; lag and backup never asked here. */
function scriptedProbes(script: (url: string, call: number) => boolean): { probes: Probes; calls: string[] } {
  const calls: string[] = [];
  const probes: Probes = {
    http: async (spec): Promise<ProbeOutcome> => {
      calls.push(spec.url);
      const n = calls.filter((u) => u === spec.url).length;
      const ok = script(spec.url, n);
      return {
        ok,
        severity: ok ? null : 'SEV2',
        summary: ok ? 'HTTP 200 in 3ms' : 'HTTP 503 (expected 200)',
        measurement: { kind: 'http', status: ok ? 200 : 503, url: spec.url },
      };
    },
    lagBatch: async () => new Map(),
    backup: async () => {
      throw new Error('not asked');
    },
  };
  return { probes, calls };
}

function env(probes: Probes, clock = new ManualClock(), signal?: AbortSignal) {
  const sleeps: number[] = [];
  return {
    sleeps,
    clock,
    env: {
      checks: CHECKS,
      probes,
      clock,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
      ...(signal && { signal }),
    },
  };
}

describe('planVerify', () => {
  it('plans one Verify wait naming what passing means for each check, without secrets', () => {
    expect(planVerify(undefined, { checks: CHECKS })).toEqual([]);
    expect(verifyCall(['api', 'web', 'orders-lag', 'orders-backups'], 600_000)).toEqual({
      id: 'verify',
      service: 'lifeboat',
      operation: 'Verify',
      input: {
        checks: [
          { check: 'api', passes: 'GET https://ops:***@api.example.com/health answers 200 or 204, body contains "ok", within 1s' },
          { check: 'web', passes: 'HEAD https://www.example.com/ answers 200, within 5s' },
          { check: 'orders-lag', passes: 'ReplicaLag (DBInstanceIdentifier=orders-replica, us-west-2) below 1m, with a datapoint' },
          {
            check: 'orders-backups',
            passes: 'newest snapshot of instance orders-db (us-east-1) younger than 26h, with a copy in us-west-2',
          },
        ],
        within: '10m',
      },
      description: 'Verify recovery: api, web, orders-lag, orders-backups must all pass in one round (up to 10m)',
      wait: { until: 'verified', timeoutMs: 600_000 },
    });
  });

  it('renders whole in the approval plan, within Block Kit limits', () => {
    const plan = failoverPlan();
    const withVerify = { ...plan, calls: [...plan.calls, verifyCall(['api', 'web', 'orders-lag', 'orders-backups'], 600_000)] };
    const text = JSON.stringify(planBlocks(withVerify));
    expect(text).toContain('*4. Verify* · lifeboat · polls up to 10m');
    expect(text).toContain('newest snapshot of instance orders-db (us-east-1) younger than 26h');
    const message = approvalMessage(approvalOf(withVerify));
    expect(JSON.stringify(message.blocks)).toContain('Verify recovery: api, web, orders-lag, orders-backups must all pass');
    expect(blockKitViolations(message)).toEqual([]);
  });
});

describe('executeVerify', () => {
  it('needs every check to pass in the same round, pausing the shortest `every` (2s) between rounds', async () => {
    // api passes only on its second call, web only on its third: round 3 is the first where both pass.
    const { probes } = scriptedProbes((url, n) => (url.includes('api') ? n >= 2 : n >= 3));
    const run = env(probes);
    const result = await executeVerify(verifyCall(['api', 'web'], 60_000), run.env);
    expect(run.sleeps).toEqual([2_000, 2_000]);
    expect(result.message).toBe(
      'Recovery verified: api HTTP 200 in 3ms, web HTTP 200 in 3ms (round 3, after 4s); failing before: round 1: api HTTP 503 (expected 200), web HTTP 503 (expected 200); round 2: web HTTP 503 (expected 200)',
    );
    expect(result.detail).toEqual({ verifiedAt: run.clock.now(), checks: ['api', 'web'], rounds: 3, failedRounds: 2 });
  });

  it('fails with LIFEBOAT_VERIFY_FAILED after `within`, listing the latest five failing rounds', async () => {
    const { probes, calls } = scriptedProbes(() => false);
    const run = env(probes);
    const error = await executeVerify(verifyCall(['web'], 30_000), run.env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).code).toBe('LIFEBOAT_VERIFY_FAILED');
    // A check without `every` (cron) is retried every 5 s: rounds at 0, 5, ... 30 s.
    expect(calls).toHaveLength(7);
    expect((error as ActionError).message).toBe(
      'Recovery was not verified within 30s: after 7 rounds, still failing: web (last: HTTP 503 (expected 200)). Rounds: (2 earlier failing rounds not listed) round 3: web HTTP 503 (expected 200); round 4: web HTTP 503 (expected 200); round 5: web HTTP 503 (expected 200); round 6: web HTTP 503 (expected 200); round 7: web HTTP 503 (expected 200). The steps before it are done; check the service before deciding what next.',
    );
  });

  it('stops when the run is stopped between rounds, as an interrupted step', async () => {
    const controller = new AbortController();
    const { probes } = scriptedProbes(() => false);
    const run = env(probes, new ManualClock(), controller.signal);
    run.env.sleep = async () => {
      controller.abort();
      throw new Error('aborted');
    };
    const error = await executeVerify(verifyCall(['web'], 30_000), run.env).catch((e: unknown) => e);
    expect((error as ActionError).code).toBe('LIFEBOAT_RUN_ABORTED');
  });

  it('refuses a plan naming a check the config no longer has', async () => {
    const call = verifyCall(['api'], 30_000);
    const { probes, calls } = scriptedProbes(() => true);
    const run = env(probes);
    const error = await executeVerify({ ...call, input: { ...call.input, checks: [{ check: 'gone', passes: '?' }] } }, run.env).catch(
      (e: unknown) => e,
    );
    expect((error as ActionError).code).toBe('LIFEBOAT_PLAN_INVALID');
    expect((error as ActionError).message).toContain('verifies check gone, which is not in the Lifeboat config');
    expect(calls).toEqual([]);
  });
});
