import type { CheckResult } from '../core/check-result.js';
import { initialCheckState, type CheckState } from '../core/check-state.js';
import type { Clock } from '../core/clock.js';
import { evaluateResult, type FlapPolicy } from '../core/evaluate-result.js';
import type { Severity } from '../core/severity.js';
import { declaredCheckId, formatIncidentId, isOpen, type Incident, type IncidentEvent } from '../core/incident.js';
import type { Logger } from '../observability/logger.js';
import { StoreError } from '../store/store-error.js';
import type { CommitFence, EvaluationCommit, Lease, Store } from '../store/store.js';
import { joinChild } from './child-join.js';
import { fenceFor, isDropped, type WriteFencing } from './write-fence.js';

export type { WriteFencing } from './write-fence.js';
import { changeFor, eventOf, type IncidentChange } from './incident-change.js';

export { eventOf, type IncidentChange } from './incident-change.js';
import { isQuiet, QuietPassBuffer } from './quiet-pass-buffer.js';

/** The answer to a person's acknowledge or resolve. */
export type HumanActionOutcome =
  | { ok: true; change: IncidentChange }
  | { ok: false; reason: 'not-found' | 'already-resolved' | 'already-acknowledged' | 'conflict'; message: string };

/** What apply answers for a quiet pass: one settled promise shared by every such run. */
const NOTHING_CHANGED: Promise<null> = Promise.resolve(null);

/** A write raced with another one this many times in a row: give up and say so. */
const MAX_CONFLICT_RETRIES = 3;

/** Listeners run in line with the monitor: they must hand slow work (Slack, paging) to a queue. */
export type IncidentListener = (change: IncidentChange) => void | Promise<void>;

export interface IncidentEngineOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Flap policy per check id. */
  policies: ReadonlyMap<string, FlapPolicy>;
  /** How monitor writes are fenced; chosen where the engine is wired, never defaulted. */
  fencing: WriteFencing;
  /** Parent check ids per check (`dependsOn`, SPEC §9); a check absent here depends on nothing. */
  dependencies?: ReadonlyMap<string, readonly string[]>;
  /** Longest a quiet pass waits in memory before its batch is written; default QUIET_PASS_FLUSH_MS. */
  quietPassFlushMs?: number;
}

/**
 * Applies check results to incidents in the store: one open incident per check, escalated or
 * resolved in place, every change committed atomically and then announced to listeners.
 * Only the monitor leader calls `apply`, and the scheduler never runs one check twice at once,
 * so per-check state can be cached here between results.
 */
export class IncidentEngine {
  private readonly listeners = new Set<IncidentListener>();
  private readonly stateCache = new Map<string, CheckState>();
  /** Cached states only applyQuiet writes to, in place (see there). */
  private readonly ownedStates = new WeakSet<CheckState>();
  private readonly quietPasses: QuietPassBuffer;

  constructor(private readonly options: IncidentEngineOptions) {
    const mode = (options.fencing as WriteFencing | undefined)?.mode;
    // JavaScript callers bypass the types: a missing choice must fail here, not write unfenced later.
    if (mode !== 'leader-lease' && mode !== 'unfenced')
      throw new TypeError(`IncidentEngine: fencing must be chosen ('leader-lease' or 'unfenced'), got ${String(mode)}`);
    this.quietPasses = new QuietPassBuffer({
      store: options.store,
      logger: options.logger,
      ...(options.quietPassFlushMs !== undefined ? { flushMs: options.quietPassFlushMs } : {}),
    });
  }

