import { ActionRunner } from '../actions/action-runner.js';
import type { LagSource } from '../actions/lag-source.js';
import { DEFAULT_WAIT_TIMEOUTS, resourceKey, type WaitTimeouts } from '../actions/planning-context.js';
import type { ProgressEvent } from '../actions/progress-reporter.js';
import { realSleep, type Sleeper } from '../actions/wait-until.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RdsGateway } from '../aws/rds-gateway.js';
import type { Route53Gateway } from '../aws/route53-gateway.js';
import type { SlackOutboxService } from '../bot/outbox/slack-outbox-service.js';
import { drillTokenVariable } from '../config/drill-tokens.js';
import type { Config, MultiAzDrillConfig } from '../config/types.js';
import type { DrillRequest } from '../core/action-request.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { DrillMetrics } from '../observability/drill-metrics.js';
import type { DrillMessageRefs } from './drill-message-refs.js';
import type { DrillOutcome } from './drill-outcome.js';
import { DrillPosts } from './drill-posts.js';
import type { NextScheduledRun } from './next-scheduled-run.js';
import { runDrill, type DrillRunDeps } from './drill-run.js';
import { isDrillRunId, type DrillStore } from './drill-store.js';

export interface DrillServiceDeps {
  config: Pick<Config, 'drills' | 'runbooks' | 'slack'>;
  store: DrillStore;
  audit: Pick<AuditLog, 'appendDrill'>;
  metrics: DrillMetrics;
  rds: RdsGateway;
  route53: Route53Gateway;
  lag: LagSource;
  clock: Clock;
  logger: Logger;
  /** Where each run's Slack message is, for its thread and final update (any replica delivers them). */
  messageRefs: DrillMessageRefs;
  sleep?: Sleeper;
  timeouts?: Partial<WaitTimeouts>;
  tcpTimeoutMs?: number;
  cleanup?: DrillRunDeps['cleanup'];
  /** The validation webhooks' bearer tokens by variable (EnvConfig.drillTokens). */
  webhookTokens?: Readonly<Record<string, string>>;
  /** When scheduled drills fire next, for the listing. */
  nextRuns?: Pick<NextScheduledRun, 'of'>;
  /** A run's liveness: renewed every `everyMs`, lapsing `leaseMs` after its process died (drill-recovery.ts). */
  liveness?: DrillLiveness;
}

/** Told of every outcome once it is recorded (the drill incidents' applier). */
export type DrillFinishedListener = (outcome: DrillOutcome) => void;

export interface DrillLiveness {
  leaseMs: number;
  everyMs: number;
}

// Three renewals per lease: one lost to a slow Redis answer does not make a live drill look dead.
export const DEFAULT_LIVENESS: DrillLiveness = { leaseMs: 60_000, everyMs: 20_000 };

export type DrillStart = { ok: true; runId: string } | { ok: false; reason: string };

/** One drill as `/dr drills` lists it. */
export interface DrillListing {
  name: string;
  /** The restore runbook; '' for a Multi-AZ failover drill. */
  runbook: string;
  /** A Multi-AZ failover drill: what it fails over ("orders-db (us-east-1)"). */
  multiAzFailover?: string;
  schedule?: string;
  /** Epoch ms of the schedule's next tick (node-cron's reading). */
  nextRunAt?: number;
  rtoMs?: number;
  last?: DrillOutcome;
}

// A claim outlives the longest drill (restore wait, keepFor, cleanup) so a live drill keeps its
// resources, and lapses after a crash so the source can be drilled again.
const CLAIM_MARGIN_MS = 60 * 60_000; // 1 hour

/**
 * Starts restore drills (from `/dr drill` or the schedule), one per source at a time and never
 * while a request or run holds the runbook or its source; each runs in the background, posting
 * its message and thread in `slack.channel`, and ends recorded (history), audited and counted.
 */
export class DrillService {
  private readonly running = new Map<string, { promise: Promise<void>; abort: AbortController; heartbeat: NodeJS.Timeout }>();
  private readonly finishedListeners = new Set<DrillFinishedListener>();
  private readonly runner: ActionRunner;
  private readonly sleep: Sleeper;
  /** The run's posts through the Slack outbox; absent without Slack (see attachSlack). */
  private posts: DrillPosts | undefined;

  constructor(private readonly deps: DrillServiceDeps) {
    this.sleep = deps.sleep ?? realSleep;
    // Its own runner: drill runs are journaled with the drills, and their steps told in the drill's thread.
    this.runner = new ActionRunner({
      rds: deps.rds,
      route53: deps.route53,
      lag: deps.lag,
      clock: deps.clock,
      journal: deps.store.journal,
      reporter: { report: (event) => this.stepReport(event) },
      logger: deps.logger,
      sleep: this.sleep,
    });
    deps.metrics.known(Object.keys(deps.config.drills ?? {}));
  }

