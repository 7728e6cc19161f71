import { nockRds, type RdsAnswer } from './aws-http.js';
import { members, type XmlValue } from './rds-nock.js';

/*
 * RDS in one region as it behaves for the cluster promote kinds, answered at the HTTP layer (the
 * SDK's serialisation and parsing run for real): DescribeDBClusters / DescribeDBInstances read the
 * state, PromoteReadReplicaDBCluster, FailoverDBCluster and ModifyDBCluster change it. An accepted
 * change shows an in-between status (`promoting`, `failing-over`, `modifying`) on the next
 * describe, then its end state. SwitchoverGlobalCluster and FailoverGlobalCluster move a global
 * database's writer the same way.
 */

export interface FakeCluster {
  status: string;
  /** ReplicationSourceIdentifier: set while the cluster is a read replica. */
  replicationSource?: string;
  /** Instance ids; the first is the writer unless `writer` says otherwise. */
  members: string[];
  writer?: string;
  backupRetention: number;
  endpoint?: string;
}

/** How RDS treats one mutating request: whether it acts, and what the caller hears. */
export interface MutationReply {
  accepted: boolean;
  /** `unavailable`: a 503 whatever happened, as a lost answer. */
  answer: 'ok' | 'unavailable';
}

/** An Aurora global database: its member clusters' ARNs and which one writes. */
export interface FakeGlobal {
  members: string[];
  writer: string;
}

export interface AuroraFakeOptions {
  clusters: Record<string, FakeCluster>;
  /** Global database id -> members; SwitchoverGlobalCluster or FailoverGlobalCluster moves the writer. */
  globals?: Record<string, FakeGlobal>;
  /** Instance id -> DBInstanceStatus. */
  instances?: Record<string, string>;
  /** Decides each mutating request by action and send number (1-based); default: accepted and answered. */
  reply?: (action: string, send: number) => MutationReply;
}

/** One request RDS received. */
export interface ReceivedRds {
  action: string;
  params: Record<string, string>;
}