  /** Subscribes to committed changes; returns the unsubscribe function. */
  subscribe(listener: IncidentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Forgets cached check state, e.g. when leadership changes hands and another process wrote: a
   * new term trusts only what it reads from the store. Passes still waiting from the last term are
   * dropped too (their fence no longer holds; the store would refuse them).
   */
  resetCache(): void {
    this.stateCache.clear();
    this.quietPasses.clear();
  }

  /** Writes the quiet passes waiting in memory now (end of a term, shutdown); never throws. */
  flushQuietPasses(): Promise<void> {
    return this.quietPasses.flush();
  }

  /**
   * Applies one result; returns the committed change, or null when nothing changed or the write
   * was fenced. `term` is the lease under which the run that measured it started: with leader
   * fencing, a result from an earlier term (or from when this process held no lease) is dropped,
   * and the commit is fenced with that term's lease, so it lands only while that very term holds.
   */
  apply(result: CheckResult, term?: Lease): Promise<IncidentChange | null> {
    return this.applyQuiet(result, term) ? NOTHING_CHANGED : this.applyWithStore(result, term);
  }

  /**
   * The path of nearly every run, synchronous: a pass on a check whose cached state has no
   * incident and no failure streak. Buffers the quiet pass and returns true; false leaves the
   * result to applyWithStore (anything else, including a dropped fence or an unknown check).
   */
  private applyQuiet(result: CheckResult, term: Lease | undefined): boolean {
    if (!(result.ok || result.severity === null)) return false;
    const previous = this.stateCache.get(result.checkId);
    if (previous === undefined || previous.openIncidentId !== null) return false;
    if (previous.joinedIncidentId !== undefined || previous.consecutiveFailures !== 0) return false;
    if (!this.options.policies.has(result.checkId)) return false;
    const fence = fenceFor(this.options.fencing, term);
    if (isDropped(fence)) return false;
    // What evaluateResult answers for a pass with no incident open (decision 'none'), written into
    // a state object this engine owns instead of a new one per run: each run's state lived until
    // the next run, long enough to be promoted, so every run left old-generation garbage behind.
    // A committed state is copied once first: the store, or a caller, may still hold that object.
    let state = previous;
    if (!this.ownedStates.has(state)) {
      state = { ...previous };
      this.ownedStates.add(state);
      this.stateCache.set(result.checkId, state);
    }
    state.consecutiveSuccesses += 1;
    state.lastResult = result;
    state.consecutiveMilder = 0;
    state.milderStreakWorst = null;
    this.quietPasses.addState(state, fence);
    return true;
  }

  private async applyWithStore(result: CheckResult, term: Lease | undefined): Promise<IncidentChange | null> {
    for (let attempt = 1; ; attempt += 1) {
      const fence = fenceFor(this.options.fencing, term);
      if (isDropped(fence)) {
        this.stateCache.delete(result.checkId);
        this.options.logger.warn({ checkId: result.checkId, reason: fence.dropped }, `result dropped, not written: ${fence.dropped}`);
        return null;
      }
      let outcome: Awaited<ReturnType<IncidentEngine['tryApply']>>;
      try {
        outcome = await this.tryApply(result, fence);
      } catch (err) {
        // The commit may have landed before the error (a reply lost in an outage): the next try
        // must start from what the store holds, or it could open the same incident twice.
        this.stateCache.delete(result.checkId);
        throw err;
      }
      if (outcome !== 'conflict') return outcome;
      // A person acknowledged or resolved the incident between our read and our write: re-read.
      this.stateCache.delete(result.checkId);
      if (attempt >= MAX_CONFLICT_RETRIES) {
        this.options.logger.warn({ checkId: result.checkId }, 'incident kept changing under the monitor; result dropped');
        return null;
      }
    }
  }

  /**
   * Opens an incident a person declared (`/dr declare`): no check measured it, so no check state
   * points at it and the monitor never escalates or resolves it; only a person resolves it. It
   * is announced to the same listeners as any other (Slack, paging, audit). Any replica may
   * declare: the write is the store's create-if-absent (expected revision 0), not fenced.
   */
  async declare(input: { severity: Severity; title: string; actor: string }): Promise<IncidentChange> {
    const { store, clock } = this.options;
    const id = formatIncidentId(await store.nextIncidentSequence());
    const at = clock.now();
    const incident: Incident = {
      id,
      checkId: declaredCheckId(input.title),
      severity: input.severity,
      peakSeverity: input.severity,
      state: 'open',
      revision: 1,
      openedAt: at,
      updatedAt: at,
      summary: input.title,
      measurement: { kind: 'declared', title: input.title, declaredBy: input.actor },
    };
    const event: IncidentEvent = { ...eventOf('opened', incident, at), actor: input.actor };
    // A fresh sequence number cannot be taken: a conflict here means someone edited the store.
    const outcome = await store.updateIncident({ incident, event, expectedRevision: 0 });
    if (outcome !== 'committed') {
      throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `${id} already exists in the store: the incident counter went back`);
    }
    const change = { incident, event };
    this.logEvent(change);
    await this.notify(change);
    return change;
  }

