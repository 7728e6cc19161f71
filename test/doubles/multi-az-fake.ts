import nock from 'nock';
import { nockRds, type RdsAnswer } from './aws-http.js';
import { members, rdsResponseXml, type XmlValue } from './rds-nock.js';

/*
 * RDS at the HTTP layer for Multi-AZ failover drills, statefully: an RDS Multi-AZ instance that a
 * RebootDBInstance with ForceFailover sends through `rebooting` into its other zone, and an Aurora
 * cluster that FailoverDBCluster sends through `failing-over` to a new writer.
 */

const missing = (code: string, id: string): RdsAnswer => ({ error: { status: 404, code, message: `${id} not found.` } });

/** What the instance fake holds and was asked, for assertions. */
export interface MultiAzInstanceFake {
  /** Every RDS action received, in order. */
  actions: string[];
  /** The form fields of every RebootDBInstance AWS received. */
  reboots: Array<Record<string, string>>;
  /** RebootDBInstance requests AWS received but did not act on (answered 503). */
  unapplied: Array<Record<string, string>>;
  /** The primary's zone now. */
  primaryZone(): string;
}

export interface MultiAzInstanceOptions {
  id: string;
  region?: string;
  /** false: a Single-AZ instance (no standby). */
  multiAz?: boolean;
  /** Describes answered `rebooting` after the reboot before the instance is available again. */
  rebootingFor?: number;
  /** The first RebootDBInstance is applied, but its answer comes after the SDK's request timeout (3 s). */
  firstAnswerTimesOut?: boolean;
  /** The first RebootDBInstance is answered 503 and not applied: AWS did not act on it. */
  firstAnswerUnavailable?: boolean;
}

/**
 * `id`: available in us-east-1a with its standby in us-east-1b (or Single-AZ); a RebootDBInstance
 * with ForceFailover=true (on a Multi-AZ instance) makes it read `rebooting` for `rebootingFor`
 * describes, then available with the zones swapped.
 */
export function nockMultiAzInstance(options: MultiAzInstanceOptions): MultiAzInstanceFake {
  const region = options.region ?? 'us-east-1';
  const multiAz = options.multiAz ?? true;
  let zones: [string, string] = ['us-east-1a', 'us-east-1b'];
  let rebootingLeft = 0;
  const reboots: Array<Record<string, string>> = [];
  const unapplied: Array<Record<string, string>> = [];
  let turnedDown = false;
  const instanceXml = (): XmlValue => ({
    DBInstanceIdentifier: options.id,
    DBInstanceStatus: rebootingLeft > 0 ? 'rebooting' : 'available',
    Engine: 'postgres',
    MultiAZ: multiAz,
    AvailabilityZone: zones[0],
    SecondaryAvailabilityZone: multiAz ? zones[1] : undefined,
    Endpoint: { Address: `${options.id}.abc.${region}.rds.amazonaws.com`, Port: 5432 },
  });
  const reboot = (params: Record<string, string>) => {
    reboots.push(params);
    if (multiAz && params.ForceFailover === 'true') zones = [zones[1], zones[0]];
    rebootingLeft = options.rebootingFor ?? 2;
  };
  if (options.firstAnswerTimesOut) {
    // Registered before the persistent scope below, so it takes the first reboot only.
    nock(`https://rds.${region}.amazonaws.com`)
      .post('/', (body: unknown) =>
        String(typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>)).includes('Action=RebootDBInstance'),
      )
      .delay(3_000)
      .reply((_uri, body) => {
        reboot(Object.fromEntries(new URLSearchParams(String(body))));
        return [200, rdsResponseXml('RebootDBInstance', { DBInstance: instanceXml() }), { 'content-type': 'text/xml' }];
      });
  }
  const actions = nockRds(region, (action, params) => {
    if (action === 'RebootDBInstance') {
      if (options.firstAnswerUnavailable && reboots.length === 0 && !turnedDown) {
        turnedDown = true;
        unapplied.push(params);
        return { error: { status: 503, code: 'ServiceUnavailable', message: 'Service unavailable' } };
      }
      reboot(params);
      return { result: { DBInstance: instanceXml() } };
    }
    if (action === 'DescribeDBInstances') {
      if (params.DBInstanceIdentifier !== options.id) return missing('DBInstanceNotFound', params.DBInstanceIdentifier ?? '');
      const answer: RdsAnswer = { result: { DBInstances: members('DBInstance', [instanceXml()]) } };
      if (rebootingLeft > 0) rebootingLeft -= 1;
      return answer;
    }
    return { error: { status: 400, code: 'InvalidAction', message: `not expected here: ${action}` } };
  });
  return { actions, reboots, unapplied, primaryZone: () => zones[0] };
}

/** What the Aurora fake holds and was asked. */
export interface AuroraFailoverFake {
  actions: string[];
  /** The form fields of every FailoverDBCluster AWS received. */
  failovers: Array<Record<string, string>>;
  writer(): string;
}

/**
 * Aurora cluster `cluster` in us-east-1: `instances[0]` the writer, the others available readers;
 * FailoverDBCluster to a reader makes the cluster `failing-over` for `failingOverFor` describes,
 * then available with that reader as its writer.
 */
export function nockAuroraFailover(options: { cluster: string; instances: string[]; failingOverFor?: number }): AuroraFailoverFake {
  let writer = options.instances[0] ?? '';
  let failingOverLeft = 0;
  const failovers: Array<Record<string, string>> = [];
  const clusterXml = (): XmlValue => ({
    DBClusterIdentifier: options.cluster,
    Status: failingOverLeft > 0 ? 'failing-over' : 'available',
    Engine: 'aurora-postgresql',
    Endpoint: `${options.cluster}.cluster-abc.us-east-1.rds.amazonaws.com`,
    Port: 5432,
    DBClusterMembers: members(
      'DBClusterMember',
      options.instances.map((id) => ({ DBInstanceIdentifier: id, IsClusterWriter: id === writer })),
    ),
  });
  const actions = nockRds('us-east-1', (action, params) => {
    if (action === 'FailoverDBCluster') {
      failovers.push(params);
      writer = params.TargetDBInstanceIdentifier ?? writer;
      failingOverLeft = options.failingOverFor ?? 1;
      return { result: { DBCluster: clusterXml() } };
    }
    if (action === 'DescribeDBClusters') {
      if (params.DBClusterIdentifier !== options.cluster) return missing('DBClusterNotFoundFault', params.DBClusterIdentifier ?? '');
      const answer: RdsAnswer = { result: { DBClusters: members('DBCluster', [clusterXml()]) } };
      if (failingOverLeft > 0) failingOverLeft -= 1;
      return answer;
    }
    if (action === 'DescribeDBInstances') {
      const id = params.DBInstanceIdentifier ?? '';
      if (!options.instances.includes(id)) return missing('DBInstanceNotFound', id);
      const instance = {
        DBInstanceIdentifier: id,
        DBInstanceStatus: 'available',
        Engine: 'aurora-postgresql',
        DBClusterIdentifier: options.cluster,
      };
      return { result: { DBInstances: members('DBInstance', [instance]) } };
    }
    return { error: { status: 400, code: 'InvalidAction', message: `not expected here: ${action}` } };
  });
  return { actions, failovers, writer: () => writer };
}
