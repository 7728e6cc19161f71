import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ActionRequest } from '../core/action-request.js';
import type { CheckResult } from '../core/check-result.js';
import { SEVERITIES, type Severity } from '../core/severity.js';
import { BoundCounter, type CounterSeries } from './bound-counter.js';
import { BoundHistogram, type HistogramSeries } from './bound-histogram.js';
import { DrillMetrics } from './drill-metrics.js';
import { PerCheckSeries } from './per-check-series.js';

/** The per-type series a check run records into (see Metrics.recordResult). */
interface RunChildren {
  duration: HistogramSeries<'type'>;
  pass: CounterSeries<'type' | 'outcome'>;
  fail: CounterSeries<'type' | 'outcome'>;
}

/** Outcome label values of lifeboat_pagerduty_events_total. */
export type DeliveryOutcome = 'delivered' | 'retried' | 'dropped' | 'refused';

/** Outcome label values of the action metrics: how a run ended. */
export type ActionOutcome = 'succeeded' | 'failed' | 'refused' | 'interrupted';
const ACTION_OUTCOMES: readonly ActionOutcome[] = ['succeeded', 'failed', 'refused', 'interrupted'];

/** Outcome label values of lifeboat_pagerduty_webhooks_total. */
export type WebhookOutcome = 'applied' | 'ignored' | 'unauthorized' | 'malformed';

/** What the pager counts: every Events API attempt, and every webhook PagerDuty sent back. */
export class PagingMetrics {
  readonly events: Counter<'action' | 'outcome'>;
  readonly webhooks: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.webhooks = new Counter({
      name: 'lifeboat_pagerduty_webhooks_total',
      help: 'PagerDuty V3 webhook deliveries by outcome (applied, ignored, unauthorized, malformed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    });
    this.events = new Counter({
      name: 'lifeboat_pagerduty_events_total',
      help: 'PagerDuty Events API attempts by action (trigger, acknowledge, resolve) and outcome',
      labelNames: ['action', 'outcome'] as const,
      registers: [registry],
    });
  }
}

/** One finished run, as the action metrics see it. */
export interface FinishedRun {
  action: ActionRequest['kind'];
  outcome: ActionOutcome;
  /** The runbook's name; '' for status-page posts (their subject is an incident id: unbounded). */
  runbook: string;
  /** Start of execution to the end of the last step; null when unknown (interrupted by a crash). */
  elapsedMs: number | null;
  /** Set only on a succeeded run whose verify step passed. */
  timeToRecoveryMs?: number;
  /** Failover: replica lag at cut-over, seconds; null or absent when not measured. */
  dataLossSeconds?: number | null;
}

/** The runbook label of a run: runbooks are config, so the label set stays bounded. */
export function runbookLabel(action: ActionRequest['kind'], subject: string): string {
  return action === 'statuspage' ? '' : subject;
}

// seconds: status-page posts take seconds, promotions minutes, large restores hours
const ACTION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 21600];

/**
 * What DR actions record: `lifeboat_actions_total{action,outcome}` (owned by `Metrics`, which
 * zeroes its known label sets), `lifeboat_action_duration_seconds{action,outcome,runbook}`,
 * `lifeboat_recovery_seconds{action,runbook}` and `lifeboat_failover_data_loss_seconds{runbook}`.
 */
export class ActionMetrics {
  readonly duration: Histogram<'action' | 'outcome' | 'runbook'>;
  readonly recovery: Histogram<'action' | 'runbook'>;
  readonly dataLoss: Histogram<'runbook'>;

