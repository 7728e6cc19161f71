import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { AuditType } from './approval-audit.js';
import type { ApprovalStore } from './approval-store.js';
import type { Approval } from './approval.js';

/** Requests expired / runs recovered per store call in one sweep pass. */
const SWEEP_BATCH = 100;

/** What an ApprovalSweeper works with; `emit` and `refreshPendingGauge` are the engine's. */
export interface ApprovalSweeperDeps {
  store: ApprovalStore;
  clock: Clock;
  logger: Logger;
  /** This replica's instance id: recorded as who marked a run interrupted. */
  instanceId: string;
  emit(approval: Approval, transition: AuditType, at: number, actor?: string): Promise<void>;
  refreshPendingGauge(): Promise<void>;
}

/**
 * What lapses on its own: pending requests past their expiry, and runs whose runner stopped
 * renewing its lease. Each is ended by exactly one replica, which announces it; a background
 * pass repeats both every interval.
 */
export class ApprovalSweeper {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;

  constructor(private readonly deps: ApprovalSweeperDeps) {}

  /** Expires every due request; returns those this replica expired. */
  async sweepExpired(): Promise<Approval[]> {
    const { store, clock } = this.deps;
    const expired: Approval[] = [];
    for (;;) {
      const now = clock.now();
      const batch = await store.expireDue(now, SWEEP_BATCH);
      for (const approval of batch) await this.deps.emit(approval, 'expired', approval.expiredAt ?? now);
      expired.push(...batch);
      if (batch.length < SWEEP_BATCH) break;
    }
    if (expired.length > 0) await this.deps.refreshPendingGauge();
    return expired;
  }

  /** Marks abandoned runs interrupted (they keep their locks until released by hand); returns those this replica marked. */
  async recoverInterruptedRuns(): Promise<Approval[]> {
    const { store, clock, logger, instanceId } = this.deps;
    const marked: Approval[] = [];
    for (;;) {
      const now = clock.now();
      const batch = await store.recoverInterruptedRuns(now, instanceId, SWEEP_BATCH);
      for (const approval of batch) {
        logger.warn(
          { approvalId: approval.id, runner: approval.run?.runnerId, resources: approval.plan.resources },
          `run ${approval.id} (${approval.plan.title}) was abandoned by its runner and is marked interrupted; it will not be resumed. ` +
            'Its resource locks stay held until someone checks AWS and releases them (Release locks on its Slack message)',
        );
        await this.deps.emit(approval, 'interrupted', now, instanceId);
      }
      marked.push(...batch);
      if (batch.length < SWEEP_BATCH) break;
    }
    return marked;
  }

  /** Starts the background pass every `intervalMs`; a pass still running when the next is due is not doubled. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.pass) return;
      this.pass = this.once().finally(() => {
        this.pass = null;
      });
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the background pass and waits for one in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }

  private async once(): Promise<void> {
    try {
      await this.sweepExpired();
      await this.recoverInterruptedRuns();
      // Other replicas change the count too; every pass brings this replica's gauge up to date.
      await this.deps.refreshPendingGauge();
    } catch (err) {
      this.deps.logger.warn({ err }, 'approval sweep failed; retrying on the next pass. Check that the store (REDIS_URL) is reachable');
    }
  }
}