  /**
   * Slack is built after the drills (its commands start them): it is attached once it exists,
   * before the outbox starts delivering (its handlers are registered here).
   */
  attachSlack(outbox: Pick<SlackOutboxService, 'enqueue' | 'register' | 'gateway'>): void {
    this.posts = new DrillPosts({
      channel: this.deps.config.slack.channel,
      outbox,
      refs: this.deps.messageRefs,
      logger: this.deps.logger,
    });
  }

  /** Subscribes to recorded outcomes; returns the unsubscribe function. */
  onFinished(listener: DrillFinishedListener): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  names(): string[] {
    return Object.keys(this.deps.config.drills ?? {});
  }

  /**
   * The approval request `/dr drill <name>` makes for a Multi-AZ failover drill, which is
   * disruptive and never runs on one person's word; null for a restore drill (see start).
   */
  approvalRequest(name: string, dryRun = false): DrillRequest | null {
    const drill = Object.hasOwn(this.deps.config.drills ?? {}, name) ? this.deps.config.drills?.[name] : undefined;
    return drill && 'multiAzFailover' in drill ? { kind: 'drill', drill: name, dryRun } : null;
  }

  /** Claims the drill's resources and runs it in the background; refuses with the reason in words. */
  async start(name: string, actor?: string): Promise<DrillStart> {
    const configured = Object.hasOwn(this.deps.config.drills ?? {}, name) ? this.deps.config.drills?.[name] : undefined;
    if (configured && 'multiAzFailover' in configured)
      return {
        ok: false,
        reason: `${name} is a Multi-AZ failover drill: it runs only as a two-person approved request (/dr drill ${name})`,
      };
    const drill = configured;
    const runbook =
      drill && Object.hasOwn(this.deps.config.runbooks.restore, drill.restore)
        ? this.deps.config.runbooks.restore[drill.restore]
        : undefined;
    if (!drill || !runbook)
      return { ok: false, reason: `there is no drill named "${name}" (drills: ${this.names().join(', ') || 'none'})` };
    const source = runbook.dbCluster ?? runbook.dbInstance ?? '';
    const resources = [
      resourceKey.runbook('restore', drill.restore),
      runbook.dbCluster !== undefined ? resourceKey.cluster(runbook.region, source) : resourceKey.instance(runbook.region, source),
    ];
    const restoreMs = this.deps.timeouts?.restoreMs ?? DEFAULT_WAIT_TIMEOUTS.restoreMs;
    const liveness = this.deps.liveness ?? DEFAULT_LIVENESS;
    const claim = await this.deps.store.claim({
      drill: name,
      resources,
      leaseMs: restoreMs + drill.keepForMs + CLAIM_MARGIN_MS,
      livenessMs: liveness.leaseMs,
      startedAt: this.deps.clock.now(),
    });
    if (!claim.ok) {
      const holder = isDrillRunId(claim.heldBy) ? `drill run ${claim.heldBy}` : `request ${claim.heldBy}`;
      return { ok: false, reason: `${claim.resource} is held by ${holder}; a drill never overlaps a request, run or another drill on it` };
    }
    const { runId } = claim;
    const log = this.deps.logger.child({ drill: name, runId });
    const abort = new AbortController();
    const heartbeat = this.keepAlive(runId, liveness, abort, log);
    const promise = (async () => {
      await this.deps.audit.appendDrill({
        type: 'drill-started',
        drillRunId: runId,
        drill: name,
        at: this.deps.clock.now(),
        ...(actor !== undefined && { actor }),
        detail: `restore runbook ${drill.restore} (${source}, ${runbook.region})`,
      });
      this.posts?.started({ drill: name, runId, runbook: drill.restore, ...(actor !== undefined && { actor }) });
      const outcome = await runDrill(
        {
          planning: { rds: this.deps.rds, route53: this.deps.route53, lag: this.deps.lag, clock: this.deps.clock },
          runner: this.runner,
          sleep: this.sleep,
          logger: this.deps.logger,
          progress: async (id, text) => this.posts?.progress(id, text),
          ...(this.deps.timeouts && { timeouts: this.deps.timeouts }),
          ...(this.deps.tcpTimeoutMs !== undefined && { tcpTimeoutMs: this.deps.tcpTimeoutMs }),
          ...(this.deps.cleanup && { cleanup: this.deps.cleanup }),
          planned: async (id, created) => {
            await this.deps.store.planned(id, created);
            // Last look before the restore is sent: a drill paused past its lease and taken over
            // by the leader must not create a copy the leader has already cleaned up after.
            if (!(await this.deps.store.heartbeat(id, liveness.leaseMs))) throw new Error('the leader took this drill over as interrupted');
          },
        },
        { name, drill, runbook, runId, signal: abort.signal, ...this.webhookToken(name) },
      );
      clearInterval(heartbeat);
      if (await this.report(outcome)) log.info({ result: outcome.result, restoreMs: outcome.restoreMs }, outcome.summary);
      else log.warn({ result: outcome.result }, 'the drill was taken over by the leader as interrupted; its own outcome is not recorded');
    })()
      .catch((err: unknown) => log.error({ err }, 'drill bookkeeping failed'))
      .finally(async () => {
        clearInterval(heartbeat);
        await this.deps.store
          .release(runId, resources)
          .catch((err: unknown) => log.error({ err }, 'drill claim could not be released; it lapses'));
        this.running.delete(runId);
      });
    this.running.set(runId, { promise, abort, heartbeat });
    return { ok: true, runId };
  }

