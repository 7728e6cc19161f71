import type { Sleeper } from '../actions/wait-until.js';
import type { RdsGateway } from '../aws/rds-gateway.js';
import type { Config } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import { deleteDrillResources, type DrillCreated } from './drill-cleanup.js';
import type { DrillOutcome } from './drill-outcome.js';
import { finish } from './drill-run.js';
import type { DrillRunRecord, DrillStore } from './drill-store.js';

export interface DrillRecoveryDeps {
  config: Pick<Config, 'drills' | 'runbooks'>;
  store: DrillStore;
  rds: RdsGateway;
  clock: Clock;
  sleep: Sleeper;
  logger: Logger;
  /** This replica, as the owner of the runs it recovers. */
  owner: string;
  /**
   * Reports a recovered run's `interrupted` outcome: history, audit, metrics and Slack, the
   * drill's own finish path (DrillService.report). False when the run had already ended.
   */
  report: (outcome: DrillOutcome) => Promise<boolean>;
  /** Between sweeps while this replica leads (default 60 s). */
  everyMs?: number;
  /** How long one recovery holds a run before another replica may take it (default 1 h). */
  leaseMs?: number;
  /** Cleanup pacing (tests). */
  cleanup?: { pollMs?: number; writerGoneMs?: number };
}

const EVERY_MS = 60_000; // 1 minute
// Longer than a cleanup takes (the writer's delete is waited for up to 30 minutes), so a live
// recovery is never doubled; short enough that a leader dying mid-recovery is retried the same hour.
const LEASE_MS = 60 * 60_000; // 1 hour

// RDS refuses DeleteDBInstance / DeleteDBCluster in these states: the copy is left to finish
// them, and its cleanup retried on a later sweep.
const BUSY = new Set([
  'creating',
  'backing-up',
  'modifying',
  'rebooting',
  'renaming',
  'starting',
  'stopping',
  'upgrading',
  'maintenance',
  'migrating',
  'resetting-master-credentials',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
]);

/**
 * A drill whose process died (crash, kill -9, OOM) stops renewing its liveness. The monitor
 * leader, on election and every minute, takes each such run over (one replica per run, atomic
 * in the store), deletes what it was to create by the drill's tag rule (deleteDrillResources:
 * tags read back before every delete), records and reports it as `interrupted`, and frees its
 * claim. A copy still being created is waited for: its run is handed back and retried next sweep.
 */
export class DrillRecovery {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: DrillRecoveryDeps) {}

  /** On election: sweeps now, then every `everyMs` until stopped. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /** On demotion or shutdown: no new sweep; the one in flight ends first. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** Recovers every lapsed run this replica can take over; returns their outcomes. */
  async sweep(): Promise<DrillOutcome[]> {
    const outcomes: DrillOutcome[] = [];
    for (const runId of await this.deps.store.lapsed()) {
      const outcome = await this.recover(runId).catch((err: unknown) => {
        this.deps.logger.error({ err, runId }, 'an interrupted drill could not be recovered; a later sweep retries it');
        return null;
      });
      if (outcome) outcomes.push(outcome);
    }
    return outcomes;
  }

  private tick(): void {
    if (!this.running) return;
    this.inFlight = this.sweep()
      .catch((err: unknown) => this.deps.logger.error({ err }, 'the drill recovery sweep failed; the next one retries'))
      .finally(() => {
        if (!this.running) return;
        this.timer = setTimeout(() => this.tick(), this.deps.everyMs ?? EVERY_MS);
        this.timer.unref();
      });
  }

  private async recover(runId: string): Promise<DrillOutcome | null> {
    const { store, owner } = this.deps;
    const run = await store.takeOver(runId, owner, this.deps.leaseMs ?? LEASE_MS);
    if (!run) return null; // alive again, ended, or another replica has it
    const log = this.deps.logger.child({ drill: run.drill, runId });
    const { created } = run;
    if (created) {
      const busy = await this.busy(created).catch((err: unknown) => [`(${err instanceof Error ? err.message : String(err)})`]);
      if (busy.length > 0) {
        log.info({ busy }, `interrupted drill ${runId}: waiting for ${busy.join(', ')} before deleting it`);
        await store.handBack(runId, owner);
        return null;
      }
    }
    const cleanup = created
      ? await deleteDrillResources({ rds: this.deps.rds, sleep: this.deps.sleep, ...this.deps.cleanup }, created, runId)
      : [];
    const outcome = this.outcomeOf(run, cleanup);
    if (!(await this.deps.report(outcome))) log.warn('the interrupted drill had already ended; its outcome stands');
    await store.release(runId, run.resources);
    log.warn({ cleanup: cleanup.map((s) => `${s.resource}:${s.result}`) }, outcome.summary);
    return outcome;
  }

  /** The resources of `created` RDS would not delete yet, as "<id> (<status>)". */
  private async busy(created: DrillCreated): Promise<string[]> {
    const { rds } = this.deps;
    const found = await Promise.all([
      ...created.instances.map(async (id) => ({ id, status: (await rds.describeDbInstance(created.region, id))?.status })),
      ...(created.cluster !== undefined
        ? [(async (id: string) => ({ id, status: (await rds.describeDbCluster(created.region, id))?.status }))(created.cluster)]
        : []),
    ]);
    return found.filter((r) => r.status !== undefined && BUSY.has(r.status)).map((r) => `${r.id} (${r.status})`);
  }

  private outcomeOf(run: DrillRunRecord, cleanup: DrillOutcome['cleanup']): DrillOutcome {
    const drills = this.deps.config.drills ?? {};
    // The config may have changed since the run started: a drill or runbook gone leaves blanks.
    // Only restore drills run here (a Multi-AZ drill is an approved run, recovered by the approvals).
    const configured = Object.hasOwn(drills, run.drill) ? drills[run.drill] : undefined;
    const drill = configured && 'restore' in configured ? configured : undefined;
    const restores = this.deps.config.runbooks.restore;
    const runbook = drill && Object.hasOwn(restores, drill.restore) ? restores[drill.restore] : undefined;
    const reason = run.created
      ? 'the process running it stopped mid-drill (crash, kill or out of memory); the leader cleaned up what it was creating'
      : 'the process running it stopped before it created anything (crash, kill or out of memory)';
    return finish(
      {
        drill: run.drill,
        runId: run.runId,
        runbook: drill?.restore ?? '',
        region: run.created?.region ?? runbook?.region ?? '',
        source: runbook?.dbCluster ?? runbook?.dbInstance ?? '',
        startedAt: run.startedAt,
        ...(drill?.rtoMs !== undefined && { rtoMs: drill.rtoMs }),
      },
      this.deps.clock.now(),
      'interrupted',
      { reason, cleanup, ...(run.created && { target: run.created.target }) },
    );
  }
}
