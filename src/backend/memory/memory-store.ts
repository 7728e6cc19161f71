import type { CheckState } from '../../core/check-state.js';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Incident, IncidentEvent } from '../../core/incident.js';
import type { Severity } from '../../core/severity.js';
import { assertLimit, assertTtlMs, commitIncidentId } from '../../store/store-arguments.js';
import { withQuietPass } from '../../store/quiet-pass-merge.js';
import { StoreError } from '../../store/store-error.js';
import {
  UNFENCED,
  type CommitOutcome,
  type EvaluationCommit,
  type IncidentUpdate,
  type Lease,
  type LeaseAttempt,
  type QuietPass,
  type QuietPassBatch,
  type Store,
} from '../../store/store.js';

interface HeldLease {
  holder: string;
  token: number;
  /** Epoch ms, from the injected clock. */
  expiresAt: number;
}

/**
 * The store in process memory, for local mode and tests.
 *
 * Single replica only: nothing is shared between processes and everything is lost on restart,
 * so two replicas on this store would each elect themselves leader and each open the same
 * incident. Use the Redis store (REDIS_URL) for anything beyond one process.
 *
 * Values are deep-copied in and out, so a caller mutating an object it passed or received cannot
 * change stored state behind the store's back (as a Redis round-trip would not either).
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly clock: Clock;
  private readonly leases = new Map<string, HeldLease>();
  /** Last fencing token per lease name; survives release so tokens never go back. */
  private readonly leaseTokens = new Map<string, number>();
  private readonly checkStates = new Map<string, CheckState>();
  /** Latest quiet pass per check, kept apart from the state as in Redis (see withQuietPass). */
  private readonly quietPasses = new Map<string, QuietPass>();
  private readonly incidents = new Map<string, Incident>();
  private readonly events = new Map<string, IncidentEvent[]>();
  private incidentSequence = 0;
  private closed = false;

  constructor(options: { clock?: Clock } = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new StoreError('LIFEBOAT_STORE_UNAVAILABLE', 'the in-memory store is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null> {
    return (await this.contendLease(name, holder, ttlMs)).lease;
  }

  async contendLease(name: string, holder: string, ttlMs: number): Promise<LeaseAttempt> {
    assertTtlMs(ttlMs);
    const held = this.liveLease(name);
    // Same rule as Redis: a holder that already has the lease gets it again with a fresh token.
    if (held && held.holder !== holder) return { lease: null, lapsesInMs: held.expiresAt - this.clock.now() };
    const token = (this.leaseTokens.get(name) ?? 0) + 1;
    this.leaseTokens.set(name, token);
    this.leases.set(name, { holder, token, expiresAt: this.clock.now() + ttlMs });
    return { lease: { name, holder, token } };
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    assertTtlMs(ttlMs);
    const held = this.heldBy(lease);
    if (!held) return false;
    held.expiresAt = this.clock.now() + ttlMs;
    return true;
  }

  async releaseLease(lease: Lease): Promise<void> {
    if (this.heldBy(lease)) this.leases.delete(lease.name);
  }

  async nextIncidentSequence(): Promise<number> {
    this.incidentSequence += 1;
    return this.incidentSequence;
  }

  async getCheckState(checkId: string): Promise<CheckState | null> {
    return copy(withQuietPass(checkId, this.checkStates.get(checkId) ?? null, this.quietPasses.get(checkId) ?? null));
  }

  async getCheckStates(checkIds: readonly string[]): Promise<Map<string, CheckState | null>> {
    const states = new Map<string, CheckState | null>();
    for (const checkId of checkIds) if (!states.has(checkId)) states.set(checkId, await this.getCheckState(checkId));
    return states;
  }

  async recordQuietPasses(batch: QuietPassBatch): Promise<'committed' | 'fenced'> {
    if (batch.fence !== UNFENCED && !(batch.fence && this.heldBy(batch.fence))) return 'fenced';
    for (const pass of copy(batch.passes)) this.quietPasses.set(pass.checkId, pass);
    return 'committed';
  }

  async commitEvaluation(commit: EvaluationCommit): Promise<CommitOutcome> {
    if (commit.fence !== UNFENCED && !(commit.fence && this.heldBy(commit.fence))) return 'fenced';
    return this.write(commit);
  }

  async updateIncident(update: IncidentUpdate): Promise<'committed' | 'conflict'> {
    return this.write(update);
  }

  private write(commit: EvaluationCommit | IncidentUpdate): 'committed' | 'conflict' {
    const incidentId = commitIncidentId(commit);
    if (commit.expectedRevision !== undefined && incidentId !== null) {
      const storedRevision = this.incidents.get(incidentId)?.revision ?? 0;
      if (storedRevision !== commit.expectedRevision) return 'conflict';
    }
    const { incident, event } = copy(commit);
    if ('checkState' in commit) {
      const checkState = copy(commit.checkState);
      this.checkStates.set(checkState.checkId, checkState);
    }
    if (incident) this.incidents.set(incident.id, incident);
    if (event && incidentId !== null) {
      const list = this.events.get(incidentId) ?? [];
      list.push(event);
      this.events.set(incidentId, list);
    }
    return 'committed';
  }

  async getIncident(id: string): Promise<Incident | null> {
    return copy(this.incidents.get(id) ?? null);
  }

  async listOpenIncidents(): Promise<Incident[]> {
    const open = [...this.incidents.values()].filter((incident) => incident.state !== 'resolved');
    return copy(open.sort(byOpenedAt));
  }

  async openIncidentSeverities(): Promise<Severity[]> {
    return [...this.incidents.values()].filter((incident) => incident.state !== 'resolved').map((incident) => incident.severity);
  }

  async listRecentIncidents(limit: number): Promise<Incident[]> {
    assertLimit(limit);
    const newestFirst = [...this.incidents.values()].sort(byOpenedAt).reverse();
    return copy(newestFirst.slice(0, limit));
  }

  async getIncidentEvents(incidentId: string): Promise<IncidentEvent[]> {
    return copy(this.events.get(incidentId) ?? []);
  }

  private liveLease(name: string): HeldLease | null {
    const held = this.leases.get(name);
    if (!held) return null;
    if (held.expiresAt <= this.clock.now()) {
      this.leases.delete(name);
      return null;
    }
    return held;
  }

  private heldBy(lease: Lease): HeldLease | null {
    const held = this.liveLease(lease.name);
    return held && held.holder === lease.holder && held.token === lease.token ? held : null;
  }
}

/** Oldest first; ties by id, as Redis orders equal scores by member. */
function byOpenedAt(a: Incident, b: Incident): number {
  return a.openedAt - b.openedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function copy<T>(value: T): T {
  return structuredClone(value);
}
