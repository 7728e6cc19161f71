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
import { runDrill, type DrillRunDeps } from './drill-run.js';
import type { DrillStore } from './drill-store.js';

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
}

/** Told of every outcome once it is recorded (the drill incidents' applier). */
export type DrillFinishedListener = (outcome: DrillOutcome) => void;

export type DrillStart = { ok: true; runId: string } | { ok: false; reason: string };

/** One drill as `/dr drills` lists it. */
export interface DrillListing {
  name: string;
  /** The restore runbook; '' for a Multi-AZ failover drill. */
  runbook: string;
  /** A Multi-AZ failover drill: what it fails over ("orders-db (us-east-1)"). */
  multiAzFailover?: string;
  schedule?: string;
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
  private readonly running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
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
    const claim = await this.deps.store.claim({ resources, leaseMs: restoreMs + drill.keepForMs + CLAIM_MARGIN_MS });
    if (!claim.ok) {
      const holder = claim.heldBy.startsWith('DRL-') ? `drill run ${claim.heldBy}` : `request ${claim.heldBy}`;
      return { ok: false, reason: `${claim.resource} is held by ${holder}; a drill never overlaps a request, run or another drill on it` };
    }
    const { runId } = claim;
    const log = this.deps.logger.child({ drill: name, runId });
    const abort = new AbortController();
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
        },
        { name, drill, runbook, runId, signal: abort.signal, ...this.webhookToken(name) },
      );
      this.deps.metrics.record(outcome);
      await this.deps.store.record(outcome);
      await this.deps.audit.appendDrill({
        type: 'drill-finished',
        drillRunId: runId,
        drill: name,
        at: outcome.finishedAt,
        detail: outcome.summary,
      });
      this.posts?.finished(outcome);
      for (const listener of this.finishedListeners) listener(outcome);
      log.info({ result: outcome.result, restoreMs: outcome.restoreMs }, outcome.summary);
    })()
      .catch((err: unknown) => log.error({ err }, 'drill bookkeeping failed'))
      .finally(async () => {
        await this.deps.store
          .release(runId, resources)
          .catch((err: unknown) => log.error({ err }, 'drill claim could not be released; it lapses'));
        this.running.delete(runId);
      });
    this.running.set(runId, { promise, abort });
    return { ok: true, runId };
  }

  private webhookToken(name: string): { webhookToken?: string } {
    const token = this.deps.webhookTokens?.[drillTokenVariable(name)];
    return token !== undefined ? { webhookToken: token } : {};
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
          ...(drill.rtoMs !== undefined && { rtoMs: drill.rtoMs }),
          ...(last !== undefined && { last }),
        };
      }),
    );
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
