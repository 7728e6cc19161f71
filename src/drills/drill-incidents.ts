import type { Severity } from '../core/severity.js';
import type { IncidentEngine } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import type { Lease, Store } from '../store/store.js';
import { drillCheckId, drillCheckResult } from './drill-result.js';
import type { DrillStore } from './drill-store.js';

/**
 * How often the leader looks for outcomes recorded by other replicas: a drill finishes on the
 * replica that ran it, which may not lead. One history read and one check-state read per drill.
 */
export const DRILL_VERDICT_POLL_MS = 30_000; // 30 seconds

export interface DrillIncidentsDeps {
  names: readonly string[];
  drills: Pick<DrillStore, 'history'>;
  store: Pick<Store, 'getCheckState'>;
  engine: Pick<IncidentEngine, 'apply'>;
  /** `readiness.severity`: a drill that does not pass is a readiness problem. */
  severity: Severity;
  logger: Logger;
  pollMs?: number;
}

interface Term {
  lease: Lease;
  timer: NodeJS.Timeout | null;
}

/**
 * Turns recorded drill outcomes into incidents, on the monitor leader only and under its lease,
 * like readiness verdicts: `failed`, `invalid` or `missed-rto` opens `drill:<name>` at
 * `readiness.severity`, the next pass resolves it. The outcome is already in the drill store
 * (shared) wherever the drill ran; the leader applies each drill's newest outcome that the
 * check's state has not seen yet (its last result names the run), at once when the drill ran
 * here, and otherwise within DRILL_VERDICT_POLL_MS. So a drill finishing on a replica that lost
 * the lease mid-drill is neither written under a stale fence nor lost, and an outcome is applied
 * once: an incident a person resolved by hand is not reopened by the same run.
 */
export class DrillIncidents {
  private term: Term | null = null;
  /** Passes run one after another: the engine expects one writer per check at a time. */
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DrillIncidentsDeps) {}

  /** A leader term begins: applies what finished meanwhile, then looks again every poll. */
  start(lease: Lease): void {
    if (this.term) return;
    const term: Term = { lease, timer: null };
    this.term = term;
    this.schedule(term, 0);
  }

  /** The term ended: nothing more is applied (the engine's fence would refuse it anyway). */
  async stop(): Promise<void> {
    const term = this.term;
    this.term = null;
    if (term?.timer) clearTimeout(term.timer);
    await this.applying;
  }

  /** An outcome was just recorded here: applies it now when this process leads. Never throws. */
  nudge(): Promise<void> {
    const term = this.term;
    return term ? this.pass(term) : Promise.resolve();
  }

  private schedule(term: Term, delayMs: number): void {
    term.timer = setTimeout(() => {
      term.timer = null;
      void this.pass(term).finally(() => {
        if (this.term === term) this.schedule(term, this.deps.pollMs ?? DRILL_VERDICT_POLL_MS);
      });
    }, delayMs);
    // Never what keeps the process alive: the elector's demotion or shutdown calls stop().
    term.timer.unref();
  }

  private pass(term: Term): Promise<void> {
    const next = this.applying.then(() => this.applyNewest(term));
    this.applying = next.catch(() => undefined);
    return this.applying;
  }

  private async applyNewest(term: Term): Promise<void> {
    for (const name of this.deps.names) {
      if (this.term !== term) return;
      const checkId = drillCheckId(name);
      try {
        const [newest] = await this.deps.drills.history(name, 1);
        if (!newest) continue;
        const last = (await this.deps.store.getCheckState(checkId))?.lastResult?.measurement;
        if (last?.kind === 'drill' && last.runId === newest.runId) continue;
        await this.deps.engine.apply(drillCheckResult(newest, this.deps.severity), term.lease);
      } catch (err) {
        this.deps.logger.error({ err, checkId }, 'drill outcome not applied to incidents; the next pass tries again');
      }
    }
  }
}
