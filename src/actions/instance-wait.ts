import type { DbInstanceView } from '../aws/rds-gateway.js';
import { TERMINAL } from './cluster-wait.js';
import type { PollState } from './wait-until.js';

/*
 * What a polling step on a DB instance waits for (DescribeDBInstances until available, promoted,
 * or failed over to its other Availability Zone).
 */

/** An instance's wait: `available`, `promoted` (available and no longer a replica), or `failed-over`. */
export function instanceState(db: DbInstanceView | null, id: string, until: string, fromZone?: string): PollState {
  if (until === 'failed-over') return failedOverState(db, id, fromZone);
  if (!db)
    return until === 'promoted'
      ? { done: false, failed: `${id} no longer exists`, observed: 'not found' }
      : { done: false, observed: 'not visible yet' };
  if (TERMINAL.has(db.status)) return { done: false, failed: `${id} is ${db.status}`, observed: db.status };
  const done = db.status === 'available' && (until !== 'promoted' || db.replicaSource === undefined);
  const observed = db.replicaSource ? `${db.status}, still replicating from ${db.replicaSource}` : db.status;
  return { done, observed };
}

/** A Multi-AZ failover: done once the instance is available with its primary out of `fromZone`. */
function failedOverState(db: DbInstanceView | null, id: string, fromZone: string | undefined): PollState {
  if (!db) return { done: false, failed: `${id} no longer exists`, observed: 'not found' };
  if (TERMINAL.has(db.status)) return { done: false, failed: `${id} is ${db.status}`, observed: db.status };
  const zone = db.availabilityZone ?? 'zone not reported';
  const moved = fromZone !== undefined && db.availabilityZone !== undefined && db.availabilityZone !== fromZone;
  return { done: db.status === 'available' && moved, observed: `${db.status}, primary in ${zone}` };
}
