import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { nockChatUpdate, nockPostEphemeral } from '../../doubles/slack-api-nock.js';
import { throttlingError } from '../../integration/aws/aws-fixtures.js';
import { startApprovalFlow, steadyLagMetric } from './approval-flow-harness.js';
import { confirmBody, mockHealthyFailover, requestFailover, threadTexts } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * The data-loss window of a failover is the replica lag read from CloudWatch right before its
 * first step, not the monitor's last reading (which is up to one check interval old).
 */

const flow = useApprovalFlow(async () => {
  const started = await startApprovalFlow();
  mockHealthyFailover(started);
  return started;
});

async function approveAndRun(): Promise<string> {
  const { posts } = await requestFailover(flow);
  nockPostEphemeral(5);
  nockChatUpdate(40);
  expect((await flow.post(confirmBody('APR-1', 'orders'))).statusCode).toBe(200);
  await flow.idle();
  const outcome = threadTexts(posts).at(-1) ?? '';
  expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
  return outcome;
}

describe('the data-loss window of a failover', () => {
  it('is the lag CloudWatch reports right before the promotion, not what the monitor last saw', async () => {
    // The monitor measured 12 s; by the time the run starts the replica is 45 s behind.
    flow.cloudwatch.on(GetMetricDataCommand).callsFake(() => {
      const reading = steadyLagMetric(flow.clock.now());
      return { ...reading, MetricDataResults: [{ ...reading.MetricDataResults?.[0], Values: [45] }] };
    });
    const outcome = await approveAndRun();
    expect(outcome).toContain('Data-loss window: replica lag 45s at cut-over.');
    expect(flow.cloudwatch.commandCalls(GetMetricDataCommand).length).toBeGreaterThanOrEqual(1);
  });

  it("says it is the monitor's last reading when CloudWatch cannot be read at cut-over", async () => {
    flow.cloudwatch.on(GetMetricDataCommand).rejects(throttlingError());
    const outcome = await approveAndRun();
    expect(outcome).toContain(
      'Data-loss window: replica lag 12s as the monitor last measured it (CloudWatch could not be read at cut-over',
    );
  });
});
