import { beforeEach, describe, expect, it } from 'vitest';
import {
  DBClusterSnapshotNotFoundFault,
  DBSnapshotNotFoundFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import { commandNames, dbInstance, harness } from './fixtures.js';
import {
  CLUSTER_TARGET,
  TARGET,
  WRITER,
  mockClusterAbsent,
  mockInstanceAbsent,
  mockSourcesLive,
  mockSourceInstanceWindow,
  notFound,
  restore,
} from './restore-fixtures.js';

const h = harness();

beforeEach(() => h.reset());

describe('restore requests that cannot be planned or are refused before any request exists', () => {
  it.each([
    [
      'a time in the future',
      '2026-11-21T13:00:00Z',
      'LIFEBOAT_TIME_IN_FUTURE',
      '2026-11-21 13:00:00 UTC is in the future (now 2026-11-21 12:00:00 UTC)',
    ],
    [
      'a time before the earliest restorable time',
      '2026-11-01T00:00:00Z',
      'LIFEBOAT_TIME_BEFORE_EARLIEST',
      '2026-11-01 00:00:00 UTC is before the earliest restorable time 2026-11-14 12:00:00 UTC',
    ],
    [
      'a time after the latest restorable time',
      '2026-11-21T11:58:00Z',
      'LIFEBOAT_TIME_AFTER_LATEST',
      '2026-11-21 11:58:00 UTC is after the latest restorable time 2026-11-21 11:55:00 UTC (5m ago); use --latest or an earlier time',
    ],
  ])('refuses %s, saying what the window is', async (_, time, code, observed) => {
    mockSourceInstanceWindow(h);
    mockInstanceAbsent(h, TARGET);

    const err = await h.planner.plan(restore({ type: 'time', time })).catch((e: unknown) => e);

    expect(err).toMatchObject({ code: 'LIFEBOAT_PREFLIGHT_FAILED', message: expect.stringContaining(observed) });
    expect((err as { plan: { preflight: Array<{ code?: string }> } }).plan.preflight[0]?.code).toBe(code);
    expect(commandNames(h.east).every((n) => n.startsWith('Describe'))).toBe(true);
  });

  it('refuses a snapshot that does not exist', async () => {
    mockSourcesLive(h);
    h.east.on(DescribeDBSnapshotsCommand).rejects(new DBSnapshotNotFoundFault({ message: 'DBSnapshot nope not found.', ...notFound }));
    mockInstanceAbsent(h, TARGET);

    await expect(h.planner.plan(restore({ type: 'snapshot', snapshotId: 'nope' }))).rejects.toMatchObject({
      code: 'LIFEBOAT_PREFLIGHT_FAILED',
      message: `Restore orders: orders-db from snapshot nope as ${TARGET} (us-east-1) refused: snapshot: no DB snapshot nope in us-east-1 (needs snapshot nope exists in us-east-1 and is available). Nothing was changed.`,
    });
  });

  it('refuses a cluster snapshot that is still being created', async () => {
    mockSourcesLive(h);
    h.east
      .on(DescribeDBClusterSnapshotsCommand)
      .resolves({ DBClusterSnapshots: [{ DBClusterSnapshotIdentifier: 'nightly', Status: 'creating', Engine: 'aurora-postgresql' }] });
    mockClusterAbsent(h, CLUSTER_TARGET);
    mockInstanceAbsent(h, WRITER);

    const plan = await h.planner.plan({ ...restore({ type: 'snapshot', snapshotId: 'nightly' }, 'orders-aurora'), dryRun: true });

    expect(plan.preflight[0]).toMatchObject({
      ok: false,
      code: 'LIFEBOAT_SNAPSHOT_NOT_AVAILABLE',
      observed: 'snapshot nightly is creating',
    });
  });

  it('refuses a cluster snapshot that does not exist, in the cluster API', async () => {
    mockSourcesLive(h);
    h.east.on(DescribeDBClusterSnapshotsCommand).rejects(new DBClusterSnapshotNotFoundFault({ message: 'not found', ...notFound }));
    mockClusterAbsent(h, CLUSTER_TARGET);
    mockInstanceAbsent(h, WRITER);

    const plan = await h.planner.plan({ ...restore({ type: 'snapshot', snapshotId: 'gone' }, 'orders-aurora'), dryRun: true });

    expect(plan.preflight[0]).toMatchObject({
      ok: false,
      code: 'LIFEBOAT_SNAPSHOT_NOT_FOUND',
      observed: 'no DB cluster snapshot gone in us-east-1',
    });
  });

  it('refuses when the derived identifier is already taken', async () => {
    mockSourcesLive(h);
    h.east.on(DescribeDBSnapshotsCommand).resolves({ DBSnapshots: [{ DBSnapshotIdentifier: 'pre-deploy', Status: 'available' }] });
    h.east.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: TARGET }).resolves({ DBInstances: [dbInstance(TARGET, 'available')] });

    const plan = await h.planner.plan({ ...restore({ type: 'snapshot', snapshotId: 'pre-deploy' }), dryRun: true });

    expect(plan.preflight[1]).toMatchObject({
      ok: false,
      code: 'LIFEBOAT_IDENTIFIER_TAKEN',
      observed: `instance ${TARGET} already exists (available)`,
    });
  });

  it('refuses an unknown runbook with the known ones and a suggestion, before any AWS call', async () => {
    await expect(h.planner.plan(restore({ type: 'latest' }, 'ordrs'))).rejects.toMatchObject({
      code: 'LIFEBOAT_UNKNOWN_RUNBOOK',
      message: 'There is no restore runbook named "ordrs" (did you mean "orders"?); known restore runbooks: orders, orders-aurora.',
    });
    expect(h.east.calls()).toHaveLength(0);
  });

  it('refuses an unparsable time before any AWS call', async () => {
    await expect(h.planner.plan(restore({ type: 'time', time: 'yesterday' }))).rejects.toMatchObject({ code: 'LIFEBOAT_BAD_REQUEST' });
    expect(h.east.calls()).toHaveLength(0);
  });
});
