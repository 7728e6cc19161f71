import { nockRds, type RdsAnswer } from './aws-http.js';
import { tagsOf } from './rds-drill-fake.js';
import { members, type XmlValue } from './rds-nock.js';

type Tags = Array<{ Key: string; Value: string }>;

interface FakeCluster {
  id: string;
  status: string;
  tags: Tags;
  members: string[];
}

interface FakeWriter {
  id: string;
  cluster: string;
  status: string;
  tags: Tags;
}

/** What the Aurora fake holds and was asked, for assertions. */
export interface AuroraDrillFake {
  clusters: Map<string, FakeCluster>;
  writers: Map<string, FakeWriter>;
  actions: string[];
  /** Deletes in the order AWS received them: `instance:<id>`, `cluster:<id>`. */
  deleted: string[];
}

function clusterXml(c: FakeCluster, endpoint: { address: string; port: number }, latest?: Date): XmlValue {
  return {
    DBClusterIdentifier: c.id,
    DBClusterArn: `arn:aws:rds:us-east-1:123456789012:cluster:${c.id}`,
    Status: c.status,
    Engine: 'aurora-postgresql',
    Endpoint: c.status === 'available' ? endpoint.address : undefined,
    Port: c.status === 'available' ? endpoint.port : undefined,
    EarliestRestorableTime: latest ? new Date(latest.getTime() - 7 * 86_400_000) : undefined,
    LatestRestorableTime: latest,
    DBClusterMembers: members(
      'DBClusterMember',
      c.members.map((m) => ({ DBInstanceIdentifier: m, IsClusterWriter: true })),
    ),
    TagList: members('Tag', c.tags),
  };
}

function writerXml(w: FakeWriter): XmlValue {
  return {
    DBInstanceIdentifier: w.id,
    DBInstanceStatus: w.status,
    Engine: 'aurora-postgresql',
    DBClusterIdentifier: w.cluster,
    TagList: members('Tag', w.tags),
  };
}

const missing = (code: string, id: string): RdsAnswer => ({ error: { status: 404, code, message: `${id} not found.` } });

/**
 * RDS in us-east-1 at the HTTP layer, statefully, for an Aurora drill: `source` is an available
 * aurora-postgresql cluster with a restorable window; RestoreDBClusterToPointInTime creates the
 * target cluster (available at `endpoint` on the next describe), CreateDBInstance its writer
 * (available on the next describe); DeleteDBInstance removes the writer (gone on the next look);
 * DeleteDBCluster is refused while the cluster still has an instance, as RDS refuses it.
 */
export function nockAuroraForDrills(source: string, latest: Date, endpoint: { address: string; port: number }): AuroraDrillFake {
  const fake: AuroraDrillFake = {
    clusters: new Map([[source, { id: source, status: 'available', tags: [], members: [] }]]),
    writers: new Map(),
    actions: [],
    deleted: [],
  };
  nockRds('us-east-1', (action, params) => {
    fake.actions.push(action);
    const clusterId = params.DBClusterIdentifier ?? '';
    const instanceId = params.DBInstanceIdentifier ?? '';
    const cluster = fake.clusters.get(clusterId);
    const writer = fake.writers.get(instanceId);
    switch (action) {
      case 'DescribeDBClusters': {
        if (!cluster) return missing('DBClusterNotFoundFault', clusterId);
        const shown = clusterXml(cluster, endpoint, clusterId === source ? latest : undefined);
        if (cluster.status === 'creating') cluster.status = 'available';
        if (cluster.status === 'deleting') fake.clusters.delete(clusterId);
        return { result: { DBClusters: members('DBCluster', [shown]) } };
      }
      case 'DescribeDBInstances': {
        if (!writer) return missing('DBInstanceNotFound', instanceId);
        const shown = writerXml(writer);
        if (writer.status === 'creating') writer.status = 'available';
        if (writer.status === 'deleting') {
          fake.writers.delete(instanceId);
          const owner = fake.clusters.get(writer.cluster);
          if (owner) owner.members = owner.members.filter((m) => m !== instanceId);
        }
        return { result: { DBInstances: members('DBInstance', [shown]) } };
      }
      case 'RestoreDBClusterToPointInTime': {
        const created: FakeCluster = { id: clusterId, status: 'creating', tags: tagsOf(params), members: [] };
        fake.clusters.set(clusterId, created);
        return { result: { DBCluster: clusterXml(created, endpoint) } };
      }
      case 'CreateDBInstance': {
        const created: FakeWriter = { id: instanceId, cluster: clusterId, status: 'creating', tags: tagsOf(params) };
        fake.writers.set(instanceId, created);
        fake.clusters.get(clusterId)?.members.push(instanceId);
        return { result: { DBInstance: writerXml(created) } };
      }
      case 'DeleteDBInstance': {
        if (!writer) return missing('DBInstanceNotFound', instanceId);
        fake.deleted.push(`instance:${instanceId}`);
        writer.status = 'deleting';
        return { result: { DBInstance: writerXml(writer) } };
      }
      case 'DeleteDBCluster': {
        if (!cluster) return missing('DBClusterNotFoundFault', clusterId);
        if (cluster.members.length > 0) {
          return {
            error: {
              status: 400,
              code: 'InvalidDBClusterStateFault',
              message: 'Cluster cannot be deleted, it still contains DB instances',
            },
          };
        }
        fake.deleted.push(`cluster:${clusterId}`);
        cluster.status = 'deleting';
        return { result: { DBCluster: clusterXml(cluster, endpoint) } };
      }
      default:
        return { error: { status: 400, code: 'InvalidAction', message: `not expected in an Aurora drill: ${action}` } };
    }
  });
  return fake;
}
