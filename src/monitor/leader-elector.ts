import { performance } from 'node:perf_hooks';
import type { Logger } from '../observability/logger.js';
import type { Lease, LeaseAttempt, Store } from '../store/store.js';

/** Below this a lease cannot be renewed reliably over a network round-trip. */
export const MIN_LEASE_TTL_MS = 30;
/**
 * Share of the TTL by which a leader demotes itself before its lease could expire in the store:
 * headroom for a late timer (busy event loop, GC pause) and clock-rate drift.
 */
export const DEMOTION_MARGIN_RATIO = 0.1;
/**
 * A standby comes back this long after the holder's lease is due to lapse: Redis expires a key
 * once its deadline has passed (not at it), and the PTTL it reported was read a round-trip ago.
 */
export const LAPSE_SLACK_MS = 2;

/** What a LeaderElector needs; callbacks run synchronously and must not throw (errors are logged). */
export interface LeaderElectorOptions {
  store: Store;
  /** Lease name, shared by all replicas competing for the same role ("monitor"). */
  name: string;
  /** Unique per process (hostname:pid:random): two processes with one holder would share the lease. */
  holder: string;
  ttlMs: number;
  logger: Logger;
  /** Told each wait a standby computed from the holder's remaining lease (tests, diagnostics). */
  onStandbyWait?: (wait: StandbyWait) => void;
}

/** Told of each term: once when this process becomes leader, once when it stops being leader. */
export interface TermListener {
  /** With the term's lease, which fences every write of the term. */
  elected(lease: Lease): void;
  /** Lost, unsure, or stopping. */
  demoted(): void;
}

/** A standby's next attempt: `lapsesInMs` as the store reported it, `waitMs` what it chose. */
export interface StandbyWait {
  lapsesInMs: number;
  waitMs: number;
}

/**
 * Holds the leader lease for one role: renews it every ttl/3 while leader, and demotes itself as
 * soon as it can no longer be sure it holds it. A standby does not poll blindly: each refused
 * attempt returns the holder's remaining PTTL, and the next attempt is timed for the moment that
 * lease lapses (or ttl/3, whichever is sooner, so a released lease is still noticed within a
 * tick). A dead leader is therefore replaced as soon as its lease lapses, not up to a tick later.
 */
export class LeaderElector {
  private readonly store: Store;
  private readonly options: LeaderElectorOptions;
  private readonly intervalMs: number;
  private readonly marginMs: number;
  private lease: Lease | null = null;
  private running = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private demotionTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | null = null;
  private failedRenewals = 0;
  private readonly termListeners = new Set<TermListener>();

  constructor(options: LeaderElectorOptions) {
    if (!Number.isFinite(options.ttlMs) || options.ttlMs < MIN_LEASE_TTL_MS) {
      throw new RangeError(`leader lease ttlMs must be at least ${MIN_LEASE_TTL_MS}, got ${options.ttlMs}`);
    }
    this.options = options;
    this.store = options.store;
    // Three attempts per TTL: one lost or slow renewal still leaves another before the deadline.
    this.intervalMs = Math.floor(options.ttlMs / 3);
    this.marginMs = Math.ceil(options.ttlMs * DEMOTION_MARGIN_RATIO);
  }
  /** Subscribes to this process's terms as leader; returns the unsubscribe. */
  onTerm(listener: TermListener): () => void {
    this.termListeners.add(listener);
    return () => this.termListeners.delete(listener);
  }

  /** Begins competing for the lease (first attempt at once). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops competing; when leader, demotes (onDemoted) and then releases the lease for a prompt handover. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.tickTimer);
    // In-flight calls are bounded by intervalMs; one that wins a lease after this sees !running and releases it.
    await this.inFlight;
    const lease = this.lease;
    if (!lease) return;
    // Stop the work first, then free the lease: the successor must not overlap with our last writes
    // (which the fence would refuse anyway once the lease is released).
    this.demote('stopping');
    await this.releaseQuietly(lease);
  }

  /** The lease while this process is leader; null otherwise. Use it as the fence for writes. */
  currentLease(): Lease | null {
    return this.lease;
  }

  private schedule(delayMs: number): void {
    this.tickTimer = setTimeout(() => {
      let nextMs = this.intervalMs;
      this.inFlight = this.tick()
        .then((wait) => {
          if (wait !== undefined) nextMs = wait;
        })
        .catch((err: unknown) => this.options.logger.error({ err, lease: this.options.name }, 'leader election tick failed'))
        .finally(() => {
          this.inFlight = null;
          if (this.running) this.schedule(nextMs);
        });
    }, delayMs);
    this.tickTimer.unref();
  }

  /** Returns when to try next if not the regular interval (a standby timing the holder's lapse). */
  private async tick(): Promise<number | undefined> {
    // Measured before the call: the store starts the lease's TTL when it executes the command,
    // which is after this instant, so "sentAt + ttl" never outlives the lease in the store.
    const sentAt = performance.now();
    if (this.lease) {
      await this.renew(this.lease, sentAt);
      return undefined;
    }
    return this.tryAcquire(sentAt);
  }