  private webhookToken(name: string): { webhookToken?: string } {
    const token = this.deps.webhookTokens?.[drillTokenVariable(name)];
    return token !== undefined ? { webhookToken: token } : {};
  }

  /**
   * Ends a run: records its outcome (once: false when it already ended, or when the leader took it
   * over and this is not the leader's `interrupted` outcome), then counts, audits and reports it.
   * The drill's own end and the leader's recovery of a dead drill (drill-recovery.ts) both end here;
   * a recovered run's outcome updates the dead process's message, whose ref is in the store.
   */
  async report(outcome: DrillOutcome): Promise<boolean> {
    if (!(await this.deps.store.record(outcome))) return false;
    this.deps.metrics.record(outcome);
    await this.deps.audit.appendDrill({
      type: 'drill-finished',
      drillRunId: outcome.runId,
      drill: outcome.drill,
      at: outcome.finishedAt,
      detail: outcome.summary,
    });
    this.posts?.finished(outcome);
    for (const listener of this.finishedListeners) listener(outcome);
    return true;
  }

  /** Every configured drill with its newest outcome. */
  async list(): Promise<DrillListing[]> {
    return Promise.all(
      Object.entries(this.deps.config.drills ?? {}).map(async ([name, drill]) => {
        const [last] = await this.deps.store.history(name, 1);
        if ('multiAzFailover' in drill) return multiAzListing(name, drill, last);
        return {
          name,
          runbook: drill.restore,
          ...(drill.schedule !== undefined && { schedule: drill.schedule }),
          ...this.nextRun(name),
          ...(drill.rtoMs !== undefined && { rtoMs: drill.rtoMs }),
          ...(last !== undefined && { last }),
        };
      }),
    );
  }

  private nextRun(name: string): { nextRunAt?: number } {
    const at = this.deps.nextRuns?.of(name);
    return at !== undefined ? { nextRunAt: at } : {};
  }

  /** Resolves when every drill started so far has ended (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.promise));
  }

  /** Cuts waits short (keepFor, restore waits): each drill deletes what it created and ends. */
  async stop(): Promise<void> {
    for (const run of this.running.values()) run.abort.abort();
    await this.settled();
  }

  /**
   * Renews the run's liveness while it runs. A renewal refused means the leader took the run over
   * (this process looked dead: paused longer than the lease): the drill stops and leaves the
   * cleanup and the report to the leader. A failed renewal (Redis) is retried at the next beat.
   */
  private keepAlive(runId: string, liveness: DrillLiveness, abort: AbortController, log: Logger): NodeJS.Timeout {
    const timer = setInterval(() => {
      this.deps.store.heartbeat(runId, liveness.leaseMs).then(
        (kept) => {
          if (kept || abort.signal.aborted) return;
          log.warn('the drill was taken over by the leader as interrupted; stopping it here');
          clearInterval(timer);
          abort.abort();
        },
        (err: unknown) => log.warn({ err }, "the drill's liveness could not be renewed; retrying"),
      );
    }, liveness.everyMs);
    timer.unref();
    return timer;
  }

  /**
   * Stops renewing the liveness of drills that did not end within the shutdown budget: this
   * process is exiting without their cleanup, so the leader recovers them (drill-recovery.ts)
   * a liveness lease later instead of believing them alive until the process is gone.
   */
  abandon(): void {
    for (const run of this.running.values()) clearInterval(run.heartbeat);
  }

  private async stepReport(event: ProgressEvent): Promise<void> {
    if (event.type === 'step-done' || event.type === 'step-failed') this.posts?.progress(event.runId, event.message);
  }
}

/** A Multi-AZ failover drill's line in `/dr drills`: what it fails over, on demand only. */
function multiAzListing(name: string, drill: MultiAzDrillConfig, last: DrillOutcome | undefined): DrillListing {
  const m = drill.multiAzFailover;
  const what = 'dbInstance' in m ? m.dbInstance : `cluster ${m.dbCluster}${m.targetInstance ? ` to ${m.targetInstance}` : ''}`;
  return {
    name,
    runbook: '',
    multiAzFailover: `${what} (${drill.region})`,
    ...(drill.rtoMs !== undefined && { rtoMs: drill.rtoMs }),
    ...(last !== undefined && { last }),
  };
}
