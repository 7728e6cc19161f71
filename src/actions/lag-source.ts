import type { CheckState } from '../core/check-state.js';

/** The latest replica lag a lag check measured. */
export interface LagReading {
  /** Null when the check found no datapoint (missing data). */
  lagSeconds: number | null;
  /** Epoch ms of the datapoint (or of the probe run when the datapoint has no time). */
  at: number;
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
