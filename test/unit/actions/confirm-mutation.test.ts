import { describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/actions/action-error.js';
import { sendMutation, SETTLE_MS, TURNED_AWAY_SENDS, type Effect } from '../../../src/actions/confirm-mutation.js';
import { clusterCreatedEffect, instanceCreatedEffect, writerMoveEffect } from '../../../src/actions/mutation-effects.js';
import { AwsGatewayError } from '../../../src/aws/aws-gateway-error.js';
import type { RdsGateway } from '../../../src/aws/rds-gateway.js';

/** An SDK v3 service exception as the gateway receives it. */
function awsFailure(name: string, status: number): AwsGatewayError {
  return new AwsGatewayError(
    'rds:RestoreDBInstanceFromDBSnapshot',
    'us-east-1',
    Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } }),
  );
}

function harness(effects: Array<Effect | Error>) {
  const slept: number[] = [];
  let sends = 0;
  let looks = 0;
  return {
    slept,
    sends: () => sends,
    looks: () => looks,
    run: (answers: Array<'ok' | AwsGatewayError>) =>
      sendMutation(
        'Restore orders-restored',
        { sleep: async (ms) => void slept.push(ms) },
        async () => {
          const answer = answers[sends++] ?? 'ok';
          if (answer !== 'ok') throw answer;
          return 'answered';
        },
        async () => {
          const seen = effects[looks++];
          if (!seen) throw new Error('no more looks expected');
          if (seen instanceof Error) throw seen;
          return seen;
        },
      ),
  };
}

describe('sendMutation', () => {
  it('a refusal from AWS (4xx) is thrown as is: nothing is read back or sent again', async () => {
    const h = harness([]);
    const refused = awsFailure('InvalidDBInstanceState', 400);
    await expect(h.run([refused])).rejects.toBe(refused);
    expect([h.sends(), h.looks()]).toEqual([1, 0]);
  });

  it('a lost answer whose effect shows is confirmed after the settle wait, sent once', async () => {
    const h = harness([{ took: true, observed: 'orders-restored exists (creating)' }]);
    expect(await h.run([awsFailure('InternalFailure', 500)])).toEqual({
      kind: 'confirmed',
      observed: 'orders-restored exists (creating)',
      lost: 'InternalFailure: InternalFailure (HTTP 500)',
    });
    expect([h.sends(), h.slept]).toEqual([1, [SETTLE_MS]]);
  });

  it('a lost answer that cannot be read back either is reported unknown, never re-sent', async () => {
    const h = harness([new Error('DescribeDBInstances timed out')]);
    const error = await h.run([awsFailure('TimeoutError', 504)]).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: 'LIFEBOAT_AWS_OUTCOME_UNKNOWN' });
    expect((error as Error).message).toContain('whether it took effect is unknown. It was not sent again.');
    expect(h.sends()).toBe(1);
  });

  it('a call AWS keeps turning away is sent at most TURNED_AWAY_SENDS times, each after confirming nothing changed', async () => {
    const nothing: Effect = { took: false, observed: 'orders-restored does not exist' };
    const h = harness([nothing, nothing, nothing]);
    const throttled = awsFailure('Throttling', 400);
    const error = await h.run([throttled, throttled, throttled]).catch((err: unknown) => err);
    expect((error as Error).message).toBe(
      'Restore orders-restored failed: AWS turned the call away 3 times (Throttling: Throttling (HTTP 400)) and orders-restored does not exist, so nothing changed. Request again in a minute.',
    );
    expect([h.sends(), h.looks()]).toEqual([TURNED_AWAY_SENDS, TURNED_AWAY_SENDS]);
    expect(h.slept).toEqual([2_000, 4_000]);
  });
});

it('a run stopped while it waits to read back ends interrupted, the call not sent again', async () => {
  let sends = 0;
  const error = await sendMutation(
    'Restore orders-restored',
    {
      sleep: async () => {
        throw new Error('aborted');
      },
    },
    async () => {
      sends += 1;
      throw awsFailure('InternalFailure', 500);
    },
    async () => ({ took: false, observed: 'never read' }),
  ).catch((err: unknown) => err);
  expect(error).toMatchObject({ code: 'LIFEBOAT_RUN_ABORTED' });
  expect(sends).toBe(1);
});

describe('what an accepted call looks like when read back', () => {
  const rds = (views: Partial<RdsGateway>): RdsGateway => views as RdsGateway;

  it('a restore: the identifier exists', async () => {
    const gateway = rds({
      describeDbInstance: async (_region, id) => (id === 'orders-restored' ? { id, status: 'creating' } : null),
      describeDbCluster: async () => null,
    });
    expect(await instanceCreatedEffect(gateway, 'us-east-1', 'orders-restored')).toEqual({
      took: true,
      observed: 'orders-restored exists (creating)',
    });
    expect(await instanceCreatedEffect(gateway, 'us-east-1', 'other')).toEqual({ took: false, observed: 'other does not exist' });
    expect(await clusterCreatedEffect(gateway, 'us-east-1', 'c1')).toEqual({ took: false, observed: 'cluster c1 does not exist' });
  });

  it('a global switchover: a FailoverState, or the target already writing', async () => {
    const target = 'arn:aws:rds:us-west-2:123456789012:cluster:orders-west';
    const input = { GlobalClusterIdentifier: 'orders-global', TargetDbClusterIdentifier: target };
    const moving = rds({
      describeGlobalCluster: async () => ({
        id: 'orders-global',
        status: 'available',
        members: [],
        failover: { status: 'switching-over', toArn: target },
      }),
    });
    const still = rds({
      describeGlobalCluster: async () => ({
        id: 'orders-global',
        status: 'available',
        members: [{ arn: 'arn:aws:rds:us-east-1:123456789012:cluster:orders-east', isWriter: true }],
      }),
    });
    expect(await writerMoveEffect(moving, 'us-west-2', input)).toEqual({
      took: true,
      observed: 'orders-global is switching-over to orders-west',
    });
    expect(await writerMoveEffect(still, 'us-west-2', input)).toEqual({
      took: false,
      observed: "orders-global's writer is still orders-east, with no switchover under way",
    });
  });
});
