import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';

/**
 * AWS answered at the HTTP layer, from state the test sets: RDS's Query protocol (form-encoded
 * POST with `Action=`, XML answers) in every region, and Route 53's REST XML
 * ListResourceRecordSets. Every request is recorded, and an action can be made to fail with an
 * AWS error code (throttling, AccessDenied) the way AWS answers it.
 */
export interface FakeInstance {
  status: string;
  /** Set while the instance is a read replica. */
  replicaSource?: string;
  latestRestorableTime?: number;
  /** The DR posture's facts (SPEC §10); left out of the answer when absent, as RDS may. */
  multiAz?: boolean;
  backupRetention?: number;
  encrypted?: boolean;
  deletionProtection?: boolean;
}

/** A cluster's restorable window (epoch ms) and the posture facts. */
export interface FakeCluster {
  status: string;
  earliest?: number;
  latest?: number;
  multiAz?: boolean;
  backupRetention?: number;
  encrypted?: boolean;
  deletionProtection?: boolean;
}

/** A DB or cluster snapshot, as DescribeDBSnapshots / DescribeDBClusterSnapshots list it. */
export interface FakeSnapshot {
  kind: 'instance' | 'cluster';
  /** The database it is of. */
  db: string;
  id: string;
  status: string;
  /** SnapshotCreateTime, epoch ms. */
  created: number;
}

export interface FakeRecord {
  name: string;
  type: string;
  ttl: number;
  values: string[];
}

export interface AwsCall {
  service: 'rds' | 'route53';
  region?: string;
  action: string;
  params: Record<string, string>;
}

const RDS_NS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const R53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** The DR posture's fields, as DescribeDBInstances and DescribeDBClusters name them. */
function postureXml(db: { multiAz?: boolean; backupRetention?: number; encrypted?: boolean; deletionProtection?: boolean }): string {
  return (
    (db.multiAz !== undefined ? `<MultiAZ>${db.multiAz}</MultiAZ>` : '') +
    (db.backupRetention !== undefined ? `<BackupRetentionPeriod>${db.backupRetention}</BackupRetentionPeriod>` : '') +
    (db.encrypted !== undefined ? `<StorageEncrypted>${db.encrypted}</StorageEncrypted>` : '') +
    (db.deletionProtection !== undefined ? `<DeletionProtection>${db.deletionProtection}</DeletionProtection>` : '')
  );
}

const xml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const iso = (ms: number) => new Date(ms).toISOString();

export class FakeAwsHttp {
  readonly calls: AwsCall[] = [];
  /** region -> instance id -> instance. */
  readonly instances = new Map<string, Map<string, FakeInstance>>();
  /** region -> cluster id -> cluster (its restorable window, epoch ms). */
  readonly clusters = new Map<string, Map<string, FakeCluster>>();
  /** region -> instance id -> automated backup restore window (epoch ms). */
  readonly backups = new Map<string, Map<string, { earliest: number; latest: number }>>();
  /** region -> snapshots there. */
  readonly snapshots = new Map<string, FakeSnapshot[]>();
  /** hosted zone id -> record sets. */
  readonly zones = new Map<string, FakeRecord[]>();
  /** action -> the AWS error it answers with (`Throttling` 400, `AccessDenied` 403). */
  readonly failures = new Map<string, { code: string; status: number }>();
  /** action -> ms RDS takes to answer it (a slow AWS). */
  readonly delays = new Map<string, number>();

  instance(region: string, id: string, instance: FakeInstance): void {
    const inRegion = this.instances.get(region) ?? new Map<string, FakeInstance>();
    inRegion.set(id, instance);
    this.instances.set(region, inRegion);
  }

  cluster(region: string, id: string, cluster: FakeCluster): void {
    const inRegion = this.clusters.get(region) ?? new Map<string, FakeCluster>();
    inRegion.set(id, cluster);
    this.clusters.set(region, inRegion);
  }

  backup(region: string, id: string, window: { earliest: number; latest: number }): void {
    const inRegion = this.backups.get(region) ?? new Map<string, { earliest: number; latest: number }>();
    inRegion.set(id, window);
    this.backups.set(region, inRegion);
  }

  snapshot(region: string, snapshot: FakeSnapshot): void {
    this.snapshots.set(region, [...(this.snapshots.get(region) ?? []), snapshot]);
  }

