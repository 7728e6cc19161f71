import { describe, expect, it } from 'vitest';
import { instanceState } from '../../../src/actions/instance-wait.js';
import { instanceFailoverEffect } from '../../../src/actions/mutation-effects.js';
import type { DbInstanceView, RdsGateway } from '../../../src/aws/rds-gateway.js';

/*
 * A Multi-AZ failover is told from a plain reboot by where the primary runs: the wait ends only
 * once the instance is available in another zone than the planned one, and a lost answer's
 * read-back counts `rebooting` or a moved primary as the call having taken effect.
 */

const db = (status: string, zone?: string): DbInstanceView => ({
  id: 'orders-db',
  status,
  ...(zone && { availabilityZone: zone, secondaryAvailabilityZone: zone === 'us-east-1a' ? 'us-east-1b' : 'us-east-1a' }),
});
const rdsAnswering = (answer: DbInstanceView | null) => ({ describeDbInstance: async () => answer }) as unknown as RdsGateway;

describe('the failed-over wait', () => {
  it('is not done while the instance still reads available in its old zone (right after the call) or rebooting', () => {
    expect(instanceState(db('available', 'us-east-1a'), 'orders-db', 'failed-over', 'us-east-1a')).toEqual({
      done: false,
      observed: 'available, primary in us-east-1a',
    });
    expect(instanceState(db('rebooting', 'us-east-1a'), 'orders-db', 'failed-over', 'us-east-1a').done).toBe(false);
  });

  it('is done once available with the primary in the other zone; fails at once on a terminal state or a vanished instance', () => {
    expect(instanceState(db('available', 'us-east-1b'), 'orders-db', 'failed-over', 'us-east-1a')).toEqual({
      done: true,
      observed: 'available, primary in us-east-1b',
    });
    expect(instanceState(db('storage-full', 'us-east-1b'), 'orders-db', 'failed-over', 'us-east-1a').failed).toBe(
      'orders-db is storage-full',
    );
    expect(instanceState(null, 'orders-db', 'failed-over', 'us-east-1a').failed).toBe('orders-db no longer exists');
    // Without a planned zone, nothing proves a failover: never done.
    expect(instanceState(db('available', 'us-east-1b'), 'orders-db', 'failed-over').done).toBe(false);
  });
});

describe("RebootDBInstance's effect, read back after a lost answer", () => {
  it('took: rebooting, or available with the primary moved', async () => {
    expect(await instanceFailoverEffect(rdsAnswering(db('rebooting', 'us-east-1a')), 'us-east-1', 'orders-db', 'us-east-1a')).toEqual({
      took: true,
      observed: 'orders-db is rebooting (failover under way)',
    });
    expect(await instanceFailoverEffect(rdsAnswering(db('available', 'us-east-1b')), 'us-east-1', 'orders-db', 'us-east-1a')).toEqual({
      took: true,
      observed: 'orders-db is available with its primary now in us-east-1b (failed over from us-east-1a)',
    });
  });

  it('did not take: still available in the planned zone, or not found', async () => {
    expect(await instanceFailoverEffect(rdsAnswering(db('available', 'us-east-1a')), 'us-east-1', 'orders-db', 'us-east-1a')).toEqual({
      took: false,
      observed: 'orders-db is still available with its primary in us-east-1a',
    });
    expect((await instanceFailoverEffect(rdsAnswering(null), 'us-east-1', 'orders-db', 'us-east-1a')).took).toBe(false);
  });
});
