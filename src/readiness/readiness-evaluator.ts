import type { RDSClient } from '@aws-sdk/client-rds';
import type { Route53Client } from '@aws-sdk/client-route-53';
import { ActionPlanner } from '../actions/action-planner.js';
import { storeLagSource } from '../actions/lag-source.js';
import type { Config } from '../config/types.js';
import type { CheckState } from '../core/check-state.js';
import type { Clock } from '../core/clock.js';
import type { Incident } from '../core/incident.js';
import type { Plan } from '../core/plan.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { BatchedRdsReads } from './batched-rds-reads.js';
import { BatchedRoute53Reads } from './batched-route53-reads.js';
import { evaluateRunbook, type RunbookKind, type RunbookReadiness } from './runbook-readiness.js';

export interface ReadinessEvaluatorDeps {
  config: Pick<Config, 'runbooks' | 'checks' | 'statuspage'>;
  /** `AwsClients`: the SDK clients requests use, so readiness reads what a request would read. */
  clients: { rds(region: string): RDSClient; route53(): Route53Client };
  /** The guard's latest lag per check (and incidents, which the planner's status-page path reads). */
  store: { getCheckState(checkId: string): Promise<CheckState | null>; getIncident(id: string): Promise<Incident | null> };
  clock: Clock;
  metrics: Pick<Metrics, 'runbookReady'>;
  logger: Logger;
  /** The hooks' bearer tokens by variable: readiness reports a set-but-empty one, as a request would refuse it. */
  hookTokens?: Readonly<Record<string, string>>;
  /**
   * Why a plan cannot be shown whole in Slack, or null (the bot's `planDisplayRefusal`, passed in
   * by the app): a plan approvers could not read is refused at request time, so readiness finds it first.
   */
  displayRefusal?: (plan: Plan) => string | null;
}

/** One evaluation of every runbook: when it started, how long it took, each verdict in config order. */
export interface ReadinessReport {
  startedAt: number;
  durationMs: number;
  runbooks: RunbookReadiness[];
}

/**
 * Evaluates every failover and restore runbook's pre-flight read-only, through the planner a real
 * request uses, over AWS reads batched and memoised for the one evaluation (see BatchedRdsReads).
 * Nothing here writes: the gateways it plans over refuse every mutating call.
 */
export class ReadinessEvaluator {
  constructor(private readonly deps: ReadinessEvaluatorDeps) {}

  /** The runbooks in evaluation order: failover, then restore, each in config order. */
  runbooks(): Array<{ kind: RunbookKind; runbook: string }> {
    const { failover, restore } = this.deps.config.runbooks;
    return [
      ...Object.keys(failover).map((runbook) => ({ kind: 'failover' as const, runbook })),
      ...Object.keys(restore).map((runbook) => ({ kind: 'restore' as const, runbook })),
    ];
  }

  async evaluate(): Promise<ReadinessReport> {
    const { config, clients, store, clock, metrics, logger } = this.deps;
    const startedAt = clock.now();
    const began = performance.now();
    // Fresh gateways per evaluation: the memo must never answer the next cycle with stale state.
    const planner = new ActionPlanner({
      rds: new BatchedRdsReads(clients),
      route53: new BatchedRoute53Reads(() => clients.route53()),
      lag: storeLagSource(store),
      clock,
      config,
      incidents: store,
      ...(this.deps.hookTokens && { hookTokens: this.deps.hookTokens }),
    });
    const runbooks = await Promise.all(
      this.runbooks().map(({ kind, runbook }) =>
        evaluateRunbook(planner, kind, runbook, {
          onUnexpected: (err) => logger.error({ err, kind, runbook }, `readiness of ${kind} ${runbook} could not be evaluated`),
          ...(this.deps.displayRefusal && { displayRefusal: this.deps.displayRefusal }),
        }),
      ),
    );
    for (const r of runbooks) {
      if (r.status !== 'unknown') metrics.runbookReady.set({ kind: r.kind, runbook: r.runbook }, r.status === 'ready' ? 1 : 0);
    }
    const durationMs = Math.round(performance.now() - began);
    const counts = { ready: 0, notReady: 0, unknown: 0 };
    for (const r of runbooks) counts[r.status === 'ready' ? 'ready' : r.status === 'not-ready' ? 'notReady' : 'unknown'] += 1;
    logger.info(
      { ...counts, durationMs },
      `readiness evaluated: ${counts.ready} ready, ${counts.notReady} not ready, ${counts.unknown} unknown`,
    );
    return { startedAt, durationMs, runbooks };
  }
}
