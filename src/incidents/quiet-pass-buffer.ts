import type { CheckResult } from '../core/check-result.js';
import type { CheckState } from '../core/check-state.js';
import type { IncidentDecision } from '../core/evaluate-result.js';
import type { Logger } from '../observability/logger.js';
import { UNFENCED, type CommitFence, type QuietPass, type Store } from '../store/store.js';

/** How long a quiet pass may wait in memory before it is written: the most `/dr status` lags behind. */
export const QUIET_PASS_FLUSH_MS = 5_000; // 5 seconds

/**
 * Where a waiting pass is read from when its batch is written: the check's state after the pass
 * (the engine's cached state, which later quiet passes of the check update in place). The pass is
 * taken from it at flush time, so a run allocates no pass of its own.
 */
export type QuietPassSource = Pick<CheckState, 'checkId' | 'consecutiveSuccesses' | 'lastResult'>;

export interface QuietPassBufferOptions {
  store: Pick<Store, 'recordQuietPasses'>;
  logger: Logger;
  /** Default QUIET_PASS_FLUSH_MS. */
  flushMs?: number;
}

/**
 * A pass that needs no fenced commit: the check had no open or joined incident and no failure
 * streak, and still has none. Its state differs from the stored one only in the latest result and
 * the count of passes in a row, which decide nothing while no incident is open (a failure resets
 * the count). `previous` is this term's own (read from the store or committed in this term).
 */
export function isQuiet(previous: CheckState, decision: IncidentDecision, state: CheckState): boolean {
  return (
    decision.kind === 'none' &&
    previous.openIncidentId === null &&
    previous.joinedIncidentId === undefined &&
    previous.consecutiveFailures === 0 &&
    state.consecutiveFailures === 0
  );
}

/**
 * The leader's latest quiet pass per check (a pass that changes nothing incidents depend on, see
 * QuietPass), written to the store in one fenced batch at most `flushMs` after the first one
 * waiting, instead of one fenced commit per run. Only the newest pass per check is kept: older
 * ones would be overwritten anyway. Passes of one term are never written with another's fence.
 */
export class QuietPassBuffer {
  private readonly pending = new Map<string, QuietPassSource>();
  private fence: CommitFence | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly flushMs: number;

  constructor(private readonly options: QuietPassBufferOptions) {
    this.flushMs = options.flushMs ?? QUIET_PASS_FLUSH_MS;
  }

  /** Passes waiting to be written (for tests and logs). */
  get size(): number {
    return this.pending.size;
  }

  add(pass: QuietPass, fence: CommitFence): void {
    this.addState({ checkId: pass.checkId, lastResult: pass.result, consecutiveSuccesses: pass.consecutiveSuccesses }, fence);
  }

  /** Keeps the check's state as its waiting pass, read when the batch is written (see QuietPassSource). */
  addState(pass: QuietPassSource, fence: CommitFence): void {
    if (pass.lastResult === null) return; // a state with no result is no pass
    if (this.fence !== null && !sameFence(this.fence, fence)) this.pending.clear();
    this.fence = fence;
    this.pending.set(pass.checkId, pass);
    this.arm();
  }

  /** Drops the check's waiting pass: a fenced commit of a later run of it has just landed. */
  forget(checkId: string): void {
    this.pending.delete(checkId);
  }

  /** Drops everything waiting: a new term begins, and the old term's fence can no longer write. */
  clear(): void {
    this.pending.clear();
    this.fence = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Writes what is waiting now (at the end of a term, or when the timer fires); never throws. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    const fence = this.fence;
    if (this.pending.size === 0 || fence === null) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Snapshots: the sources may change under a write that spans several chunks.
    const passes: QuietPass[] = [];
    for (const source of this.pending.values()) {
      passes.push({ checkId: source.checkId, result: source.lastResult as CheckResult, consecutiveSuccesses: source.consecutiveSuccesses });
    }
    this.pending.clear();
    this.flushing = this.write(fence, passes).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async write(fence: CommitFence, passes: QuietPass[]): Promise<void> {
    const { store, logger } = this.options;
    try {
      const outcome = await store.recordQuietPasses({ fence, passes });
      // Expected at every change of leader: these passes decided nothing, the successor measures anew.
      if (outcome === 'fenced') logger.info({ passes: passes.length }, 'monitor lease no longer held: latest passing results not written');
    } catch (err) {
      // The write may or may not have landed; it only ever sets latest results, so sending it
      // again is harmless. Keep each pass unless a newer one (or a commit) took its place.
      for (const pass of passes) {
        if (!this.pending.has(pass.checkId) && this.fence !== null && sameFence(this.fence, fence))
          this.pending.set(pass.checkId, {
            checkId: pass.checkId,
            lastResult: pass.result,
            consecutiveSuccesses: pass.consecutiveSuccesses,
          });
      }
      logger.warn({ err, passes: passes.length }, 'latest passing results not written; retrying with the next batch');
      if (this.pending.size > 0) this.arm();
    }
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
    // A waiting batch must not keep a process that is otherwise done alive.
    this.timer.unref();
  }
}

function sameFence(a: CommitFence, b: CommitFence): boolean {
  if (a === UNFENCED || b === UNFENCED) return a === b;
  return a.name === b.name && a.holder === b.holder && a.token === b.token;
}