  constructor(
    registry: Registry,
    private readonly actionsTotal: Counter<'action' | 'outcome'>,
  ) {
    this.duration = new Histogram({
      name: 'lifeboat_action_duration_seconds',
      help: 'How long an executed DR action took, start of execution to its last step (execution time), by runbook',
      labelNames: ['action', 'outcome', 'runbook'] as const,
      buckets: ACTION_BUCKETS,
      registers: [registry],
    });
    this.recovery = new Histogram({
      name: 'lifeboat_recovery_seconds',
      help: "Time to recovery of succeeded runs with a verify step: from the incident's opening (or the request) to the last verify check passing",
      labelNames: ['action', 'runbook'] as const,
      buckets: ACTION_BUCKETS,
      registers: [registry],
    });
    this.dataLoss = new Histogram({
      name: 'lifeboat_failover_data_loss_seconds',
      help: 'Data-loss window of succeeded failovers: replica lag at cut-over, where measured',
      labelNames: ['runbook'] as const,
      // seconds: a healthy replica lags under a second; a guard usually allows minutes
      buckets: [0, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    });
  }

  /** Counts one finished run; its duration when known; its time to recovery and data-loss window when measured. */
  record(run: FinishedRun): void {
    const { action, outcome, runbook } = run;
    this.actionsTotal.inc({ action, outcome });
    if (run.elapsedMs !== null) this.duration.observe({ action, outcome, runbook }, run.elapsedMs / 1000);
    if (outcome !== 'succeeded') return;
    if (run.timeToRecoveryMs !== undefined) this.recovery.observe({ action, runbook }, run.timeToRecoveryMs / 1000);
    if (action === 'failover' && run.dataLossSeconds !== undefined && run.dataLossSeconds !== null) {
      this.dataLoss.observe({ runbook }, run.dataLossSeconds);
    }
  }
}

/**
 * Every Lifeboat metric in one place, on a registry of its own (never prom-client's global one,
 * so two apps in one test process do not collide). Labels are bounded: check ids come from
 * config, severities and outcomes from fixed sets.
 */
export class Metrics {
  readonly registry = new Registry();