  private async tryAcquire(sentAt: number): Promise<number | undefined> {
    const { name, holder, ttlMs, logger } = this.options;
    let attempt: LeaseAttempt;
    try {
      attempt = await this.bounded(this.store.contendLease(name, holder, ttlMs));
    } catch (err) {
      logger.warn({ err, lease: name }, 'could not try the leader lease; will retry');
      return undefined;
    }
    const { lease } = attempt;
    if (!lease) return this.standbyWait(attempt.lapsesInMs, sentAt);
    // Won after stop() began, or the reply came so late the lease is about to lapse: hand it back.
    if (!this.running || !this.armDemotion(sentAt)) {
      await this.releaseQuietly(lease);
      return undefined;
    }
    this.lease = lease;
    this.failedRenewals = 0;
    logger.info({ lease: name, holder, fencingToken: lease.token }, 'elected leader');
    for (const listener of this.termListeners) this.callback('elected', () => listener.elected(lease));
    return undefined;
  }

  /**
   * The wait until the holder's lease lapses, counted from when the attempt was sent (the store
   * read the PTTL after that instant, so this never fires early by more than the slack).
   */
  private standbyWait(lapsesInMs: number, sentAt: number): number {
    const elapsed = performance.now() - sentAt;
    const waitMs = Math.min(this.intervalMs, Math.max(0, Math.ceil(lapsesInMs - elapsed)) + LAPSE_SLACK_MS);
    if (waitMs < this.intervalMs) {
      this.options.logger.debug(
        { lease: this.options.name, lapsesInMs, waitMs },
        `leader lease lapses in ${lapsesInMs} ms; trying again then`,
      );
    }
    const hook = this.options.onStandbyWait;
    if (hook) this.callback('onStandbyWait', () => hook({ lapsesInMs, waitMs }));
    return waitMs;
  }

  private async renew(lease: Lease, sentAt: number): Promise<void> {
    const { name, ttlMs, logger } = this.options;
    let renewed: boolean;
    try {
      renewed = await this.bounded(this.store.renewLease(lease, ttlMs));
    } catch (err) {
      // Keep leading for now: the demotion timer, not this error, decides when it is unsafe.
      this.failedRenewals += 1;
      if (this.failedRenewals === 1) logger.warn({ err, lease: name }, 'could not renew the leader lease; retrying');
      return;
    }
    if (this.lease !== lease) return; // demoted while the call was in flight
    if (!renewed) {
      this.demote('the lease was lost (expired and taken, or released)');
      return;
    }
    this.failedRenewals = 0;
    this.armDemotion(sentAt);
  }

  /**
   * Schedules self-demotion for just before the lease can expire in the store, counting from
   * when the latest successful acquire/renew was sent. This runs on its own timer, not after a
   * renew call returns, because the dangerous case is a call that never returns (Redis stalled,
   * network partitioned): by then another replica may acquire the lease as soon as it expires,
   * and we must have stopped acting as leader before that moment, not when we hear back.
   * Fencing tokens remain the backstop for a process paused past even this deadline.
   * Returns false when that moment has already passed.
   */
  private armDemotion(sentAt: number): boolean {
    const remainingMs = this.options.ttlMs - this.marginMs - (performance.now() - sentAt);
    if (remainingMs <= 0) return false;
    clearTimeout(this.demotionTimer);
    this.demotionTimer = setTimeout(
      () => this.demote(`could not renew the lease within ${this.options.ttlMs - this.marginMs} ms`),
      remainingMs,
    );
    this.demotionTimer.unref();
    return true;
  }

  private demote(reason: string): void {
    if (!this.lease) return;
    clearTimeout(this.demotionTimer);
    const { token } = this.lease;
    this.lease = null;
    this.failedRenewals = 0;
    const log = reason === 'stopping' ? this.options.logger.info : this.options.logger.warn;
    log.call(this.options.logger, { lease: this.options.name, fencingToken: token, reason }, 'no longer leader');
    for (const listener of this.termListeners) this.callback('demoted', () => listener.demoted());
  }

  /**
   * Bounds a store call to one interval so a hung call cannot stall the loop. The call may still
   * land later; that is safe: a late acquire leaves a lease this holder re-acquires (fresh token)
   * on its next try, a late renew only delays a takeover by one TTL.
   */
  private bounded<T>(call: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`store did not answer within ${this.intervalMs} ms`)), this.intervalMs);
    });
    return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
  }

  private async releaseQuietly(lease: Lease): Promise<void> {
    try {
      await this.bounded(this.store.releaseLease(lease));
    } catch (err) {
      // It expires on its own within the TTL; the successor just waits that long.
      this.options.logger.warn({ err, lease: lease.name }, 'could not release the leader lease; it will expire');
    }
  }

  private callback(which: 'elected' | 'demoted' | 'onStandbyWait', run: () => void): void {
    try {
      run();
    } catch (err) {
      this.options.logger.error({ err, lease: this.options.name }, `${which} callback threw`);
    }
  }
}