  record(zone: string, record: FakeRecord): void {
    const records = (this.zones.get(zone) ?? []).filter((r) => !(r.name === record.name && r.type === record.type));
    records.push(record);
    records.sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    this.zones.set(zone, records);
  }

  /** Intercepts RDS (any region) and Route 53 until nock.cleanAll(). */
  install(): void {
    const rds = (region: string, params: Record<string, string>) => this.rds(region, params);
    const delayOf = (params: Record<string, string>) => this.delays.get(params.Action ?? '') ?? 0;
    nock(/^https:\/\/rds\.[a-z0-9-]+\.amazonaws\.com/)
      .persist()
      .post('/')
      .reply(function reply(_uri, body, callback) {
        const region = /rds\.([a-z0-9-]+)\.amazonaws/.exec(this.req.headers.host ?? '')?.[1] ?? 'unknown';
        const params = parseQuery(String(body)) as Record<string, string>;
        const answer = rds(region, params);
        const delay = delayOf(params);
        if (delay > 0) setTimeout(() => callback(null, answer), delay);
        else callback(null, answer);
      });
    nock('https://route53.amazonaws.com')
      .persist()
      .get(/^\/2013-04-01\/hostedzone\/[^/]+\/rrset/)
      .reply((uri) => this.route53(uri));
  }

