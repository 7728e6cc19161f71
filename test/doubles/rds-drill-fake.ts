import { nockRds, type RdsAnswer } from './aws-http.js';
import { members, type XmlValue } from './rds-nock.js';

/** One DB instance the fake holds. */
export interface FakeInstance {
  id: string;
  status: string;
  engine: string;
  tags: Array<{ Key: string; Value: string }>;
  endpoint?: { address: string; port: number };
  latestRestorableTime?: Date;
  /** Describes still answering `creating` before it turns `available`. */
  creatingFor?: number;
}

export interface RdsDrillFakeOptions {
  /** Where restored instances listen (a local TCP server in tests). */
  endpoint: { address: string; port: number };
  /** What RDS does with a restore's Tags: `keep` (as AWS does), or `drop` (a restored copy read back without them). */
  tags?: 'keep' | 'drop';
  /** Describes a restored instance answers `creating` before `available`. */
  creatingFor?: number;
}

/** The fake's state and what it was asked, for assertions. */
export interface RdsDrillFake {
  instances: Map<string, FakeInstance>;
  actions: string[];
  /** Every request's form fields, by action. */
  sent: Array<{ action: string; params: Record<string, string> }>;
  deleted: string[];
}

/** The `Tags.Tag.N.Key/Value` (Query protocol list) of a request, as tags. */
export function tagsOf(params: Record<string, string>): Array<{ Key: string; Value: string }> {
  const tags: Array<{ Key: string; Value: string }> = [];
  for (let n = 1; params[`Tags.Tag.${n}.Key`] !== undefined; n++) {
    tags.push({ Key: params[`Tags.Tag.${n}.Key`] ?? '', Value: params[`Tags.Tag.${n}.Value`] ?? '' });
  }
  return tags;
}

function instanceXml(db: FakeInstance): XmlValue {
  return {
    DBInstanceIdentifier: db.id,
    DBInstanceArn: `arn:aws:rds:us-east-1:123456789012:db:${db.id}`,
    DBInstanceStatus: db.status,
    Engine: db.engine,
    Endpoint: db.endpoint && db.status !== 'creating' ? { Address: db.endpoint.address, Port: db.endpoint.port } : undefined,
    LatestRestorableTime: db.latestRestorableTime,
    BackupRetentionPeriod: 7,
    TagList: members('Tag', db.tags),
  };
}

const notFound = (id: string): RdsAnswer => ({
  error: { status: 404, code: 'DBInstanceNotFound', message: `DBInstance ${id} not found.` },
});

/**
 * RDS in us-east-1 at the HTTP layer, statefully, for restore drills: `source` is a live
 * postgres instance with a restorable window; RestoreDBInstanceToPointInTime creates the target
 * (with the request's tags, unless `tags: drop`), `creating` for a few describes, then
 * `available` at `endpoint`; DeleteDBInstance turns it `deleting`, and the next describe finds
 * it gone.
 */
export function nockRdsForDrills(source: FakeInstance, options: RdsDrillFakeOptions): RdsDrillFake {
  const fake: RdsDrillFake = { instances: new Map([[source.id, source]]), actions: [], sent: [], deleted: [] };
  nockRds('us-east-1', (action, params) => {
    fake.actions.push(action);
    fake.sent.push({ action, params });
    const id = params.DBInstanceIdentifier ?? params.TargetDBInstanceIdentifier ?? '';
    const db = fake.instances.get(id);
    switch (action) {
      case 'DescribeDBInstances': {
        if (!db) return notFound(id);
        if (db.status === 'deleting') fake.instances.delete(id); // gone by the next look
        if (db.status === 'creating' && (db.creatingFor ?? 0) <= 0) db.status = 'available';
        else if (db.status === 'creating') db.creatingFor = (db.creatingFor ?? 0) - 1;
        return { result: { DBInstances: members('DBInstance', [instanceXml(db)]) } };
      }
      case 'DescribeDBInstanceAutomatedBackups': {
        // The live source's active backup (DBInstanceIdentifier); no retained ones (Filters).
        if (params.DBInstanceIdentifier !== source.id)
          return { result: { DBInstanceAutomatedBackups: members('DBInstanceAutomatedBackup', []) } };
        const latest = source.latestRestorableTime ?? new Date();
        return {
          result: {
            DBInstanceAutomatedBackups: members('DBInstanceAutomatedBackup', [
              {
                DBInstanceIdentifier: source.id,
                Status: 'active',
                RestoreWindow: { EarliestTime: new Date(latest.getTime() - 7 * 86_400_000), LatestTime: latest },
              },
            ]),
          },
        };
      }
      case 'RestoreDBInstanceToPointInTime': {
        if (db) return { error: { status: 400, code: 'DBInstanceAlreadyExists', message: `DB instance already exists: ${id}` } };
        const created: FakeInstance = {
          id,
          status: 'creating',
          engine: source.engine,
          tags: options.tags === 'drop' ? [] : tagsOf(params),
          endpoint: options.endpoint,
          creatingFor: options.creatingFor ?? 1,
        };
        fake.instances.set(id, created);
        return { result: { DBInstance: instanceXml(created) } };
      }
      case 'DeleteDBInstance': {
        if (!db) return notFound(id);
        fake.deleted.push(id);
        db.status = 'deleting';
        return { result: { DBInstance: instanceXml(db) } };
      }
      default:
        return { error: { status: 400, code: 'InvalidAction', message: `not expected in a drill: ${action}` } };
    }
  });
  return fake;
}
