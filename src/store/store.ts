import type { CheckResult } from '../core/check-result.js';
import type { CheckState } from '../core/check-state.js';
import type { Incident, IncidentEvent } from '../core/incident.js';
import type { Severity } from '../core/severity.js';

/** A held lease; `token` increases on every acquisition (fencing token). */
export interface Lease {
  name: string;
  holder: string;
  token: number;
}

/**
 * Says, in so many words, that a commit needs no lease: a single process with no leader election
 * (tests, tools). Chosen where the writer is wired, never inferred from a missing lease.
 */
export const UNFENCED = 'unfenced' as const;

/** What guards a monitor commit: the lease it must still hold, or the explicit single-process mode. */
export type CommitFence = Lease | typeof UNFENCED;

/**
 * One evaluation's writes, applied atomically: check state, the incident (created or updated),
 * and its event. Refused ('fenced') unless `fence` is still held with that token, checked in
 * the same atomic step as the writes, so a stale leader cannot write after losing the lease.
 */
export interface EvaluationCommit {
  fence: CommitFence;
  checkState: CheckState;
  incident?: Incident;
  event?: IncidentEvent;
  /**
   * The stored incident's revision the writer read (0: it must not exist yet). When given and
   * the stored one differs, nothing is written and the outcome is 'conflict': someone else
   * (a person acknowledging, another write) changed the incident in between.
   */
  expectedRevision?: number;
}

/**
 * A pass on a check with no open incident, no joined parent incident and no failure streak: it
 * changes nothing incidents depend on, only the latest result `/dr status` shows and the count of
 * passes in a row. The leader keeps these in memory and records them in batches (quiet-passes.ts).
 */
export interface QuietPass {
  checkId: string;
  result: CheckResult;
  consecutiveSuccesses: number;
}

/**
 * A batch of quiet passes, refused as a whole ('fenced') unless `fence` is still held, exactly as
 * an EvaluationCommit. Stored apart from the check state, so it can never overwrite what a fenced
 * commit wrote: a reader takes a pass only when its result started after the state's last result.
 */
export interface QuietPassBatch {
  fence: CommitFence;
  passes: QuietPass[];
}

/** A change to an incident alone, made by a person (acknowledge, resolve) rather than the monitor. */
export interface IncidentUpdate {
  incident: Incident;
  event: IncidentEvent;
  /** The revision the writer read; a different stored revision means 'conflict'. */
  expectedRevision: number;
}

/** The answer to contendLease: the lease, or how long the current holder's lease has left. */
export type LeaseAttempt = { lease: Lease } | { lease: null; lapsesInMs: number };

export type CommitOutcome = 'committed' | 'fenced' | 'conflict';

/**
 * The store port: the truth for anything that must survive a restart or be shared by replicas.
 * Implementations: Redis (shared, atomic via Lua) and memory (single replica only).
 */
export interface Store {
  /** Short label for logs and /readyz: "redis" or "memory". */
  readonly kind: 'redis' | 'memory';
  /** Resolves when the store answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;

  /** Takes the lease if free or expired; null when another holder has it. */
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | null>;
  /**
   * Same as acquireLease, but when another holder has the lease, also says in how many ms it
   * lapses unless renewed (the store's PTTL), so a standby can try again right then.
   */
  contendLease(name: string, holder: string, ttlMs: number): Promise<LeaseAttempt>;
  /** Extends a held lease; false when it was lost (expired and taken, or released). */
  renewLease(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Releases the lease if still held by this holder and token. */
  releaseLease(lease: Lease): Promise<void>;

  /** Allocates the next incident number (1, 2, ...), never reused. */
  nextIncidentSequence(): Promise<number>;

  /** The check's state, with its latest quiet pass when that is newer than the committed state. */
  getCheckState(checkId: string): Promise<CheckState | null>;
  /**
   * Many checks' states at once: for each distinct id, exactly what getCheckState answers (null
   * for a check with none, the same quiet-pass merge, the same error for a corrupt value), read
   * in a bounded number of round trips rather than one per check (`/dr status` at 20,000 checks).
   */
  getCheckStates(checkIds: readonly string[]): Promise<Map<string, CheckState | null>>;
  /** Records quiet passes (see QuietPass) in one fenced write; never touches incidents. */
  recordQuietPasses(batch: QuietPassBatch): Promise<'committed' | 'fenced'>;
  commitEvaluation(commit: EvaluationCommit): Promise<CommitOutcome>;
  /** Writes an incident and its event if the stored revision is still `expectedRevision`. */
  updateIncident(update: IncidentUpdate): Promise<'committed' | 'conflict'>;

  getIncident(id: string): Promise<Incident | null>;
  /** Open (including acknowledged) incidents, oldest first. */
  listOpenIncidents(): Promise<Incident[]>;
  /**
   * The severity of each open incident, in no particular order: what the open-incident gauge
   * needs, read without loading the incidents. A list rather than counts because the gauge
   * already counts a list, and Redis hands the list back as is (one HVALS).
   */
  openIncidentSeverities(): Promise<Severity[]>;
  /** Most recent incidents (open and resolved), newest first. */
  listRecentIncidents(limit: number): Promise<Incident[]>;
  /** An incident's events in the order they happened. */
  getIncidentEvents(incidentId: string): Promise<IncidentEvent[]>;
}