  private failure(action: string, ns: string): [number, string] | null {
    const failure = this.failures.get(action);
    if (!failure) return null;
    return [
      failure.status,
      `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>${failure.code}</Code><Message>${failure.code === 'AccessDenied' ? `User is not authorized to perform: ${action}` : 'Rate exceeded'}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
    ];
  }

  private rds(region: string, params: Record<string, string>): [number, string] {
    const action = params.Action ?? 'unknown';
    this.calls.push({ service: 'rds', region, action, params });
    const failed = this.failure(action, RDS_NS);
    if (failed) return failed;
    const filtered = Object.entries(params)
      .filter(([key]) => /^Filters\.Filter\.\d+\.Values\.Value\.\d+$/.test(key))
      .map(([, value]) => value);
    const wanted = params.DBInstanceIdentifier ? [params.DBInstanceIdentifier] : filtered;
    const answer = (inner: string) =>
      [
        200,
        `<${action}Response xmlns="${RDS_NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`,
      ] as [number, string];
    switch (action) {
      case 'DescribeDBInstances': {
        const found = wanted.flatMap((id) => {
          const db = this.instances.get(region)?.get(id);
          return db ? [[id, db] as const] : [];
        });
        if (params.DBInstanceIdentifier && found.length === 0) {
          return [
            404,
            `<ErrorResponse xmlns="${RDS_NS}"><Error><Type>Sender</Type><Code>DBInstanceNotFound</Code><Message>DBInstance ${xml(params.DBInstanceIdentifier)} not found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
          ];
        }
        const items = found.map(
          ([id, db]) =>
            `<DBInstance><DBInstanceIdentifier>${xml(id)}</DBInstanceIdentifier><DBInstanceStatus>${db.status}</DBInstanceStatus>` +
            `<DBInstanceArn>arn:aws:rds:${region}:123456789012:db:${xml(id)}</DBInstanceArn><Engine>postgres</Engine>` +
            (db.replicaSource
              ? `<ReadReplicaSourceDBInstanceIdentifier>${xml(db.replicaSource)}</ReadReplicaSourceDBInstanceIdentifier>`
              : '') +
            (db.latestRestorableTime !== undefined ? `<LatestRestorableTime>${iso(db.latestRestorableTime)}</LatestRestorableTime>` : '') +
            postureXml(db) +
            '</DBInstance>',
        );
        return answer(`<DBInstances>${items.join('')}</DBInstances>`);
      }
      case 'DescribeDBClusters': {
        const items = wanted.flatMap((id) => {
          const c = this.clusters.get(region)?.get(id);
          if (!c) return [];
          return [
            `<DBCluster><DBClusterIdentifier>${xml(id)}</DBClusterIdentifier><Status>${c.status}</Status><Engine>aurora-postgresql</Engine>` +
              `<DBClusterArn>arn:aws:rds:${region}:123456789012:cluster:${xml(id)}</DBClusterArn>` +
              (c.earliest !== undefined ? `<EarliestRestorableTime>${iso(c.earliest)}</EarliestRestorableTime>` : '') +
              (c.latest !== undefined ? `<LatestRestorableTime>${iso(c.latest)}</LatestRestorableTime>` : '') +
              postureXml(c) +
              '</DBCluster>',
          ];
        });
        return answer(`<DBClusters>${items.join('')}</DBClusters>`);
      }
      case 'DescribeDBInstanceAutomatedBackups': {
        const items = wanted.flatMap((id) => {
          const window = this.backups.get(region)?.get(id);
          return window
            ? [
                `<DBInstanceAutomatedBackup><DBInstanceIdentifier>${xml(id)}</DBInstanceIdentifier><Status>active</Status>` +
                  `<RestoreWindow><EarliestTime>${iso(window.earliest)}</EarliestTime><LatestTime>${iso(window.latest)}</LatestTime></RestoreWindow></DBInstanceAutomatedBackup>`,
              ]
            : [];
        });
        return answer(`<DBInstanceAutomatedBackups>${items.join('')}</DBInstanceAutomatedBackups>`);
      }
      case 'DescribeDBSnapshots':
      case 'DescribeDBClusterSnapshots': {
        const kind = action === 'DescribeDBSnapshots' ? 'instance' : 'cluster';
        const tag = kind === 'instance' ? 'DBSnapshot' : 'DBClusterSnapshot';
        const dbTag = kind === 'instance' ? 'DBInstanceIdentifier' : 'DBClusterIdentifier';
        const items = (this.snapshots.get(region) ?? [])
          .filter((snap) => snap.kind === kind && wanted.includes(snap.db))
          .map(
            (snap) =>
              `<${tag}><${tag}Identifier>${xml(snap.id)}</${tag}Identifier><${dbTag}>${xml(snap.db)}</${dbTag}>` +
              `<SnapshotCreateTime>${iso(snap.created)}</SnapshotCreateTime><Status>${snap.status}</Status>` +
              `<SnapshotType>${snap.id.startsWith('rds:') ? 'automated' : 'manual'}</SnapshotType></${tag}>`,
          );
        return answer(`<${tag}s>${items.join('')}</${tag}s>`);
      }
      default:
        return [
          400,
          `<ErrorResponse xmlns="${RDS_NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>the fake does not answer ${xml(action)}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
        ];
    }
  }

  private route53(uri: string): [number, string] {
    const url = new URL(uri, 'https://route53.amazonaws.com');
    const zone = decodeURIComponent(url.pathname.split('/')[3] ?? '');
    const params = Object.fromEntries(url.searchParams);
    this.calls.push({ service: 'route53', action: 'ListResourceRecordSets', params: { zone, ...params } });
    const failed = this.failure('ListResourceRecordSets', R53_NS);
    if (failed) return failed;
    const max = Number(params.maxitems ?? '300');
    const records = (this.zones.get(zone) ?? []).filter((r) => params.name === undefined || r.name >= params.name);
    const page = records.slice(0, max);
    const next = records[max];
    const items = page.map(
      (r) =>
        `<ResourceRecordSet><Name>${xml(r.name)}</Name><Type>${r.type}</Type><TTL>${r.ttl}</TTL><ResourceRecords>` +
        r.values.map((v) => `<ResourceRecord><Value>${xml(v)}</Value></ResourceRecord>`).join('') +
        '</ResourceRecords></ResourceRecordSet>',
    );
    const truncated = next
      ? `<IsTruncated>true</IsTruncated><NextRecordName>${xml(next.name)}</NextRecordName><NextRecordType>${next.type}</NextRecordType>`
      : '<IsTruncated>false</IsTruncated>';
    return [
      200,
      `<?xml version="1.0"?>\n<ListResourceRecordSetsResponse xmlns="${R53_NS}"><ResourceRecordSets>${items.join('')}</ResourceRecordSets>${truncated}<MaxItems>${max}</MaxItems></ListResourceRecordSetsResponse>`,
    ];
  }

  /** The calls so far as `service:Action` (RDS with its region), in order. */
  actions(): string[] {
    return this.calls.map((c) => (c.service === 'rds' ? `rds:${c.region}:${c.action}` : `route53:${c.action}`));
  }
}
