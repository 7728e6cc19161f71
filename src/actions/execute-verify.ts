import type { CheckConfig } from '../config/types.js';
import type { CheckResult } from '../core/check-result.js';
import type { Clock } from '../core/clock.js';
import { formatDurationHms } from '../core/format-time.js';
import type { VerifyCall } from '../core/plan.js';
import { BACKSTOP_MARGIN_MS, probeCheck, type Probes } from '../monitor/probe-check.js';
import { ActionError } from './action-error.js';
import type { CallResult } from './execute-call.js';
import type { Sleeper } from './wait-until.js';

/** What a verify step needs: the configured checks and the monitor's probes. */
export interface VerifyEnv {
  checks: readonly CheckConfig[];
  probes: Probes;
  clock: Clock;
  sleep: Sleeper;
  signal?: AbortSignal;
}

/** Longest pause between two rounds, ms; a check's shorter `every` is used instead. */
export const MAX_ROUND_INTERVAL_MS = 5_000;

/** Failing rounds the step's message lists (the latest); older ones are counted, not listed. */
const ROUNDS_SHOWN = 5;

/** A measurement as the message shows it: results are the probe's words, bounded. */
const MAX_SUMMARY_CHARS = 200;

interface FailedRound {
  round: number;
  failures: CheckResult[];
}

function shorten(text: string): string {
  return text.length <= MAX_SUMMARY_CHARS ? text : `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…`;
}

function describeFailures(failures: CheckResult[]): string {
  return failures.map((r) => `${r.checkId} ${shorten(r.summary)}`).join(', ');
}

/** "round 1: api HTTP 503 in 4ms; round 2: ..." for the latest failing rounds, with how many are left out. */
function describeRounds(rounds: FailedRound[]): string {
  const shown = rounds.slice(-ROUNDS_SHOWN).map((r) => `round ${r.round}: ${describeFailures(r.failures)}`);
  const hidden = rounds.length - shown.length;
  return `${hidden > 0 ? `(${hidden} earlier failing round${hidden === 1 ? '' : 's'} not listed) ` : ''}${shown.join('; ')}`;
}

/** The checks the step names, as configured now; a check no longer configured makes the plan unrunnable. */
function configuredChecks(call: VerifyCall, checks: readonly CheckConfig[]): CheckConfig[] {
  return call.input.checks.map(({ check: id }) => {
    const check = checks.find((c) => c.id === id);
    if (!check) {
      throw new ActionError(
        'LIFEBOAT_PLAN_INVALID',
        `Step ${call.id} verifies check ${id}, which is not in the Lifeboat config; recovery could not be verified.`,
      );
    }
    return check;
  });
}

/** Runs one round: every check once, concurrently, each bounded by its own timeout (as the monitor's run is). */
function runRound(checks: CheckConfig[], env: VerifyEnv): Promise<CheckResult[]> {
  return Promise.all(
    checks.map((check) => {
      const deadline = AbortSignal.timeout(check.timeoutMs + BACKSTOP_MARGIN_MS);
      const signal = env.signal ? AbortSignal.any([deadline, env.signal]) : deadline;
      return probeCheck(check, env.probes, env.clock, signal);
    }),
  );
}

/**
 * A runbook's verify step: runs the named checks' probes (the monitor's own, probe-check.ts) in
 * rounds until every one passes in the same round, pausing between rounds (5 s, or the shortest
 * `every` of the checks). Gives up when `wait.timeoutMs` has passed by the injected clock, with
 * LIFEBOAT_VERIFY_FAILED naming each failing check and its last measurement. The message lists
 * the failing rounds before the pass, so the thread shows how recovery went.
 */
export async function executeVerify(call: VerifyCall, env: VerifyEnv): Promise<CallResult> {
  const checks = configuredChecks(call, env.checks);
  const timeoutMs = call.wait?.timeoutMs ?? 0;
  const everies = checks.flatMap((c) => (c.everyMs !== undefined ? [c.everyMs] : []));
  const intervalMs = Math.min(MAX_ROUND_INTERVAL_MS, ...everies);
  const start = env.clock.now();
  const failed: FailedRound[] = [];
  for (let round = 1; ; round += 1) {
    if (env.signal?.aborted) throw stopped(call);
    const results = await runRound(checks, env);
    const failures = results.filter((r) => !r.ok);
    const elapsedMs = env.clock.now() - start;
    if (failures.length === 0) {
      const passed = results.map((r) => `${r.checkId} ${shorten(r.summary)}`).join(', ');
      const before = failed.length > 0 ? `; failing before: ${describeRounds(failed)}` : '';
      return {
        message: `Recovery verified: ${passed} (round ${round}, after ${formatDurationHms(elapsedMs)})${before}`,
        detail: {
          verifiedAt: env.clock.now(),
          checks: results.map((r) => r.checkId),
          rounds: round,
          failedRounds: failed.length,
        },
      };
    }
    failed.push({ round, failures });
    if (env.signal?.aborted) throw stopped(call);
    if (elapsedMs >= timeoutMs) {
      const last = failures.map((r) => `${r.checkId} (last: ${shorten(r.summary)})`).join(', ');
      throw new ActionError(
        'LIFEBOAT_VERIFY_FAILED',
        `Recovery was not verified within ${formatDurationHms(timeoutMs)}: after ${round} round${round === 1 ? '' : 's'}, still failing: ${last}. Rounds: ${describeRounds(failed)}. The steps before it are done; check the service before deciding what next.`,
      );
    }
    try {
      await env.sleep(Math.min(intervalMs, timeoutMs - elapsedMs), env.signal);
    } catch {
      throw stopped(call);
    }
  }
}

function stopped(call: VerifyCall): ActionError {
  return new ActionError(
    'LIFEBOAT_RUN_ABORTED',
    `Lifeboat was stopping while verifying recovery (${call.input.checks.map((c) => c.check).join(', ')}); the steps before it are done.`,
  );
}