  // Per type, not per check: a per-check histogram is 15 series a check (13 buckets, sum, count),
  // 300,000 at 20,000 checks, which is what made /metrics 21 MiB and slowed the monitor while
  // being scraped. A check's own latest duration is one gauge series (PerCheckSeries).
  // Bound (no label work per observation): it is observed on every run, 2,000 a second at 20,000 checks.
  readonly checkDuration = new BoundHistogram({
    name: 'lifeboat_check_duration_seconds',
    help: 'How long check runs took, by check type',
    labelNames: ['type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  // Per type: per check it was one or two more series a check, and lifeboat_check_up already
  // says which checks fail.
  readonly checkRuns = new BoundCounter({
    name: 'lifeboat_check_runs_total',
    help: 'Check runs by check type and outcome (pass, fail)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly incidentsOpen = new Gauge({
    name: 'lifeboat_incidents_open',
    help: 'Open incidents by severity',
    labelNames: ['severity'] as const,
    registers: [this.registry],
  });

  readonly approvalsPending = new Gauge({
    name: 'lifeboat_approvals_pending',
    help: 'Approval requests waiting for approvers',
    registers: [this.registry],
  });

  readonly actionsTotal = new Counter({
    name: 'lifeboat_actions_total',
    help: 'DR actions by kind and outcome',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly slackAck = new Histogram({
    name: 'lifeboat_slack_ack_seconds',
    help: 'Time from receiving a Slack request to acknowledging it',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
    registers: [this.registry],
  });

  // Bound, as checkDuration: observed on every run.
  readonly schedulingLag = new BoundHistogram({
    name: 'lifeboat_scheduling_lag_seconds',
    help: 'Delay between when a check run was due and when it started',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly checkRunsSkipped = new Counter({
    name: 'lifeboat_check_runs_skipped_total',
    help: 'Runs skipped because the previous run of the same job was still in flight',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });

  readonly isLeader = new Gauge({
    name: 'lifeboat_monitor_leader',
    help: 'Whether this process holds the monitor lease (1) or not (0)',
    registers: [this.registry],
  });

  /** Last known verdict per runbook: an evaluation AWS throttled or denied leaves it as it was. */
  readonly runbookReady = new Gauge({
    name: 'lifeboat_runbook_ready',
    help: "Whether the runbook's pre-flight passed on its latest readiness evaluation (1) or would refuse it (0)",
    labelNames: ['kind', 'runbook'] as const,
    registers: [this.registry],
  });

  readonly slackOutboxPending = new Gauge({
    name: 'lifeboat_slack_outbox_pending',
    help: 'Slack posts and updates waiting in the outbox (every lane, every replica)',
    registers: [this.registry],
    collect: async () => {
      const source = this.outboxPendingSource;
      if (!source) return;
      try {
        this.slackOutboxPending.set(await source());
      } catch {
        // The store is down: keep the last value; /readyz says why.
      }
    },
  });

  readonly slackOutboxDeliveries = new Counter({
    name: 'lifeboat_slack_outbox_deliveries_total',
    help: 'Slack outbox delivery attempts by entry kind and outcome (delivered, found, retried, rate_limited, failing, dropped)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly perCheck = new PerCheckSeries();
  private readonly runChildrenByType = new Map<string, RunChildren>();
  private outboxPendingSource: (() => Promise<number>) | null = null;
  private pagingMetrics: PagingMetrics | null = null;
  private actionMetrics: ActionMetrics | null = null;
  private drillMetrics: DrillMetrics | null = null;

  // The paging and action families are registered on first use, so /metrics of a process without
  // PagerDuty (or without actions) does not list families it can never fill.

  /** lifeboat_pagerduty_events_total, shared by every pager of this app. */
  get paging(): PagingMetrics {
    this.pagingMetrics ??= new PagingMetrics(this.registry);
    return this.pagingMetrics;
  }

  /** lifeboat_actions_total, lifeboat_action_duration_seconds, lifeboat_recovery_seconds, lifeboat_failover_data_loss_seconds. */
  get actions(): ActionMetrics {
    this.actionMetrics ??= new ActionMetrics(this.registry, this.actionsTotal);
    return this.actionMetrics;
  }

  /** lifeboat_drill_runs_total, lifeboat_drill_duration_seconds, lifeboat_drill_last_success_timestamp_seconds. */
  get drills(): DrillMetrics {
    this.drillMetrics ??= new DrillMetrics(this.registry);
    return this.drillMetrics;
  }

  /** Where lifeboat_slack_outbox_pending is read from at scrape time (the outbox in the store). */
  setSlackOutboxSource(source: () => Promise<number>): void {
    this.outboxPendingSource = source;
  }

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const severity of SEVERITIES) this.incidentsOpen.set({ severity }, 0);
    // Known label sets start at zero, so a fresh process already shows them (and rate() works).
    for (const action of ['failover', 'restore', 'statuspage']) {
      for (const outcome of ACTION_OUTCOMES) this.actionsTotal.inc({ action, outcome }, 0);
    }
    this.approvalsPending.set(0);
    this.slackOutboxPending.set(0);
    this.isLeader.set(0);
  }

  /** Records what a check run measured. */
  recordResult(result: CheckResult): void {
    this.perCheck.record(result);
    const children = this.runChildren(result.measurement.kind);
    children.duration.observe(result.durationMs / 1000);
    (result.ok ? children.pass : children.fail).inc();
  }

  // Every run records into the same few label sets (one per check type): each type's series are
  // looked up once and kept, so a run's recording is a bucket search and three additions.
  private runChildren(type: string): RunChildren {
    let children = this.runChildrenByType.get(type);
    if (children === undefined) {
      children = {
        duration: this.checkDuration.labels({ type }),
        pass: this.checkRuns.labels({ type, outcome: 'pass' }),
        fail: this.checkRuns.labels({ type, outcome: 'fail' }),
      };
      this.runChildrenByType.set(type, children);
    }
    return children;
  }

  /** The whole scrape: prom-client's families, then the per-check gauges. */
  async render(): Promise<string> {
    return `${await this.registry.metrics()}${this.perCheck.render()}`;
  }

  /** Sets the open-incident gauge from the store's open incidents (every severity, zeros included). */
  setOpenIncidents(severities: Severity[]): void {
    for (const severity of SEVERITIES) {
      this.incidentsOpen.set({ severity }, severities.filter((s) => s === severity).length);
    }
  }
}
