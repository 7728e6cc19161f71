import { describe, expect, it } from 'vitest';
import { httpAwsClients, nockCloudWatchLag } from '../../doubles/aws-http.js';
import { nockAurora } from '../../doubles/aurora-nock.js';
import { nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { approveAndRunFailover, slash } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * An Aurora Global Database failed over in a regional outage, through the wiring users run
 * (buildApp, signed Slack requests, Redis), RDS and CloudWatch answered at the HTTP layer. The
 * replica lag is past the runbook's guard: a planned switchover is refused, and only
 * `--allow-data-loss` sends FailoverGlobalCluster with AllowDataLoss.
 */

const WEST_ARN = 'arn:aws:rds:us-west-2:123456789012:cluster:orders-west';
const EAST_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:orders-east';

const flow = useApprovalFlow(() =>
  startServiceFlow(
    {
      failoverRunbooks: {
        // The monitor reads 12 s of lag on orders-lag: past this guard.
        'orders-global': {
          region: 'us-west-2',
          promote: { globalCluster: 'orders-global', targetCluster: WEST_ARN },
          guard: { lagCheck: 'orders-lag', maxLag: '5s' },
        },
      },
    },
    httpAwsClients(),
  ),
);

/** RDS in us-west-2: the global database written in us-east-1, its us-west-2 secondary available. */
function globalDatabase() {
  return nockAurora('us-west-2', {
    clusters: { 'orders-west': { status: 'available', members: ['orders-west-1'], backupRetention: 7 } },
    globals: { 'orders-global': { members: [EAST_ARN, WEST_ARN], writer: EAST_ARN } },
  });
}

const mutations = (rds: ReturnType<typeof globalDatabase>) => rds.received.map((r) => r.action).filter((a) => !a.startsWith('Describe'));

describe('promote: { globalCluster, targetCluster } with the lag past the guard', () => {
  it('without --allow-data-loss is refused at pre-flight, saying why, and nothing is requested or sent', async () => {
    const rds = globalDatabase();
    const posts = nockPostMessage(5);

    const replies = await slash(flow, 'failover orders-global');

    expect(replies).toHaveLength(1);
    expect((replies[0] as { text: string }).text).toBe(
      'Failover orders-global: switch over orders-global to orders-west (us-west-2) refused: replica lag (orders-lag): lag 12s, measured 0s ago (needs lag &lt;= 5s, measured within the last 10m). Nothing was changed.',
    );
    expect(posts.calls).toEqual([]);
    expect(await flow.approvals.get('APR-1')).toBeNull();
    expect(mutations(rds)).toEqual([]);
  });

  it('with --allow-data-loss sends one FailoverGlobalCluster with AllowDataLoss, never a switchover, and waits until orders-west writes', async () => {
    const rds = globalDatabase();
    nockCloudWatchLag('us-west-2', 12, () => flow.clock.now());

    const { plan, thread } = await approveAndRunFailover(flow, 'orders-global', ' --allow-data-loss');

    expect(plan).toContain('*DATA LOSS ALLOWED*');
    expect(plan).toContain('Failover orders-global: fail over orders-global to orders-west (us-west-2), ALLOWING DATA LOSS');
    expect(plan).toContain('Lag guard overridden by --allow-data-loss');
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(mutations(rds)).toEqual(['FailoverGlobalCluster']);
    expect(rds.sent('FailoverGlobalCluster')).toEqual([
      { GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: WEST_ARN, AllowDataLoss: 'true' },
    ]);
    expect(rds.globals.get('orders-global')?.writer).toBe(WEST_ARN);
    expect(thread.join('\n')).toContain('orders-west is the writer of orders-global');
    // The lag read from CloudWatch right before the failover: what the data loss may be.
    expect(thread.join('\n')).toContain('Data-loss window: replica lag 12s at cut-over.');
  });
});
