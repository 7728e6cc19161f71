import type { BackupCheck, CheckConfig, HttpCheck, ReplicationLagCheck } from '../config/types.js';
import type { CheckResult, ProbeOutcome } from '../core/check-result.js';
import type { Clock } from '../core/clock.js';
import type { LagProbeSpec } from './probes/replication-lag-probe.js';
import { lagProbeSpec } from './probes/replication-lag-evaluate.js';
import { BACKSTOP_MARGIN_MS, lagFailure, probeCheck, stamp, untilAborted, type Probes } from './probe-check.js';
import type { ScheduledJob } from './scheduler.js';
import { flatConcat } from '../core/flat-string.js';

export type { Probes } from './probe-check.js';

/**
 * Where a run's results go. `deadlineMs` is the run's scheduler deadline, so the sink can tell a
 * result measured across a stall (see stalled-run.ts) from an ordinary timeout. Synchronous: it
 * only queues the result (the result queue applies it), so a run awaits no promise of its own.
 */
export type ResultSink = (result: CheckResult, deadlineMs: number) => void;

/**
 * Turns configured checks into scheduled jobs. Lag checks sharing a region and cadence become
 * one job, so CloudWatch sees one batched GetMetricData per group instead of one call per check.
 */
export function buildJobs(checks: CheckConfig[], probes: Probes, sink: ResultSink, clock: Clock): ScheduledJob[] {
  const jobs: ScheduledJob[] = [];
  const lagGroups = new Map<string, ReplicationLagCheck[]>();
  for (const check of checks) {
    if (check.type === 'http' || check.type === 'backup') jobs.push(new SingleCheckJob(check, probes, sink, clock));
    else {
      const key = `${check.region}|${check.everyMs ?? check.schedule}`;
      lagGroups.set(key, [...(lagGroups.get(key) ?? []), check]);
    }
  }
  for (const group of lagGroups.values()) jobs.push(lagJob(group, probes, sink, clock));
  return jobs;
}

function cadence(check: CheckConfig): Pick<ScheduledJob, 'everyMs' | 'cron'> {
  return check.schedule ? { cron: check.schedule } : { everyMs: check.everyMs ?? 60_000 };
}

/**
 * An HTTP or backup check: one probe per run (probe-check.ts, shared with verify steps). An HTTP
 * run's signal aborts at the check's timeout, so the prober uses it as its deadline instead of
 * making a second abort signal every run. A class rather than an object with a `run` closure:
 * at 20,000 checks the closures and their contexts were 40,000 more objects to mark.
 */
class SingleCheckJob implements ScheduledJob {
  readonly id: string;
  readonly timeoutMs: number;
  readonly everyMs?: number;
  readonly cron?: string;
  readonly abortAfterMs?: number;
  private readonly signalIsDeadline: boolean;

  constructor(
    private readonly check: HttpCheck | BackupCheck,
    private readonly probes: Probes,
    private readonly sink: ResultSink,
    private readonly clock: Clock,
  ) {
    this.id = flatConcat(check.type, ':', check.id);
    this.timeoutMs = check.timeoutMs + BACKSTOP_MARGIN_MS;
    this.signalIsDeadline = check.type === 'http';
    if (this.signalIsDeadline) this.abortAfterMs = check.timeoutMs;
    if (check.schedule) this.cron = check.schedule;
    else this.everyMs = check.everyMs ?? 60_000;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.sink(await probeCheck(this.check, this.probes, this.clock, signal, this.signalIsDeadline), this.timeoutMs);
  }
}

function lagJob(group: ReplicationLagCheck[], probes: Probes, sink: ResultSink, clock: Clock): ScheduledJob {
  const first = group[0] as ReplicationLagCheck;
  const timeoutMs = Math.max(...group.map((c) => c.timeoutMs));
  const specs: LagProbeSpec[] = group.map(lagProbeSpec);
  return {
    id: `lag:${first.region}:${first.everyMs ?? first.schedule}`,
    ...cadence(first),
    timeoutMs: timeoutMs + BACKSTOP_MARGIN_MS,
    run: async (signal) => {
      const startedAt = clock.now();
      const outcomes = await untilAborted(probes.lagBatch(specs, signal), signal, () => new Map<string, ProbeOutcome>());
      for (const check of group) {
        const outcome = outcomes?.get(check.id) ?? lagFailure(check, outcomes !== null, timeoutMs);
        sink(stamp(check.id, outcome, startedAt, clock), timeoutMs + BACKSTOP_MARGIN_MS);
      }
    },
  };
}
