import { ActionRunner } from '../actions/action-runner.js';
import type { LagSource } from '../actions/lag-source.js';
import { DEFAULT_WAIT_TIMEOUTS, resourceKey, type WaitTimeouts } from '../actions/planning-context.js';
import type { ProgressEvent } from '../actions/progress-reporter.js';
import { realSleep, type Sleeper } from '../actions/wait-until.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { RdsGateway } from '../aws/rds-gateway.js';
import type { Route53Gateway } from '../aws/route53-gateway.js';
import type { SlackGateway } from '../bot/slack-gateway.js';
import { drillTokenVariable } from '../config/drill-tokens.js';
import type { Config, MultiAzDrillConfig } from '../config/types.js';
import type { DrillRequest } from '../core/action-request.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../observability/logger.js';
import type { DrillMetrics } from '../observability/drill-metrics.js';
import { drillFinishedMessage, drillProgressMessage, drillStartedMessage, type DrillMessage } from './drill-messages.js';
import type { DrillOutcome } from './drill-outcome.js';
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
  /** Posts the drill's message and thread in `slack.channel`; absent without Slack (see attachSlack). */
  slack?: DrillSlack;
  sleep?: Sleeper;
  timeouts?: Partial<WaitTimeouts>;
  tcpTimeoutMs?: number;
  cleanup?: DrillRunDeps['cleanup'];
  /** The validation webhooks' bearer tokens by variable (EnvConfig.drillTokens). */
  webhookTokens?: Readonly<Record<string, string>>;
}

export type DrillSlack = Pick<SlackGateway, 'postMessage' | 'updateMessage'>;

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
  private readonly threads = new Map<string, { channel: string; ts: string }>();
  private readonly runner: ActionRunner;
  private readonly sleep: Sleeper;
  private slack: DrillSlack | undefined;

  constructor(private readonly deps: DrillServiceDeps) {
    this.slack = deps.slack;
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

  /** Slack is built after the drills (its commands start them): it is attached once it exists. */
  attachSlack(slack: DrillSlack): void {
    this.slack = slack;
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
      await this.post(runId, drillStartedMessage({ drill: name, runId, runbook: drill.restore, ...(actor !== undefined && { actor }) }));
      const outcome = await runDrill(
        {
          planning: { rds: this.deps.rds, route53: this.deps.route53, lag: this.deps.lag, clock: this.deps.clock },
          runner: this.runner,
          sleep: this.sleep,
          logger: this.deps.logger,
          progress: (id, text) => this.reply(id, text),
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
      await this.finished(outcome);
      log.info({ result: outcome.result, restoreMs: outcome.restoreMs }, outcome.summary);
    })()
      .catch((err: unknown) => log.error({ err }, 'drill bookkeeping failed'))
      .finally(async () => {
        await this.deps.store
          .release(runId, resources)
          .catch((err: unknown) => log.error({ err }, 'drill claim could not be released; it lapses'));
        this.running.delete(runId);
        this.threads.delete(runId);
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
    if (event.type === 'step-done' || event.type === 'step-failed') await this.reply(event.runId, event.message);
  }

  private async post(runId: string, message: DrillMessage): Promise<void> {
    const channel = this.deps.config.slack.channel;
    if (!this.slack || !channel) return;
    try {
      const posted = await this.slack.postMessage({ channel, text: message.text, blocks: message.blocks });
      this.threads.set(runId, { channel: posted.channel, ts: posted.ts });
    } catch (err) {
      this.deps.logger.warn({ err, runId }, 'the drill message could not be posted in Slack');
    }
  }

  private async reply(runId: string, text: string): Promise<void> {
    const thread = this.threads.get(runId);
    if (!this.slack || !thread) return;
    const message = drillProgressMessage(text);
    try {
      await this.slack.postMessage({ channel: thread.channel, threadTs: thread.ts, text: message.text, blocks: message.blocks });
    } catch (err) {
      this.deps.logger.warn({ err, runId }, 'drill progress could not be posted in Slack');
    }
  }

  private async finished(outcome: DrillOutcome): Promise<void> {
    const thread = this.threads.get(outcome.runId);
    if (!this.slack || !thread) return;
    const message = drillFinishedMessage(outcome);
    try {
      await this.slack.updateMessage({ channel: thread.channel, ts: thread.ts, text: message.text, blocks: message.blocks });
    } catch (err) {
      this.deps.logger.warn({ err, runId: outcome.runId }, 'the drill message could not be updated in Slack');
    }
    await this.reply(outcome.runId, outcome.summary);
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
