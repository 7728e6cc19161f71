import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../src/core/check-result.js';
import { initialCheckState, type CheckState } from '../../../src/core/check-state.js';
import { evaluateResult, type FlapPolicy, type IncidentDecision } from '../../../src/core/evaluate-result.js';
import type { Severity } from '../../../src/core/severity.js';
import { fail, lag, pass } from '../../doubles/results.js';

/** Feeds results through the evaluator, tracking the open incident's severity as the engine would. */
function run(results: CheckResult[], policy: FlapPolicy): IncidentDecision['kind'][] {
  let state: CheckState = initialCheckState('api');
  let open: Severity | null = null;
  return results.map((result) => {
    const { state: next, decision } = evaluateResult(state, result, policy, open);
    state = next;
    if (decision.kind === 'open' || decision.kind === 'escalate' || decision.kind === 'deescalate') open = decision.severity;
    if (decision.kind === 'resolve') open = null;
    return decision.kind;
  });
}

describe('evaluateResult', () => {
  it('never opens on flapping ok,fail,ok,fail with failAfter 2', () => {
    const kinds = run([pass(), fail(), pass(), fail(), pass(), fail()], { failAfter: 2, recoverAfter: 2 });
    expect(kinds).toEqual(['none', 'none', 'none', 'none', 'none', 'none']);
  });

  it("opens on the failAfter-th consecutive failure at that result's severity", () => {
    const state = initialCheckState('api');
    const first = evaluateResult(state, fail('SEV1'), { failAfter: 2, recoverAfter: 2 }, null);
    expect(first.decision).toEqual({ kind: 'none' });
    const second = evaluateResult(first.state, fail('SEV1'), { failAfter: 2, recoverAfter: 2 }, null);
    expect(second.decision).toEqual({ kind: 'open', severity: 'SEV1' });
    expect(second.state.consecutiveFailures).toBe(2);
  });

  it('opens at once with failAfter 1', () => {
    expect(run([fail()], { failAfter: 1, recoverAfter: 1 })).toEqual(['open']);
  });

  it('resolves only after recoverAfter consecutive passes', () => {
    const kinds = run([fail(), fail(), pass(), fail(), pass(), pass()], { failAfter: 2, recoverAfter: 2 });
    expect(kinds).toEqual(['none', 'open', 'update', 'update', 'update', 'resolve']);
  });

  it('escalates an open incident in place at once when the value worsens (SEV3 -> SEV2)', () => {
    const state = initialCheckState('orders-lag');
    const opened = evaluateResult(state, lag(90, 'SEV3'), { failAfter: 1, recoverAfter: 2 }, null);
    expect(opened.decision).toEqual({ kind: 'open', severity: 'SEV3' });
    const worse = evaluateResult(opened.state, lag(400, 'SEV2'), { failAfter: 1, recoverAfter: 2 }, 'SEV3');
    expect(worse.decision).toEqual({ kind: 'escalate', severity: 'SEV2' });
  });

  it('de-escalates only after recoverAfter milder results, to the worst of them', () => {
    const policy = { failAfter: 1, recoverAfter: 3 };
    let state = initialCheckState('orders-lag');
    const decisions: IncidentDecision[] = [];
    let open: Severity | null = null;
    for (const r of [lag(400, 'SEV2'), lag(100, 'SEV3'), lag(5, null), lag(70, 'SEV4'), lag(100, 'SEV3')]) {
      const e = evaluateResult(state, r, policy, open);
      state = e.state;
      decisions.push(e.decision);
      if ('severity' in e.decision) open = e.decision.severity;
    }
    expect(decisions.map((d) => d.kind)).toEqual(['open', 'update', 'update', 'deescalate', 'update']);
    expect(decisions[3]).toEqual({ kind: 'deescalate', severity: 'SEV3' });
  });

  it('a result at the open severity resets the de-escalation streak', () => {
    const kinds = run([lag(400, 'SEV2'), lag(100, 'SEV3'), lag(400, 'SEV2'), lag(100, 'SEV3')], { failAfter: 1, recoverAfter: 2 });
    expect(kinds).toEqual(['open', 'update', 'update', 'update']);
  });

  it('keeps counting across a restart because the state is plain data', () => {
    const first = evaluateResult(initialCheckState('api'), fail(), { failAfter: 2, recoverAfter: 1 }, null);
    const restored = JSON.parse(JSON.stringify(first.state)) as CheckState;
    expect(evaluateResult(restored, fail(), { failAfter: 2, recoverAfter: 1 }, null).decision.kind).toBe('open');
  });
});