  /** Acknowledges an open incident on behalf of `actor` (a Slack user id). */
  acknowledge(incidentId: string, actor: string): Promise<HumanActionOutcome> {
    return this.changeByHand(incidentId, (current, at) => {
      if (current.state === 'acknowledged') {
        return refusal('already-acknowledged', `${current.id} was already acknowledged by ${current.acknowledgedBy ?? 'someone'}.`);
      }
      const incident: Incident = { ...current, state: 'acknowledged', acknowledgedBy: actor, acknowledgedAt: at };
      return { incident, event: { ...eventOf('acknowledged', incident, at), actor } };
    });
  }

  /** Resolves an incident by hand; if its check still fails, the next failures open a new one. */
  resolve(incidentId: string, actor: string, note?: string): Promise<HumanActionOutcome> {
    return this.changeByHand(incidentId, (current, at) => {
      const incident: Incident = { ...current, state: 'resolved', resolvedAt: at, resolvedBy: actor };
      return { incident, event: { ...eventOf('resolved', incident, at), actor, ...(note ? { note } : {}) } };
    });
  }

  private async changeByHand(
    incidentId: string,
    build: (current: Incident, at: number) => { incident: Incident; event: IncidentEvent } | HumanActionOutcome,
  ): Promise<HumanActionOutcome> {
    for (let attempt = 1; attempt <= MAX_CONFLICT_RETRIES; attempt += 1) {
      const current = await this.options.store.getIncident(incidentId);
      if (!current) return refusal('not-found', `There is no incident ${incidentId}.`);
      if (current.state === 'resolved') return refusal('already-resolved', `${current.id} is already resolved.`);
      const at = this.options.clock.now();
      const built = build(current, at);
      if ('ok' in built) return built;
      const incident = { ...built.incident, revision: current.revision + 1, updatedAt: at };
      const event = { ...built.event, at };
      const outcome = await this.options.store.updateIncident({ incident, event, expectedRevision: current.revision });
      if (outcome === 'committed') {
        const change = { incident, event };
        this.logEvent(change);
        await this.notify(change);
        return { ok: true, change };
      }
    }
    return refusal('conflict', `${incidentId} kept changing while we tried to update it; please try again.`);
  }

  private async tryApply(result: CheckResult, fence: CommitFence): Promise<IncidentChange | null | 'conflict'> {
    const { store, logger } = this.options;
    const policy = this.options.policies.get(result.checkId);
    if (!policy) {
      logger.warn({ checkId: result.checkId }, 'result for a check that is not configured; ignored');
      return null;
    }

    // The cache answers almost every run: no call through an async function for it.
    const previous = this.stateCache.get(result.checkId) ?? (await this.loadState(result.checkId));
    let open = previous.openIncidentId ? await store.getIncident(previous.openIncidentId) : null;
    if (open && !isOpen(open)) open = null; // resolved by a person since; the next failure starts a new one

    // Copied only when the stored state still names an incident that is gone: not on every pass.
    const base = open || previous.openIncidentId === null ? previous : { ...previous, openIncidentId: null };
    const { state, decision } = evaluateResult(base, result, policy, open?.severity ?? null);
    if (decision.kind === 'open') {
      // One outage, one page: while a parent's incident is open the failure joins it instead.
      const parent = await this.openParentIncident(result.checkId);
      if (parent) return this.joinParent(parent, state, result, fence);
    }
    if (isQuiet(previous, decision, state)) {
      // Nothing incidents depend on changes: no fenced commit per run, only the latest result
      // for /dr status, written with the next batch under this same fence.
      this.stateCache.set(result.checkId, state);
      this.quietPasses.addState(state, fence);
      return null;
    }
    // The streak that joined a parent ended: a later failure is news again.
    if (decision.kind !== 'open' && state.consecutiveFailures === 0) delete state.joinedIncidentId;
    const change = await changeFor(decision, result, open, this.options.clock.now(), async () =>
      formatIncidentId(await this.options.store.nextIncidentSequence()),
    );
    if (change) state.openIncidentId = isOpen(change.incident) ? change.incident.id : null;

    const outcome = await this.commit({
      fence,
      checkState: state,
      ...(change ? { incident: change.incident, expectedRevision: open?.revision ?? 0 } : {}),
      ...(change?.event ? { event: change.event } : {}),
    });
    if (outcome !== 'committed') return outcome;
    if (!change) return null;

    if (change.event) this.logEvent(change);
    await this.notify(change);
    return change;
  }

