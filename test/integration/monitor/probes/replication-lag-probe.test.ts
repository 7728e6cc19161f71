import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { ReplicationLagProbe, type LagProbeSpec } from '../../../../src/monitor/probes/replication-lag-probe.js';
import { MINUTE, NOW, fixedClock, testClients, throttlingError } from '../../aws/aws-fixtures.js';

const clients = testClients();
const east = mockClient(clients.cloudwatch('us-east-1'));
const west = mockClient(clients.cloudwatch('us-west-2'));
afterEach(() => {
  east.reset();
  west.reset();
});

const probe = new ReplicationLagProbe({ clients, clock: fixedClock });

function spec(overrides: Partial<LagProbeSpec> = {}): LagProbeSpec {
  return {
    checkId: 'orders-lag',
    region: 'us-east-1',
    metric: 'ReplicaLag',
    dimensions: { DBInstanceIdentifier: 'orders-replica' },
    thresholdsMs: { SEV3: 60_000, SEV2: 300_000 },
    missingData: 'SEV3',
    ...overrides,
  };
}

/** One result per query id, newest datapoint first as with ScanBy TimestampDescending. */
function result(id: string, values: number[], extra: Partial<MetricDataResult> = {}): MetricDataResult {
  return {
    Id: id,
    Timestamps: values.map((_, i) => new Date(NOW - (i + 1) * MINUTE)),
    Values: values,
    StatusCode: 'Complete',
    ...extra,
  };
}

function lagFor(value: number, overrides: Partial<LagProbeSpec> = {}) {
  east.on(GetMetricDataCommand).resolves({ MetricDataResults: [result('q0', [value, 1])] });
  return probe.probeBatch([spec(overrides)]).then((m) => m.get(overrides.checkId ?? 'orders-lag'));
}

describe('ReplicationLagProbe batching', () => {
  it('sends 1,200 checks in one region as exactly 3 GetMetricData calls of 500/500/200 queries and maps results back', async () => {
    const specs = Array.from({ length: 1200 }, (_, i) =>
      spec({ checkId: `lag-${i}`, dimensions: { DBInstanceIdentifier: `db-${i}` }, thresholdsMs: { SEV2: 1_000_000 } }),
    );
    // Each datapoint carries its db number as the lag; results come back reversed so mapping must go by Id.
    east.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: input
        .MetricDataQueries!.map((q) => {
          const db = Number(q.MetricStat!.Metric!.Dimensions![0]!.Value!.slice(3));
          return result(q.Id!, [db]);
        })
        .reverse(),
    }));

    const outcomes = await probe.probeBatch(specs);

    const calls = east.commandCalls(GetMetricDataCommand);
    expect(calls.map((c) => c.args[0].input.MetricDataQueries!.length)).toEqual([500, 500, 200]);
    const first = calls[0]!.args[0].input;
    expect({ ...first, MetricDataQueries: first.MetricDataQueries!.slice(0, 2) }).toEqual({
      MetricDataQueries: [
        {
          Id: 'q0',
          MetricStat: {
            Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'db-0' }] },
            Period: 60,
            Stat: 'Maximum',
          },
          ReturnData: true,
        },
        {
          Id: 'q1',
          MetricStat: {
            Metric: { Namespace: 'AWS/RDS', MetricName: 'ReplicaLag', Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'db-1' }] },
            Period: 60,
            Stat: 'Maximum',
          },
          ReturnData: true,
        },
      ],
      StartTime: new Date(NOW - 5 * MINUTE),
      EndTime: new Date(NOW),
      ScanBy: 'TimestampDescending',
    });
    for (const call of calls) {
      for (const q of call.args[0].input.MetricDataQueries!) expect(q.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    }
    expect(west.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    expect(outcomes.size).toBe(1200);
    for (const i of [0, 499, 500, 999, 1000]) {
      expect(outcomes.get(`lag-${i}`)).toMatchObject({ ok: true, summary: `lag ${i}s`, measurement: { lagSeconds: i } });
    }
    expect(outcomes.get('lag-1199')).toMatchObject({ ok: false, severity: 'SEV2', summary: 'lag 1199s (SEV2 above 1000s)' });
  });

  it('sends each region its own call on its own client', async () => {
    east.on(GetMetricDataCommand).resolves({ MetricDataResults: [result('q0', [5])] });
    west.on(GetMetricDataCommand).resolves({ MetricDataResults: [result('q0', [400]), result('q1', [7])] });

    const outcomes = await probe.probeBatch([
      spec({ checkId: 'east-a', dimensions: { DBInstanceIdentifier: 'east-a' } }),
      spec({ checkId: 'west-a', region: 'us-west-2', dimensions: { DBInstanceIdentifier: 'west-a' } }),
      spec({ checkId: 'west-b', region: 'us-west-2', dimensions: { DBInstanceIdentifier: 'west-b' } }),
    ]);

    const eastQueries = east
      .commandCalls(GetMetricDataCommand)
      .map((c) => c.args[0].input.MetricDataQueries!.map((q) => q.MetricStat!.Metric!.Dimensions![0]!.Value));
    const westQueries = west
      .commandCalls(GetMetricDataCommand)
      .map((c) => c.args[0].input.MetricDataQueries!.map((q) => q.MetricStat!.Metric!.Dimensions![0]!.Value));
    expect(eastQueries).toEqual([['east-a']]);
    expect(westQueries).toEqual([['west-a', 'west-b']]);
    expect(outcomes.get('east-a')?.summary).toBe('lag 5s');
    expect(outcomes.get('west-a')?.summary).toBe('lag 400s (SEV2 above 300s)');
    expect(outcomes.get('west-b')?.summary).toBe('lag 7s');
  });

  it('follows NextToken with the same queries and keeps the newest datapoint across pages', async () => {
    east
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [result('q0', [], { StatusCode: 'PartialData' }), result('q1', [30], { StatusCode: 'PartialData' })],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        MetricDataResults: [
          { Id: 'q0', Timestamps: [new Date(NOW - MINUTE)], Values: [90], StatusCode: 'Complete' },
          { Id: 'q1', Timestamps: [new Date(NOW - 4 * MINUTE)], Values: [999], StatusCode: 'Complete' },
        ],
      });

    const outcomes = await probe.probeBatch([
      spec({ checkId: 'a', dimensions: { DBInstanceIdentifier: 'a' } }),
      spec({ checkId: 'b', dimensions: { DBInstanceIdentifier: 'b' } }),
    ]);

    const inputs = east.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]!.NextToken).toBeUndefined();
    expect(inputs[1]!.NextToken).toBe('page-2');
    expect(inputs[1]!.MetricDataQueries).toEqual(inputs[0]!.MetricDataQueries);
    expect(inputs[1]!.StartTime).toEqual(inputs[0]!.StartTime);
    expect(outcomes.get('a')).toMatchObject({ severity: 'SEV3', summary: 'lag 90s (SEV3 above 60s)', measurement: { at: NOW - MINUTE } });
    // b's page-2 value is older than its page-1 value: the newest one (30s) stands.
    expect(outcomes.get('b')).toMatchObject({ ok: true, summary: 'lag 30s' });
  });
});

