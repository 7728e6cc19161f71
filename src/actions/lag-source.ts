import type { CheckConfig } from '../config/types.js';
import type { ProbeOutcome } from '../core/check-result.js';
import type { CheckState } from '../core/check-state.js';
import type { Clock } from '../core/clock.js';
import { lagProbeSpec, type LagProbeSpec } from '../monitor/probes/replication-lag-evaluate.js';

/** The latest replica lag a lag check measured. */
export interface LagReading {
  /** Null when the check found no datapoint (missing data). */
  lagSeconds: number | null;
  /** Epoch ms of the datapoint (or of the probe run when the datapoint has no time). */
  at: number;
  /**
   * `cloudwatch`: read from CloudWatch when asked (right before a failover's first step);
   * `monitor`: the monitor's latest reading (planning, or CloudWatch could not be read then).
   */
  source?: 'cloudwatch' | 'monitor';
  /** With `monitor` at cut-over: why CloudWatch could not be read. */
  unreadBecause?: string;
}

/** Where the failover guard reads replica lag: the monitor's latest measurement for a check. */
export interface LagSource {
  /** Null when the check has never produced a lag measurement. */
  lagFor(checkId: string): Promise<LagReading | null>;
}

/**
 * A `LagSource` over the store's check state: the leader's monitor writes every result there, so
 * every replica reads the same latest value.
 */
export function storeLagSource(store: { getCheckState(checkId: string): Promise<CheckState | null> }): LagSource {
  return {
    async lagFor(checkId) {
      const result = (await store.getCheckState(checkId))?.lastResult;
      if (result?.measurement.kind !== 'replication-lag') return null;
      return { lagSeconds: result.measurement.lagSeconds, at: result.measurement.at ?? result.startedAt };
    },
  };
}

/** Longest the run waits for CloudWatch's lag before the first step; past it, the monitor's reading is used. */
export const CUT_OVER_LAG_DEADLINE_MS = 10_000; // 10 seconds

/** What reads CloudWatch lag: the monitor's ReplicationLagProbe. */
export interface LagProbe {
  probeBatch(specs: LagProbeSpec[], signal?: AbortSignal): Promise<Map<string, ProbeOutcome>>;
}

/**
 * The runner's `LagSource`: the guard's lag read from CloudWatch at the moment it is asked, that
 * is right before a failover's first step, so the data-loss window is measured at cut-over rather
 * than taken from the monitor's last run (up to one check interval old). When CloudWatch gives no
 * number then (throttled, denied, no datapoint), the monitor's latest reading is used and marked so.
 */
export function cutOverLagSource(deps: { checks: readonly CheckConfig[]; probe: LagProbe; monitor: LagSource; clock: Clock }): LagSource {
  const { checks, probe, monitor, clock } = deps;
  return {
    async lagFor(checkId) {
      const check = checks.find((c) => c.id === checkId);
      if (check?.type !== 'replication-lag') return monitor.lagFor(checkId);
      let unread: string;
      try {
        // Bounded: in the worst hour CloudWatch may be slow too, and the run must not wait on it.
        const outcome = (await probe.probeBatch([lagProbeSpec(check)], AbortSignal.timeout(CUT_OVER_LAG_DEADLINE_MS))).get(checkId);
        const measured = outcome?.measurement;
        if (measured?.kind === 'replication-lag' && measured.lagSeconds !== null) {
          return { lagSeconds: measured.lagSeconds, at: measured.at ?? clock.now(), source: 'cloudwatch' };
        }
        unread = outcome?.summary ?? 'no answer for the check';
      } catch (err) {
        unread = err instanceof Error ? err.message : String(err);
      }
      const latest = await monitor.lagFor(checkId);
      return latest ? { ...latest, source: 'monitor', unreadBecause: unread } : null;
    },
  };
}
