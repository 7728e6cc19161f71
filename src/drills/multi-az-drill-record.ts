import { failoverTimeMs } from '../actions/plan-multi-az-drill.js';
import type { RunOutcome } from '../actions/run-outcome.js';
import type { Approval } from '../approvals/approval.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config, MultiAzDrillConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { formatDurationHms } from '../core/format-time.js';
import type { Logger } from '../observability/logger.js';
import type { DrillMetrics } from '../observability/drill-metrics.js';
import type { DrillOutcome, DrillResult } from './drill-outcome.js';
import type { DrillStore } from './drill-store.js';

export interface MultiAzDrillRecordDeps {
  config: Pick<Config, 'drills'>;
  store: Pick<DrillStore, 'record'>;
  audit: Pick<AuditLog, 'appendDrill'>;
  metrics: DrillMetrics;
  clock: Clock;
  logger: Logger;
}

/** What a Multi-AZ drill fails over, in words: "orders-db", "cluster orders-aurora". */
function sourceOf(drill: MultiAzDrillConfig): string {
  return 'dbInstance' in drill.multiAzFailover ? drill.multiAzFailover.dbInstance : drill.multiAzFailover.dbCluster;
}

/**
 * A Multi-AZ failover drill runs as an approved request (its progress in the approval's thread);
 * this records it as a drill as well, like a restore drill: `drill-started` and `drill-finished`
 * in the audit log, its outcome in the drill's history (`/dr drills`), and the drill metrics. The
 * replica that executes the run records it, once.
 */
export class MultiAzDrillRecord {
  constructor(private readonly deps: MultiAzDrillRecordDeps) {}

  /** The drill the approved plan runs; null for any other plan (or a drill no longer configured). */
  private drillOf(approval: Approval): { name: string; drill: MultiAzDrillConfig } | null {
    const request = approval.plan.request;
    if (request.kind !== 'drill') return null;
    const drill = Object.hasOwn(this.deps.config.drills ?? {}, request.drill) ? this.deps.config.drills?.[request.drill] : undefined;
    return drill && 'multiAzFailover' in drill ? { name: request.drill, drill } : null;
  }

  /** Before the run's first step: who asked, who approved. */
  async started(approval: Approval): Promise<void> {
    const found = this.drillOf(approval);
    if (!found) return;
    const approvers = approval.approvals.map((a) => a.userId).join(', ');
    await this.deps.audit.appendDrill({
      type: 'drill-started',
      drillRunId: approval.id,
      drill: found.name,
      at: this.deps.clock.now(),
      actor: approval.requester,
      detail: `${approval.plan.title}; approved by ${approvers || 'nobody'}`,
    });
  }

  /** After the run ended, however it ended: history, metrics, audit. Returns what was recorded (null: not a drill). */
  async finished(approval: Approval, run: RunOutcome): Promise<DrillOutcome | null> {
    const found = this.drillOf(approval);
    if (!found) return null;
    const outcome = drillOutcome(found.name, found.drill, approval.id, run);
    this.deps.metrics.record(outcome);
    await this.deps.store.record(outcome);
    await this.deps.audit.appendDrill({
      type: 'drill-finished',
      drillRunId: approval.id,
      drill: found.name,
      at: outcome.finishedAt,
      detail: outcome.summary,
    });
    this.deps.logger.info(
      { drill: found.name, approvalId: approval.id, result: outcome.result, failoverMs: outcome.failoverMs },
      outcome.summary,
    );
    return outcome;
  }
}

/** The drill's outcome from its run's: passed, missed-rto (recovered, slower than rto) or failed. */
export function drillOutcome(name: string, drill: MultiAzDrillConfig, runId: string, run: RunOutcome): DrillOutcome {
  const failoverMs = run.status === 'succeeded' ? failoverTimeMs(run.steps) : undefined;
  let result: DrillResult = 'failed';
  let reason: string | undefined;
  if (failoverMs === undefined) {
    reason = run.status === 'succeeded' ? 'the failover time could not be measured' : (run.error?.message ?? `the run ${run.status}`);
    if (run.status === 'refused') reason = 'not executed: pre-flight no longer held just before the run';
  } else if (drill.rtoMs !== undefined && failoverMs > drill.rtoMs) {
    result = 'missed-rto';
    reason = `recovered in ${formatDurationHms(failoverMs)}, over the rto of ${formatDurationHms(drill.rtoMs)}`;
  } else {
    result = 'passed';
  }
  const source = sourceOf(drill);
  const measured =
    failoverMs !== undefined
      ? ` Failed over and recovered in ${formatDurationHms(failoverMs)}${drill.rtoMs !== undefined ? ` (rto ${formatDurationHms(drill.rtoMs)})` : ''}.`
      : '';
  const why = reason !== undefined && result !== 'missed-rto' ? ` ${reason}` : '';
  return {
    drill: name,
    runId,
    runbook: '',
    kind: 'multi-az-failover',
    region: drill.region,
    source,
    result,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(failoverMs !== undefined && { failoverMs }),
    ...(drill.rtoMs !== undefined && { rtoMs: drill.rtoMs }),
    ...(reason !== undefined && { reason }),
    cleanup: [],
    summary: `Multi-AZ failover drill ${name} (${runId}, ${source}, ${drill.region}) ${result}.${measured}${why}`,
  };
}
