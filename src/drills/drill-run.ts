import { preflightRefusal } from '../actions/action-planner.js';
import { ActionError } from '../actions/action-error.js';
import type { ActionRunner } from '../actions/action-runner.js';
import { planRestore } from '../actions/plan-restore.js';
import type { PlanningContext, WaitTimeouts } from '../actions/planning-context.js';
import type { Sleeper } from '../actions/wait-until.js';
import type { RestoreDrillConfig, RestoreRunbook } from '../config/types.js';
import { drillTokenVariable } from '../config/drill-tokens.js';
import { formatDurationHms } from '../core/format-time.js';
import { preflightFailures, type Plan } from '../core/plan.js';
import type { Logger } from '../observability/logger.js';
import { deleteDrillResources, type DrillCreated } from './drill-cleanup.js';
import { leftBehind, type DrillOutcome, type DrillResult } from './drill-outcome.js';
import { probeTcp, splitEndpoint } from './endpoint-probe.js';
import { callValidationWebhook } from './validation-webhook.js';

/** What a drill run needs, injected. */
export interface DrillRunDeps {
  /** The planner's context (rds, route53, lag, clock): the restore is planned by plan-restore.ts. */
  planning: PlanningContext;
  /** An ActionRunner whose reporter tells the drill's thread (its own journal: drill runs are not approvals). */
  runner: Pick<ActionRunner, 'run'>;
  sleep: Sleeper;
  logger: Logger;
  timeouts?: Partial<WaitTimeouts>;
  /** Longest wait for the endpoint to accept a TCP connection (default 10 s). */
  tcpTimeoutMs?: number;
  /** Cleanup pacing (tests). */
  cleanup?: { pollMs?: number; writerGoneMs?: number };
  /** Told as the drill goes (its Slack thread). Never stops the drill when it fails. */
  progress?: (runId: string, text: string) => Promise<void>;
  /**
   * Keeps what the drill will create, before the restore call is sent: a crash after it leaves a
   * record the next leader cleans up by (drill-recovery.ts). A failure stops the drill there.
   */
  planned?: (runId: string, created: DrillCreated) => Promise<void>;
}

export interface DrillRunRequest {
  name: string;
  drill: RestoreDrillConfig;
  runbook: RestoreRunbook;
  runId: string;
  signal?: AbortSignal;
  /** LIFEBOAT_DRILL_<NAME>_TOKEN: `''` when set but empty (refused before anything is created). */
  webhookToken?: string;
}

const TCP_TIMEOUT_MS = 10_000; // 10 seconds

/** What the plan creates: the restore's target, and an Aurora restore's writer. */
function createdBy(plan: Plan): DrillCreated {
  const input = (id: string): Record<string, unknown> => ({ ...plan.calls.find((c) => c.id === id)?.input });
  const restore = input('restore');
  const region = plan.calls[0]?.region ?? '';
  const cluster = typeof restore.DBClusterIdentifier === 'string' ? restore.DBClusterIdentifier : undefined;
  const instance = String(restore.TargetDBInstanceIdentifier ?? restore.DBInstanceIdentifier ?? '');
  const writer = input('create-writer').DBInstanceIdentifier;
  if (cluster !== undefined) {
    return { region, target: cluster, cluster, instances: typeof writer === 'string' ? [writer] : [] };
  }
  return { region, target: instance, instances: [instance] };
}

function failureOf(err: unknown): string {
  return err instanceof ActionError || err instanceof Error ? err.message : String(err);
}

/**
 * One restore drill (SPEC §10): plan the runbook's restore part at the latest restorable time
 * into a temporary, tagged identifier; execute it with the ActionRunner (every mutating call sent
 * once, waits included); check the endpoint accepts TCP; call the validation webhook; measure
 * start to available against `rto`; after `keepFor`, delete only what carries this run's tag.
 * Never throws: every path ends in a `DrillOutcome`, the cleanup included.
 */
