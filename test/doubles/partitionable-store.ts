import type { CheckState } from '../../src/core/check-state.js';
import type { Incident, IncidentEvent } from '../../src/core/incident.js';
import type { Severity } from '../../src/core/severity.js';
import type { CommitOutcome, EvaluationCommit, IncidentUpdate, Lease, LeaseAttempt, QuietPassBatch, Store } from '../../src/store/store.js';

/**
 * Wraps a real store; `partition()` makes every call hang (a stalled Redis or a cut network:
 * requests neither succeed nor fail) until `heal()`, when the stranded calls reject. `fail()`
 * makes every call reject at once instead, as Redis calls do once their command timeout passed.
 */
export class PartitionableStore implements Store {
  readonly kind: Store['kind'];
  private partitioned = false;
  private failing = false;
  private stranded: Array<() => void> = [];

  constructor(private readonly inner: Store) {
    this.kind = inner.kind;
  }

  partition(): void {
    this.partitioned = true;
  }

  fail(): void {
    this.failing = true;
  }

  heal(): void {
    this.partitioned = false;
    this.failing = false;
    for (const fail of this.stranded.splice(0)) fail();
  }

  private call<T>(run: () => Promise<T>): Promise<T> {
    if (this.failing) return Promise.reject(new Error('Command timed out'));
    if (!this.partitioned) return run();
    return new Promise<T>((_, reject) => {
      this.stranded.push(() => reject(new Error('partitioned: request lost')));
    });
  }

  ping(): Promise<void> {
    return this.call(() => this.inner.ping());
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    return this.call(() => this.inner.acquireLease(name, holder, ttlMs));
  }
  contendLease(name: string, holder: string, ttlMs: number): Promise<LeaseAttempt> {
    return this.call(() => this.inner.contendLease(name, holder, ttlMs));
  }
  renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    return this.call(() => this.inner.renewLease(lease, ttlMs));
  }
  releaseLease(lease: Lease): Promise<void> {
    return this.call(() => this.inner.releaseLease(lease));
  }
  nextIncidentSequence(): Promise<number> {
    return this.call(() => this.inner.nextIncidentSequence());
  }
  getCheckState(checkId: string): Promise<CheckState | null> {
    return this.call(() => this.inner.getCheckState(checkId));
  }
  getCheckStates(checkIds: readonly string[]): Promise<Map<string, CheckState | null>> {
    return this.call(() => this.inner.getCheckStates(checkIds));
  }
  recordQuietPasses(batch: QuietPassBatch): Promise<'committed' | 'fenced'> {
    return this.call(() => this.inner.recordQuietPasses(batch));
  }
  commitEvaluation(commit: EvaluationCommit): Promise<CommitOutcome> {
    return this.call(() => this.inner.commitEvaluation(commit));
  }
  updateIncident(update: IncidentUpdate): Promise<'committed' | 'conflict'> {
    return this.call(() => this.inner.updateIncident(update));
  }
  getIncident(id: string): Promise<Incident | null> {
    return this.call(() => this.inner.getIncident(id));
  }
  listOpenIncidents(): Promise<Incident[]> {
    return this.call(() => this.inner.listOpenIncidents());
  }
  openIncidentSeverities(): Promise<Severity[]> {
    return this.call(() => this.inner.openIncidentSeverities());
  }
  listRecentIncidents(limit: number): Promise<Incident[]> {
    return this.call(() => this.inner.listRecentIncidents(limit));
  }
  getIncidentEvents(incidentId: string): Promise<IncidentEvent[]> {
    return this.call(() => this.inner.getIncidentEvents(incidentId));
  }
}