describe('ReplicationLagProbe severity', () => {
  it.each([
    { lag: 30, ok: true, severity: null, summary: 'lag 30s' },
    { lag: 60, ok: true, severity: null, summary: 'lag 60s' }, // strictly above
    { lag: 61, ok: false, severity: 'SEV3', summary: 'lag 61s (SEV3 above 60s)' },
    { lag: 300, ok: false, severity: 'SEV3', summary: 'lag 300s (SEV3 above 60s)' },
    { lag: 412, ok: false, severity: 'SEV2', summary: 'lag 412s (SEV2 above 300s)' },
  ])('lag $lag s -> $summary', async ({ lag, ok, severity, summary }) => {
    const outcome = await lagFor(lag);
    expect(outcome).toMatchObject({
      ok,
      severity,
      summary,
      measurement: { kind: 'replication-lag', lagSeconds: lag, metric: 'ReplicaLag', at: NOW - MINUTE },
    });
    if (!ok) expect(outcome?.error?.kind).toBe('threshold');
  });

  it('the worst severity exceeded wins even when thresholds are not ordered by severity', async () => {
    const outcome = await lagFor(120, { thresholdsMs: { SEV1: 100_000, SEV2: 110_000, SEV4: 10_000 } });
    expect(outcome).toMatchObject({ severity: 'SEV1', summary: 'lag 120s (SEV1 above 100s)' });
  });

  it.each([
    { metric: 'AuroraReplicaLag', raw: 2500, seconds: 2.5, summary: 'lag 2.5s' },
    { metric: 'AuroraGlobalDBReplicationLag', raw: 250, seconds: 0.25, summary: 'lag 0.25s' },
    { metric: 'AuroraGlobalDBRPOLag', raw: 412_000, seconds: 412, summary: 'lag 412s (SEV2 above 300s)' },
    { metric: 'ReplicaLag', raw: 412, seconds: 412, summary: 'lag 412s (SEV2 above 300s)' },
  ] as const)('$metric $raw -> $seconds s', async ({ metric, raw, seconds, summary }) => {
    const outcome = await lagFor(raw, { metric, dimensions: { DBClusterIdentifier: 'orders-cluster' } });
    expect(outcome).toMatchObject({ summary, measurement: { lagSeconds: seconds, metric } });
    expect(east.commandCalls(GetMetricDataCommand)[0]!.args[0].input.MetricDataQueries![0]!.MetricStat!.Metric!.MetricName).toBe(metric);
  });

  it('ReplicaLag -1 (replication not running) takes the worst configured severity', async () => {
    const outcome = await lagFor(-1);
    expect(outcome).toMatchObject({ ok: false, severity: 'SEV2', summary: 'replication not running (ReplicaLag -1)' });
  });
});