  /**
   * The open incident of one of the check's parents (`dependsOn`), in config order; a parent that
   * itself joined its own parent's incident leads there. Null when none is open.
   */
  private async openParentIncident(checkId: string, seen = new Set<string>()): Promise<Incident | null> {
    seen.add(checkId);
    for (const parentId of this.options.dependencies?.get(checkId) ?? []) {
      if (seen.has(parentId)) continue; // config rules refuse cycles; never loop on one anyway
      const parentState = await this.loadState(parentId);
      for (const id of [parentState.openIncidentId, parentState.joinedIncidentId]) {
        const incident = id ? await this.options.store.getIncident(id) : null;
        if (incident && isOpen(incident)) return incident;
      }
      const further = await this.openParentIncident(parentId, seen);
      if (further) return further;
    }
    return null;
  }

  /**
   * Records a child's failure on the parent's incident: the child's state and the parent's new
   * revision in one fenced commit, so a stale leader cannot write it and a person's concurrent
   * acknowledge is not overwritten (conflict, re-read). Once per failure streak and parent.
   */
  private async joinParent(
    parent: Incident,
    state: CheckState,
    result: CheckResult,
    fence: CommitFence,
  ): Promise<IncidentChange | null | 'conflict'> {
    const { logger, clock } = this.options;
    state.openIncidentId = null;
    const already = state.joinedIncidentId === parent.id;
    state.joinedIncidentId = parent.id;
    const change = already ? null : joinChild(parent, result, clock.now());
    const outcome = await this.commit({
      fence,
      checkState: state,
      ...(change ? { incident: change.incident, event: change.event, expectedRevision: parent.revision } : {}),
    });
    if (outcome !== 'committed') return outcome;
    if (!change) return null;
    logger.info(
      { incidentId: parent.id, checkId: parent.checkId, child: result.checkId, measured: result.summary },
      `${parent.id}: ${result.checkId} is failing too (${result.summary}); recorded on ${parent.checkId}'s incident, nothing opened`,
    );
    await this.notify(change);
    return change;
  }

  /**
   * Commits one evaluation and keeps the state cache in step: 'committed', 'conflict' (re-read and
   * retry), or null when fenced (another process holds the monitor lease; its results are the truth).
   */
  private async commit(commit: EvaluationCommit): Promise<'committed' | 'conflict' | null> {
    const { checkId } = commit.checkState;
    const outcome = await this.options.store.commitEvaluation(commit);
    if (outcome === 'fenced') {
      this.stateCache.delete(checkId);
      this.options.logger.warn({ checkId }, 'monitor lease lost: result dropped, not written');
      return null;
    }
    if (outcome === 'committed') {
      this.stateCache.set(checkId, commit.checkState);
      this.quietPasses.forget(checkId);
    }
    return outcome;
  }

  private async loadState(checkId: string): Promise<CheckState> {
    const cached = this.stateCache.get(checkId);
    if (cached) return cached;
    return (await this.options.store.getCheckState(checkId)) ?? initialCheckState(checkId);
  }

  private logEvent({ incident, event }: IncidentChange): void {
    if (!event) return;
    this.options.logger.info(
      {
        incidentId: incident.id,
        checkId: incident.checkId,
        event: event.type,
        severity: incident.severity,
        ...(event.previousSeverity ? { previousSeverity: event.previousSeverity } : {}),
        measured: incident.summary,
      },
      `${incident.id} ${event.type}: ${incident.checkId} ${incident.severity} — ${incident.summary}`,
    );
  }

  private async notify(change: IncidentChange): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(change);
      } catch (err) {
        // A broken notifier must never stop the monitor or the other notifiers.
        this.options.logger.error({ err, incidentId: change.incident.id }, 'incident listener failed');
      }
    }
  }
}

function refusal(reason: Extract<HumanActionOutcome, { ok: false }>['reason'], message: string): HumanActionOutcome {
  return { ok: false, reason, message };
}