export async function runDrill(deps: DrillRunDeps, request: DrillRunRequest): Promise<DrillOutcome> {
  const { name, drill, runbook, runId } = request;
  const clock = deps.planning.clock;
  const log = deps.logger.child({ drill: name, runId });
  const startedAt = clock.now();
  const source = runbook.dbCluster ?? runbook.dbInstance ?? '';
  const tell = async (text: string) => {
    try {
      await deps.progress?.(runId, text);
    } catch (err) {
      log.warn({ err }, 'drill progress could not be told');
    }
  };
  const base = {
    drill: name,
    runId,
    runbook: drill.restore,
    region: runbook.region,
    source,
    startedAt,
    ...(drill.rtoMs !== undefined && { rtoMs: drill.rtoMs }),
  };

  if (drill.validate?.webhook && request.webhookToken === '') {
    const reason = `${drillTokenVariable(name)} is set but empty (a secret that did not mount?): the validation webhook would be called without its token`;
    return finish(base, clock.now(), 'failed', { reason, cleanup: [] });
  }

  let plan: Plan;
  try {
    plan = await planRestore(
      { kind: 'restore', runbook: drill.restore, dryRun: false, source: { type: 'latest' } },
      runbook,
      deps.planning,
      {
        drill: { runId },
        ...(deps.timeouts && { timeouts: deps.timeouts }),
      },
    );
  } catch (err) {
    return finish(base, clock.now(), 'failed', { reason: `the restore could not be planned: ${failureOf(err)}`, cleanup: [] });
  }
  if (preflightFailures(plan).length > 0) {
    return finish(base, clock.now(), 'failed', { reason: preflightRefusal(plan), cleanup: [] });
  }
  const created = createdBy(plan);
  try {
    await deps.planned?.(runId, created);
  } catch (err) {
    return finish(base, clock.now(), 'failed', {
      reason: `the drill's record could not be kept, so nothing was created: ${failureOf(err)}`,
      cleanup: [],
    });
  }
  await tell(`Restoring ${source} at its latest restorable time into ${created.target} (${runbook.region}).`);
  const run = await deps.runner.run(runId, plan, request.signal ? { signal: request.signal } : {});
  const found: Partial<DrillOutcome> = { target: created.target };

  let result: DrillResult;
  if (run.status !== 'succeeded') {
    result = 'failed';
    found.reason = `the restore ${run.status}: ${run.error?.message ?? run.summary}`;
  } else {
    found.restoreMs = run.finishedAt - startedAt;
    if (run.endpoint !== undefined) found.endpoint = run.endpoint;
    result = await check(deps, request, found);
  }

  if (drill.keepForMs > 0 && result !== 'failed') {
    await tell(`Keeping ${created.target} for ${formatDurationHms(drill.keepForMs)} before deleting it.`);
    // A stop (shutdown) cuts the wait short: the copy is deleted now rather than left running.
    await deps.sleep(drill.keepForMs, request.signal).catch(() => undefined);
  }
  // Always: a failed restore may still have created its instance (each delete reads the tag first).
  const cleanup = await deleteDrillResources({ rds: deps.planning.rds, sleep: deps.sleep, ...deps.cleanup }, created, runId);
  for (const step of leftBehind({ cleanup })) log.error({ resource: step.resource, result: step.result }, step.message);
  return finish(base, clock.now(), result, { ...found, cleanup });
}

/** The restored copy: accepts TCP, passes the webhook, within rto. Sets `reason` when it does not pass. */
async function check(deps: DrillRunDeps, request: DrillRunRequest, found: Partial<DrillOutcome>): Promise<DrillResult> {
  const { drill } = request;
  const endpoint = found.endpoint;
  if (endpoint === undefined) {
    found.reason = 'RDS reported no endpoint for the restored database';
    return 'invalid';
  }
  const tcp = await probeTcp(endpoint, deps.tcpTimeoutMs ?? TCP_TIMEOUT_MS);
  if (!tcp.ok) {
    found.reason = `the endpoint did not accept a TCP connection: ${tcp.reason}`;
    return 'invalid';
  }
  const webhook = drill.validate?.webhook;
  if (webhook) {
    const target = splitEndpoint(endpoint);
    const db = found.target ? await describeEngine(deps, request.runbook, found.target) : undefined;
    const validation = await callValidationWebhook(
      webhook.url,
      webhook.timeoutMs,
      { endpoint: target?.host ?? endpoint, port: target?.port ?? 0, engine: db ?? 'unknown', drill: request.name, runId: request.runId },
      request.webhookToken,
    );
    if (!validation.valid) {
      found.reason = validation.reason;
      return 'invalid';
    }
  }
  if (drill.rtoMs !== undefined && (found.restoreMs ?? 0) > drill.rtoMs) {
    found.reason = `restored in ${formatDurationHms(found.restoreMs ?? 0)}, over the rto of ${formatDurationHms(drill.rtoMs)}`;
    return 'missed-rto';
  }
  return 'passed';
}

async function describeEngine(deps: DrillRunDeps, runbook: RestoreRunbook, target: string): Promise<string | undefined> {
  try {
    const rds = deps.planning.rds;
    const db =
      runbook.dbCluster !== undefined
        ? await rds.describeDbCluster(runbook.region, target)
        : await rds.describeDbInstance(runbook.region, target);
    return db?.engine;
  } catch {
    return undefined;
  }
}

const RESULT_WORDS: Record<DrillResult, string> = {
  passed: 'passed',
  'missed-rto': 'missed its rto',
  invalid: 'restored but did not validate',
  failed: 'failed',
  interrupted: 'was interrupted',
};

/** The outcome with its one-paragraph summary (also for a drill the leader recovered). */
export function finish(
  base: Omit<DrillOutcome, 'result' | 'finishedAt' | 'cleanup' | 'summary'>,
  finishedAt: number,
  result: DrillResult,
  extra: Partial<DrillOutcome> & { cleanup: DrillOutcome['cleanup'] },
): DrillOutcome {
  const outcome: DrillOutcome = { ...base, ...extra, result, finishedAt, summary: '' };
  const measured =
    outcome.restoreMs !== undefined
      ? ` Restored in ${formatDurationHms(outcome.restoreMs)}${outcome.rtoMs !== undefined ? ` (rto ${formatDurationHms(outcome.rtoMs)})` : ''}.`
      : '';
  const why = outcome.reason ? ` ${outcome.reason[0]?.toUpperCase()}${outcome.reason.slice(1)}.` : '';
  const left = leftBehind(outcome);
  const cleaned =
    left.length > 0
      ? ` Left behind: ${left.map((s) => s.message).join('; ')}.`
      : outcome.cleanup.some((s) => s.result === 'deleted')
        ? ` Deleted: ${outcome.cleanup
            .filter((s) => s.result === 'deleted')
            .map((s) => s.resource)
            .join(', ')}.`
        : '';
  outcome.summary = `Drill ${base.drill} ${RESULT_WORDS[result]}.${measured}${why}${cleaned}`;
  return outcome;
}
