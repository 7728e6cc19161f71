import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { ProbeOutcome } from '../../core/check-result.js';
import type { Clock } from '../../core/clock.js';
import { cloudwatchFor, type CloudWatchSource } from '../../aws/aws-clients.js';
import { awsErrorHint, describeAwsError } from '../../aws/aws-error.js';
import { SECONDS_PER_UNIT, evaluateLag, evaluateMissing, evaluateUnmeasured, type LagProbeSpec } from './replication-lag-evaluate.js';

export type { LagMetric, LagProbeSpec } from './replication-lag-evaluate.js';

/**
 * "A single GetMetricData call can include as many as 500 MetricDataQuery structures"
 * (GetMetricDataInput.MetricDataQueries, CloudWatch API reference / SDK model docs).
 */
export const MAX_QUERIES_PER_CALL = 500;
/** Default look-back window, ms (5 minutes): five 60 s datapoints, tolerant of a late publish. */
export const DEFAULT_WINDOW_MS = 5 * 60_000;
/** Guard against a NextToken that never ends (a broken endpoint or emulator). */
const MAX_PAGES = 50;

/** Dependencies of the lag probe. */
export interface ReplicationLagProbeOptions {
  clients: CloudWatchSource;
  clock: Clock;
  /** Look-back window, ms (default 5 min). */
  windowMs?: number;
}

/** Newest datapoint seen for one query, plus CloudWatch's last word on it. */
interface QueryState {
  value?: number;
  at?: number;
  status?: string;
  messages: string[];
}

/**
 * Reads replica lag for many checks with as few CloudWatch calls as possible: specs are grouped by
 * region and sent 500 queries per GetMetricData call, so 1,200 checks in one region cost 3 calls.
 */
export class ReplicationLagProbe {
  private readonly windowMs: number;

  constructor(private readonly opts: ReplicationLagProbeOptions) {
    this.windowMs = opts.windowMs ?? DEFAULT_WINDOW_MS;
  }

  /** One outcome per spec, keyed by checkId. Never throws: AWS failures become `aws-error` outcomes. */
  async probeBatch(specs: LagProbeSpec[], signal?: AbortSignal): Promise<Map<string, ProbeOutcome>> {
    const byRegion = new Map<string, LagProbeSpec[]>();
    for (const spec of specs) {
      const group = byRegion.get(spec.region) ?? [];
      group.push(spec);
      byRegion.set(spec.region, group);
    }
    const results = new Map<string, ProbeOutcome>();
    // Regions in parallel (separate endpoints, separate quotas); chunks of one region in sequence
    // so a large fleet does not burst one region's GetMetricData request quota.
    await Promise.all(
      [...byRegion].map(async ([region, group]) => {
        for (let i = 0; i < group.length; i += MAX_QUERIES_PER_CALL) {
          const chunk = group.slice(i, i + MAX_QUERIES_PER_CALL);
          for (const [checkId, outcome] of await this.probeChunk(region, chunk, signal)) {
            results.set(checkId, outcome);
          }
        }
      }),
    );
    return results;
  }

  private async probeChunk(region: string, chunk: LagProbeSpec[], signal?: AbortSignal): Promise<Array<[string, ProbeOutcome]>> {
    // Ids must be unique per call and match ^[a-z][a-zA-Z0-9_]*$ ("The first character must be a
    // lowercase letter", MetricDataQuery.Id); check ids may hold '-' or '.', so use the index.
    const queries: MetricDataQuery[] = chunk.map((spec, index) => ({
      Id: `q${index}`,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/RDS',
          MetricName: spec.metric,
          Dimensions: Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: spec.periodSeconds ?? 60,
        // Maximum, not Average: the worst lag inside each period is the data-loss window we would
        // take on failover; an average hides the spike an RPO check exists to catch.
        Stat: 'Maximum',
      },
      ReturnData: true,
    }));
    let states: Map<string, QueryState>;
    try {
      states = await this.fetch(cloudwatchFor(this.opts.clients, region), queries, signal);
    } catch (err) {
      const info = describeAwsError(err);
      const hint = awsErrorHint(info, 'cloudwatch:GetMetricData');
      const summary = `GetMetricData failed: ${info.code}`;
      const message = `GetMetricData in ${region} failed: ${info.code}: ${info.message}; ${hint}`;
      return chunk.map((spec) => [spec.checkId, evaluateUnmeasured(spec, summary, message)]);
    }
    return chunk.map((spec, index) => [spec.checkId, this.verdict(spec, states.get(`q${index}`))]);
  }

  /** Runs the call and follows NextToken, keeping the newest datapoint per query id. */
  private async fetch(client: CloudWatchClient, queries: MetricDataQuery[], signal?: AbortSignal): Promise<Map<string, QueryState>> {
    const now = this.opts.clock.now();
    const states = new Map<string, QueryState>();
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(now - this.windowMs),
          EndTime: new Date(now),
          // Newest first, so the first value of each result is the current lag.
          ScanBy: 'TimestampDescending',
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        { abortSignal: signal },
      );
      for (const result of out.MetricDataResults ?? []) mergeResult(states, result);
      // "PartialData means that an incomplete set of data points were returned. You can use the
      // NextToken ... to get more"; "InternalError ... Retry your request using NextToken, if
      // present" (MetricDataResult.StatusCode docs): both are handled by following NextToken.
      const previous = nextToken;
      nextToken = out.NextToken;
      if (nextToken !== undefined && nextToken === previous) break;
    } while (nextToken && ++pages < MAX_PAGES);
    return states;
  }

  private verdict(spec: LagProbeSpec, state: QueryState | undefined): ProbeOutcome {
    if (state?.value !== undefined && state.at !== undefined) {
      return evaluateLag(spec, state.value * SECONDS_PER_UNIT[spec.metric], state.at);
    }
    // No datapoint and CloudWatch said why (InternalError, Forbidden): an AWS failure, not silence.
    if (state?.status && state.status !== 'Complete' && state.status !== 'PartialData') {
      const detail = state.messages.length > 0 ? `: ${state.messages.join('; ')}` : '';
      return evaluateUnmeasured(spec, `GetMetricData ${state.status}`, `GetMetricData returned ${state.status}${detail}`);
    }
    return evaluateMissing(spec, this.windowMs);
  }
}

/** Folds one page's result into the per-id state; a later page may carry the same id again. */
function mergeResult(states: Map<string, QueryState>, result: MetricDataResult): void {
  if (!result.Id) return;
  const state = states.get(result.Id) ?? { messages: [] };
  state.status = result.StatusCode ?? state.status;
  for (const m of result.Messages ?? []) state.messages.push([m.Code, m.Value].filter(Boolean).join(' '));
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  // Scan rather than trust order: ScanBy is a request, and pages may interleave.
  for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
    const at = timestamps[i]?.getTime();
    const value = values[i];
    if (at === undefined || value === undefined || Number.isNaN(at)) continue;
    if (state.at === undefined || at > state.at) {
      state.at = at;
      state.value = value;
    }
  }
  states.set(result.Id, state);
}