describe('ReplicationLagProbe missing data and errors', () => {
  it('no datapoint in the window -> the missingData severity', async () => {
    east.on(GetMetricDataCommand).resolves({ MetricDataResults: [result('q0', [])] });
    const outcome = (await probe.probeBatch([spec()])).get('orders-lag');
    expect(outcome).toMatchObject({
      ok: false,
      severity: 'SEV3',
      summary: 'no ReplicaLag datapoint in the last 5m',
      measurement: { kind: 'replication-lag', lagSeconds: null },
      error: { kind: 'missing-data' },
    });
  });

  it("missingData 'ok' accepts silence; a result absent from the response counts as no datapoint", async () => {
    east.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const outcome = (await probe.probeBatch([spec({ missingData: 'ok' })])).get('orders-lag');
    expect(outcome).toEqual({
      ok: true,
      severity: null,
      summary: 'no ReplicaLag datapoint in the last 5m',
      measurement: { kind: 'replication-lag', lagSeconds: null, metric: 'ReplicaLag' },
    });
  });

  it('a throttled call gives every check of the chunk an aws-error outcome naming the code, without throwing', async () => {
    east.on(GetMetricDataCommand).rejects(throttlingError());
    west.on(GetMetricDataCommand).resolves({ MetricDataResults: [result('q0', [3])] });

    const outcomes = await probe.probeBatch([
      spec({ checkId: 'a' }),
      spec({ checkId: 'b', missingData: 'ok', thresholdsMs: { SEV2: 300_000, SEV4: 30_000 } }),
      spec({ checkId: 'c', region: 'us-west-2' }),
    ]);

    expect(outcomes.get('a')).toMatchObject({
      ok: false,
      severity: 'SEV3',
      summary: 'GetMetricData failed: Throttling',
      measurement: { lagSeconds: null },
      error: { kind: 'aws-error' },
    });
    expect(outcomes.get('a')?.error?.message).toContain('Throttling: Rate exceeded (HTTP 400)');
    // missingData 'ok': the least severe threshold, so a broken probe is visible but not a page.
    expect(outcomes.get('b')).toMatchObject({ ok: false, severity: 'SEV4', error: { kind: 'aws-error' } });
    expect(outcomes.get('c')).toMatchObject({ ok: true, summary: 'lag 3s' });
  });

  it('a per-query InternalError without datapoints is an aws-error, not silence', async () => {
    east.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        result('q0', [], { StatusCode: 'InternalError', Messages: [{ Code: 'InternalError', Value: 'try again' }] }),
        result('q1', [4]),
      ],
    });
    const outcomes = await probe.probeBatch([spec({ checkId: 'a' }), spec({ checkId: 'b' })]);
    expect(outcomes.get('a')).toMatchObject({
      ok: false,
      severity: 'SEV3',
      summary: 'GetMetricData InternalError',
      error: { kind: 'aws-error' },
    });
    expect(outcomes.get('a')?.error?.message).toContain('InternalError try again');
    expect(outcomes.get('b')).toMatchObject({ ok: true, summary: 'lag 4s' });
  });

  it('honours windowMs and periodSeconds', async () => {
    const wide = new ReplicationLagProbe({ clients: (region) => clients.cloudwatch(region), clock: fixedClock, windowMs: 15 * MINUTE });
    east.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const outcome = (await wide.probeBatch([spec({ periodSeconds: 300 })])).get('orders-lag');
    const input = east.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.StartTime).toEqual(new Date(NOW - 15 * MINUTE));
    expect(input.MetricDataQueries![0]!.MetricStat!.Period).toBe(300);
    expect(outcome?.summary).toBe('no ReplicaLag datapoint in the last 15m');
  });
});
