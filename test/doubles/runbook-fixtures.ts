/**
 * The SPEC's example runbooks and the lag check their guard reads, shared by the action tests and
 * the end-to-end harnesses so the plans they assert are planned from one configuration.
 *
 * Each is an object that `yamlFlow` writes as one YAML flow mapping, so a config template places it
 * after a key (`orders: ${yamlFlow(ORDERS_FAILOVER)}`) whatever the indentation around it.
 */

/** The us-west-2 replica's endpoint: the failover's DNS target and the new primary after it. */
export const ORDERS_REPLICA_ENDPOINT = 'orders-replica.abc.us-west-2.rds.amazonaws.com';

/** The replica lag the failover guard reads. */
export const ORDERS_LAG_CHECK = {
  id: 'orders-lag',
  type: 'replication-lag',
  region: 'us-west-2',
  metric: 'ReplicaLag',
  dimensions: { DBInstanceIdentifier: 'orders-replica' },
  every: '60s',
  thresholds: { SEV3: '60s', SEV2: '300s' },
};

/** Promote the us-west-2 replica and point orders.db.example.com at it. */
export const ORDERS_FAILOVER_UNGUARDED = {
  region: 'us-west-2',
  promote: { dbInstance: 'orders-replica' },
  dns: { hostedZoneId: 'Z123', name: 'orders.db.example.com', type: 'CNAME', value: ORDERS_REPLICA_ENDPOINT, ttl: 60 },
};

/** The same, refused while the replica lags more than 5 minutes. */
export const ORDERS_FAILOVER = { ...ORDERS_FAILOVER_UNGUARDED, guard: { lagCheck: ORDERS_LAG_CHECK.id, maxLag: '300s' } };

/** A new instance in us-east-1 from orders-db's snapshots. */
export const ORDERS_RESTORE = {
  region: 'us-east-1',
  dbInstance: 'orders-db',
  instanceClass: 'db.r6g.large',
  subnetGroup: 'prod-db',
  securityGroups: ['sg-0abc'],
};

/** A fixture as a one-line YAML flow mapping (JSON is YAML). */
export function yamlFlow(value: object): string {
  return JSON.stringify(value);
}
