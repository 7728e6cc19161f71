import type { DbClusterView } from '../aws/rds-gateway.js';
import type { PlannedWait } from '../core/plan.js';
import type { PollState } from './wait-until.js';

/*
 * What a polling step on a DB cluster waits for (DescribeDBClusters until available, promoted,
 * its writer moved or its retention set), and the statuses no wait on RDS outlives.
 */

/**
 * Statuses an instance or cluster never leaves on its own (RDS "Viewing instance status" table):
 * waiting longer cannot help, so the wait fails at once.
 */
export const TERMINAL = new Set([
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-option-group',
  'inaccessible-encryption-credentials',
  'storage-full',
  'deleting',
]);

/**
 * A cluster's wait: `available` (and, with `backupRetention`, keeping that many days of backups),
 * `promoted` (available and no longer naming a replication source), or `writer` (available with
 * the instance `target` as its writer).
 */
export function clusterState(c: DbClusterView | null, id: string, wait: PlannedWait | undefined): PollState {
  const until = wait?.until ?? 'available';
  if (!c)
    return until === 'available'
      ? { done: false, observed: 'not visible yet' }
      : { done: false, failed: `cluster ${id} no longer exists`, observed: 'not found' };
  if (TERMINAL.has(c.status)) return { done: false, failed: `${id} is ${c.status}`, observed: c.status };
  const available = c.status === 'available';
  if (until === 'promoted') {
    const observed = c.replicationSource ? `${c.status}, still replicating from ${c.replicationSource}` : c.status;
    return { done: available && c.replicationSource === undefined, observed };
  }
  if (until === 'writer') {
    const writer = c.members?.find((m) => m.isWriter)?.instance;
    const isTarget = writer !== undefined && writer.toLowerCase() === (wait?.target ?? '').toLowerCase();
    return { done: available && isTarget, observed: `${c.status}, writer ${writer ?? 'none'}` };
  }
  const days = wait?.backupRetention;
  if (days !== undefined) {
    const kept = c.backupRetention === undefined ? 'unknown' : `${c.backupRetention} days`;
    return { done: available && c.backupRetention === days, observed: `${c.status}, backup retention ${kept}` };
  }
  return { done: available, observed: c.status };
}

/** What a cluster wait waits for, in words: "cluster orders-west to be standalone and available". */
export function clusterWaitWhat(id: string, wait: PlannedWait | undefined): string {
  if (wait?.until === 'promoted') return `cluster ${id} to be standalone and available`;
  if (wait?.until === 'writer') return `${wait.target ?? '?'} to be the writer of cluster ${id}`;
  if (wait?.backupRetention !== undefined) return `cluster ${id} to be available with ${wait.backupRetention} days of backups`;
  return `cluster ${id} to be available`;
}

/** The same, once reached. */
export function clusterWaitDone(id: string, wait: PlannedWait | undefined): string {
  if (wait?.until === 'promoted') return `cluster ${id} is standalone and available`;
  if (wait?.until === 'writer') return `${wait.target ?? '?'} is the writer of cluster ${id}, available`;
  if (wait?.backupRetention !== undefined) return `cluster ${id} is available with ${wait.backupRetention} days of backups`;
  return `cluster ${id} is available`;
}