const SERVICE_UNAVAILABLE: RdsAnswer = { error: { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' } };

/** A DBCluster as RDS describes it. */
export function dbClusterXml(id: string, c: FakeCluster): XmlValue {
  const writer = c.writer ?? c.members[0];
  return {
    DBClusterIdentifier: id,
    DBClusterArn: `arn:aws:rds:us-west-2:123456789012:cluster:${id}`,
    Status: c.status,
    Engine: 'aurora-postgresql',
    BackupRetentionPeriod: c.backupRetention,
    ReplicationSourceIdentifier: c.replicationSource,
    Endpoint: c.endpoint,
    Port: c.endpoint ? 5432 : undefined,
    DBClusterMembers: members(
      'DBClusterMember',
      c.members.map((m) => ({ DBInstanceIdentifier: m, IsClusterWriter: m === writer })),
    ),
  };
}

/** A GlobalCluster as RDS describes it; `moving` is the FailoverState of a switchover under way. */
function globalXml(id: string, g: FakeGlobal, moving?: { from: string; to: string }): XmlValue {
  return {
    GlobalClusterIdentifier: id,
    Status: moving ? 'switching-over' : 'available',
    Engine: 'aurora-postgresql',
    GlobalClusterMembers: members(
      'GlobalClusterMember',
      g.members.map((arn) => ({ DBClusterArn: arn, IsWriter: arn === g.writer })),
    ),
    FailoverState: moving ? { Status: 'switching-over', FromDbClusterArn: moving.from, ToDbClusterArn: moving.to } : undefined,
  };
}

/** A cluster's id, given its id or its ARN (DescribeDBClusters accepts both). */
const clusterId = (idOrArn: string): string => idOrArn.split(':cluster:')[1] ?? idOrArn;

/** The identifiers a describe asks for: by identifier, or by filter values (readiness batches). */
function wanted(params: Record<string, string>, key: string): string[] | null {
  if (params[key]) return [params[key]];
  const filtered = Object.entries(params)
    .filter(([name]) => /^Filters\.Filter\.\d+\.Values\.Value\.\d+$/.test(name))
    .map(([, value]) => value);
  return filtered.length > 0 ? filtered : null;
}

/** Intercepts RDS in `region`; returns the state (tests may change it) and the requests received. */
export function nockAurora(region: string, options: AuroraFakeOptions) {
  const clusters = new Map(Object.entries(options.clusters).map(([id, c]) => [id, { ...c }]));
  const instances = new Map(Object.entries(options.instances ?? {}));
  /** Cluster id -> the state it reaches after showing its in-between status once. */
  const next = new Map<string, FakeCluster>();
  const sends = new Map<string, number>();
  const received: ReceivedRds[] = [];
  const globals = new Map(Object.entries(options.globals ?? {}));
  /** Global id -> the switchover under way, shown on the next describe, then done. */
  const switching = new Map<string, { from: string; to: string }>();

  const mutate = (action: string, id: string, between: string, end: (c: FakeCluster) => FakeCluster): RdsAnswer => {
    const send = (sends.get(action) ?? 0) + 1;
    sends.set(action, send);
    const c = clusters.get(id);
    if (!c) return { error: { status: 404, code: 'DBClusterNotFoundFault', message: `DBCluster ${id} not found.` } };
    const reply = options.reply?.(action, send) ?? { accepted: true, answer: 'ok' };
    if (reply.accepted) {
      next.set(id, end({ ...c, status: 'available' }));
      clusters.set(id, { ...c, status: between });
    }
    if (reply.answer === 'unavailable') return SERVICE_UNAVAILABLE;
    return { result: { DBCluster: dbClusterXml(id, clusters.get(id) ?? c) } };
  };

  nockRds(region, (action, params) => {
    const { Action: _action, Version: _version, ...rest } = params;
    received.push({ action, params: rest });
    switch (action) {
      case 'DescribeDBClusters': {
        const ids = (wanted(params, 'DBClusterIdentifier') ?? [...clusters.keys()]).map(clusterId);
        const found = ids.flatMap((id) => {
          const c = clusters.get(id);
          if (!c) return [];
          const xml = dbClusterXml(id, c);
          const after = next.get(id);
          if (after) {
            clusters.set(id, after);
            next.delete(id);
          }
          return [xml];
        });
        if (params.DBClusterIdentifier && found.length === 0)
          return { error: { status: 404, code: 'DBClusterNotFoundFault', message: `DBCluster ${params.DBClusterIdentifier} not found.` } };
        return { result: { DBClusters: members('DBCluster', found) } };
      }
      case 'DescribeDBInstances': {
        const ids = wanted(params, 'DBInstanceIdentifier') ?? [...instances.keys()];
        const found = ids.flatMap((id) => {
          const status = instances.get(id);
          return status ? [{ DBInstanceIdentifier: id, DBInstanceStatus: status, Engine: 'aurora-postgresql' }] : [];
        });
        if (params.DBInstanceIdentifier && found.length === 0)
          return { error: { status: 404, code: 'DBInstanceNotFound', message: `DBInstance ${params.DBInstanceIdentifier} not found.` } };
        return { result: { DBInstances: members('DBInstance', found) } };
      }
      case 'PromoteReadReplicaDBCluster':
        return mutate(action, params.DBClusterIdentifier ?? '', 'promoting', ({ replicationSource: _source, ...c }) => c);
      case 'FailoverDBCluster':
        return mutate(action, params.DBClusterIdentifier ?? '', 'failing-over', (c) => ({
          ...c,
          writer: params.TargetDBInstanceIdentifier ?? '',
        }));
      case 'DescribeGlobalClusters': {
        const id = params.GlobalClusterIdentifier ?? '';
        const g = globals.get(id);
        if (!g) return { error: { status: 404, code: 'GlobalClusterNotFoundFault', message: `GlobalCluster ${id} not found.` } };
        const moving = switching.get(id);
        if (moving) {
          switching.delete(id);
          globals.set(id, { ...g, writer: moving.to });
        }
        return { result: { GlobalClusters: members('GlobalClusterMember', [globalXml(id, g, moving)]) } };
      }
      // A failover (AllowDataLoss) moves the writer as a switchover does, without waiting for replication.
      case 'SwitchoverGlobalCluster':
      case 'FailoverGlobalCluster': {
        const id = params.GlobalClusterIdentifier ?? '';
        const g = globals.get(id);
        if (!g) return { error: { status: 404, code: 'GlobalClusterNotFoundFault', message: `GlobalCluster ${id} not found.` } };
        const to = params.TargetDbClusterIdentifier ?? '';
        switching.set(id, { from: g.writer, to });
        return { result: { GlobalCluster: globalXml(id, g, { from: g.writer, to }) } };
      }
      case 'ModifyDBCluster':
        return mutate(action, params.DBClusterIdentifier ?? '', 'modifying', (c) => ({
          ...c,
          backupRetention: Number(params.BackupRetentionPeriod),
        }));
      default:
        return { error: { status: 400, code: 'InvalidAction', message: `not expected here: ${action}` } };
    }
  });

  return {
    clusters,
    globals,
    received,
    /** The requests of one action, in order. */
    sent: (action: string) => received.filter((r) => r.action === action).map((r) => r.params),
  };
}
