import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import { AwsClients } from '../../src/aws/aws-clients.js';
import { route53ChangeActionsAllowed } from './iam-policy.js';
import { members, rdsErrorXml, rdsResponseXml, type XmlValue } from './rds-nock.js';

/*
 * AWS answered at the HTTP layer, as the SDK really talks to it: RDS speaks the Query protocol
 * (form-encoded POST with `Action=`, XML answers: see rds-nock.ts), Route 53 REST-XML, CloudWatch
 * AWS JSON 1.0. The SDK's serialisation,
 * parsing and retry behaviour all run for real.
 */

const ROUTE53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
export const ROUTE53_URL = 'https://route53.amazonaws.com';

/** AwsClients as production builds them (SDK retries on reads, none on mutating calls), with short deadlines. */
export function httpAwsClients(): AwsClients {
  return new AwsClients({
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
}

/** An RDS answer: 200 with the action's result (as rds-nock.ts writes it in XML), or an AWS error. */
export type RdsAnswer =
  | { result: { readonly [name: string]: XmlValue | undefined } }
  | { error: { status: number; code: string; message: string } };

/**
 * RDS in `region` as a function of what it has been asked so far: every request is answered by
 * `answer(action, params)`. Returns the actions received, in order. (rds-nock.ts's RdsNock answers
 * from a fixed script instead.)
 */
export function nockRds(region: string, answer: (action: string, params: Record<string, string>) => RdsAnswer): string[] {
  const received: string[] = [];
  nock(`https://rds.${region}.amazonaws.com`)
    .persist()
    .post('/')
    .reply((_uri, body) => {
      const params = parseQuery(String(body)) as Record<string, string>;
      const action = params.Action ?? '';
      received.push(action);
      const reply = answer(action, params);
      const [status, xml] =
        'error' in reply
          ? [reply.error.status, rdsErrorXml(reply.error.code, reply.error.message)]
          : [200, rdsResponseXml(action, reply.result)];
      return [status, xml, { 'content-type': 'text/xml' }];
    });
  return received;
}

/** A DB instance as RDS describes it. */
export function dbInstance(instance: { id: string; status: string; replicaOf?: string; endpoint?: string }): XmlValue {
  return {
    DBInstanceIdentifier: instance.id,
    DBInstanceStatus: instance.status,
    Engine: 'postgres',
    ReadReplicaSourceDBInstanceIdentifier: instance.replicaOf,
    Endpoint: instance.endpoint ? { Address: instance.endpoint, Port: 5432 } : undefined,
  };
}

/** DescribeDBInstances' result for these instances. */
export function describedInstances(...instances: XmlValue[]): { readonly [name: string]: XmlValue } {
  return { DBInstances: members('DBInstance', instances) };
}

/** A simple record set in Route 53's XML. */
export interface SimpleRecord {
  name: string;
  type: string;
  ttl: number;
  value: string;
}

export interface Route53Answers {
  /** The record sets ListResourceRecordSets returns now. */
  records(): SimpleRecord[];
  /**
   * ChangeResourceRecordSets: the record it writes, then how to answer: `unavailable` is a 503,
   * which "may or may not" have been applied, as a lost answer; `denied` is a 403 AccessDenied
   * (the role may not change the zone), which applied nothing.
   */
  change(written: SimpleRecord): 'accept' | 'unavailable' | 'denied';
}

/** A 200 answer from Route 53 (REST-XML). */
function route53Xml(body: string) {
  return [200, `<?xml version="1.0"?>${body}`, { 'content-type': 'text/xml' }] as const;
}

/** A 503 from Route 53: the change "may or may not" have been applied, as a lost answer. */
const UNAVAILABLE = [
  503,
  `<?xml version="1.0"?><ErrorResponse xmlns="${ROUTE53_NS}"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service unavailable</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
  { 'content-type': 'text/xml' },
] as const;

const ACCESS_DENIED = [
  403,
  `<?xml version="1.0"?><ErrorResponse xmlns="${ROUTE53_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: route53:ChangeResourceRecordSets</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`,
  { 'content-type': 'text/xml' },
] as const;

const INVALID_CHANGE_BATCH = [
  400,
  `<?xml version="1.0"?><InvalidChangeBatch xmlns="${ROUTE53_NS}"><Messages><Message>Tried to delete resource record set but it was not found</Message></Messages><RequestId>req-3</RequestId></InvalidChangeBatch>`,
  { 'content-type': 'text/xml' },
] as const;

const CHANGE_ACCEPTED = `<ChangeResourceRecordSetsResponse xmlns="${ROUTE53_NS}"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-11-21T12:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`;
const CHANGE_INSYNC = `<GetChangeResponse xmlns="${ROUTE53_NS}"><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>2026-11-21T12:00:00Z</SubmittedAt></ChangeInfo></GetChangeResponse>`;

/** Route 53 (global): list, change and get-change; returns the change requests' bodies, in order. */
export function nockRoute53(answers: Route53Answers): string[] {
  const changes: string[] = [];
  nock(ROUTE53_URL)
    .persist()
    .get(/\/2013-04-01\/hostedzone\/[^/]+\/rrset/)
    .reply(() => {
      const sets = answers
        .records()
        .map(
          (r) =>
            `<ResourceRecordSet><Name>${r.name}</Name><Type>${r.type}</Type><TTL>${r.ttl}</TTL><ResourceRecords><ResourceRecord><Value>${r.value}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>`,
        )
        .join('');
      return route53Xml(
        `<ListResourceRecordSetsResponse xmlns="${ROUTE53_NS}"><ResourceRecordSets>${sets}</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>`,
      );
    })
    .post(/\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/)
    .reply((_uri, body) => {
      const text = String(body);
      changes.push(text);
      const field = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1] ?? '';
      const written = { name: field('Name'), type: field('Type'), ttl: Number(field('TTL')), value: field('Value') };
      const answer = answers.change(written);
      if (answer === 'denied') return ACCESS_DENIED;
      if (answer === 'unavailable') {
        return UNAVAILABLE;
      }
      return route53Xml(CHANGE_ACCEPTED);
    })
    .get(/\/2013-04-01\/change\/C1/)
    .reply(() => route53Xml(CHANGE_INSYNC));
  return changes;
}

/**
 * The orders failover's DNS and cut-over, healthy: Route 53 holds orders.db.example.com as a CNAME
 * to the old primary and takes any change; CloudWatch in us-west-2 reads 12 s of replica lag at `at()`.
 */
export function nockOrdersDnsAndLag(at: () => number): void {
  let record = { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, value: 'orders-db.abc.us-east-1.rds.amazonaws.com' };
  nockRoute53({
    records: () => [record],
    change: (written) => {
      record = written;
      return 'accept';
    },
  });
  nockCloudWatchLag('us-west-2', 12, at);
}

/** CloudWatch in `region` (AWS JSON 1.0): every GetMetricData answers `lagSeconds`, measured at `at()`. */
export function nockCloudWatchLag(region: string, lagSeconds: number, at: () => number): void {
  nock(`https://monitoring.${region}.amazonaws.com`)
    .persist()
    .post('/')
    .reply(
      200,
      () => ({ MetricDataResults: [{ Id: 'q0', Timestamps: [Math.floor(at() / 1000)], Values: [lagSeconds], StatusCode: 'Complete' }] }),
      { 'content-type': 'application/x-amz-json-1.0' },
    );
}

/** A record set in one Route 53 zone, any kind: plain (`ttl`, `values`) or `alias`, with its routing. */
export interface ZoneRecord {
  name: string;
  type: string;
  ttl?: number;
  values?: string[];
  alias?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  setIdentifier?: string;
  weight?: number;
  failover?: 'PRIMARY' | 'SECONDARY';
  healthCheckId?: string;
}

/** A record set as Route 53 writes it in ListResourceRecordSets (element order of its schema). */
export function recordSetXml(r: ZoneRecord): string {
  const tag = (name: string, value: string | number | undefined) => (value === undefined ? '' : `<${name}>${value}</${name}>`);
  const alias = r.alias
    ? `<AliasTarget>${tag('HostedZoneId', r.alias.hostedZoneId)}${tag('DNSName', r.alias.dnsName)}${tag('EvaluateTargetHealth', String(r.alias.evaluateTargetHealth))}</AliasTarget>`
    : '';
  const values = r.values
    ? `<ResourceRecords>${r.values.map((v) => `<ResourceRecord><Value>${v}</Value></ResourceRecord>`).join('')}</ResourceRecords>`
    : '';
  return `<ResourceRecordSet>${tag('Name', r.name)}${tag('Type', r.type)}${tag('SetIdentifier', r.setIdentifier)}${tag('Weight', r.weight)}${tag('Failover', r.failover)}${tag('TTL', r.ttl)}${values}${alias}${tag('HealthCheckId', r.healthCheckId)}</ResourceRecordSet>`;
}

/** One change of a ChangeResourceRecordSets body, read back from the XML the SDK sent. */
export interface SentChange {
  action: string;
  record: ZoneRecord;
}

/** The changes of a ChangeResourceRecordSets request body, in order. */
export function parseChangeBatch(body: string): SentChange[] {
  const field = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  return [...body.matchAll(/<Change>([\s\S]*?)<\/Change>/g)].map(([, change = '']) => {
    const aliasXml = /<AliasTarget>([\s\S]*?)<\/AliasTarget>/.exec(change)?.[1];
    const plain = aliasXml === undefined ? change : change.replace(/<AliasTarget>[\s\S]*?<\/AliasTarget>/, '');
    const values = [...plain.matchAll(/<Value>([^<]*)<\/Value>/g)].map((m) => m[1] ?? '');
    const ttl = field(plain, 'TTL');
    const weight = field(plain, 'Weight');
    const failover = field(plain, 'Failover');
    const setIdentifier = field(plain, 'SetIdentifier');
    const healthCheckId = field(plain, 'HealthCheckId');
    const record: ZoneRecord = {
      name: field(plain, 'Name') ?? '',
      type: field(plain, 'Type') ?? '',
      ...(ttl !== undefined && { ttl: Number(ttl) }),
      ...(values.length > 0 && { values }),
      ...(aliasXml !== undefined && {
        alias: {
          hostedZoneId: field(aliasXml, 'HostedZoneId') ?? '',
          dnsName: field(aliasXml, 'DNSName') ?? '',
          evaluateTargetHealth: field(aliasXml, 'EvaluateTargetHealth') === 'true',
        },
      }),
      ...(setIdentifier !== undefined && { setIdentifier }),
      ...(weight !== undefined && { weight: Number(weight) }),
      ...(failover !== undefined && { failover: failover as 'PRIMARY' | 'SECONDARY' }),
      ...(healthCheckId !== undefined && { healthCheckId }),
    };
    return { action: field(change, 'Action') ?? '', record };
  });
}

/** A Route 53 zone as `nockRoute53Zone` keeps it. */
export interface Route53Zone {
  /** The record sets now. */
  records: ZoneRecord[];
  /** Every ChangeResourceRecordSets body, as sent. */
  bodies: string[];
  /** ListResourceRecordSets requests' StartRecordName ('' for a whole-zone listing), in order. */
  listed: string[];
}

const withDot = (name: string) => (name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`);

/**
 * Route 53 (global) holding `initial` in one zone, statefully: ListResourceRecordSets from
 * StartRecordName answers that name's record sets (a whole-zone listing, all of them);
 * ChangeResourceRecordSets applies a batch all at once, each UPSERT replacing the record set
 * with the same name, type and SetIdentifier, each DELETE removing it (it must exist); GetChange
 * answers INSYNC. A batch holding an action deploy/iam-policy.json does not allow is refused
 * whole with AccessDenied, as AWS refuses Lifeboat's role. `answer` decides what the caller hears
 * (`unavailable`: a 503 after the batch was applied, a lost answer).
 */
export function nockRoute53Zone(
  initial: ZoneRecord[],
  answer: (batch: SentChange[]) => 'accept' | 'unavailable' = () => 'accept',
): Route53Zone {
  const zone: Route53Zone = { records: [...initial], bodies: [], listed: [] };
  nock(ROUTE53_URL)
    .persist()
    .get(/\/2013-04-01\/hostedzone\/[^/]+\/rrset/)
    .reply((uri) => {
      const start = new URL(uri, ROUTE53_URL).searchParams.get('name');
      zone.listed.push(start ?? '');
      const sets = zone.records.filter((r) => start === null || withDot(r.name) === withDot(start));
      return route53Xml(
        `<ListResourceRecordSetsResponse xmlns="${ROUTE53_NS}"><ResourceRecordSets>${sets.map(recordSetXml).join('')}</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>300</MaxItems></ListResourceRecordSetsResponse>`,
      );
    })
    .post(/\/2013-04-01\/hostedzone\/[^/]+\/rrset\/?$/)
    .reply((_uri, body) => {
      const text = String(body);
      zone.bodies.push(text);
      const batch = parseChangeBatch(text);
      const allowed = route53ChangeActionsAllowed();
      if (allowed !== 'any' && batch.some(({ action }) => !allowed.includes(action))) return ACCESS_DENIED;
      const same = (a: ZoneRecord, b: ZoneRecord) =>
        withDot(a.name) === withDot(b.name) && a.type === b.type && a.setIdentifier === b.setIdentifier;
      if (batch.some(({ action, record }) => action === 'DELETE' && !zone.records.some((r) => same(r, record)))) {
        return INVALID_CHANGE_BATCH;
      }
      for (const { action, record } of batch) {
        const others = zone.records.filter((r) => !same(r, record));
        zone.records = action === 'DELETE' ? others : [...others, { ...record, name: withDot(record.name) }];
      }
      if (answer(batch) === 'unavailable') {
        return UNAVAILABLE;
      }
      return route53Xml(CHANGE_ACCEPTED);
    })
    .get(/\/2013-04-01\/change\/C1/)
    .reply(() => route53Xml(CHANGE_INSYNC));
  return zone;
}

/**
 * `id` in `region` as RDS describes it: an available read replica of `source` until a
 * PromoteReadReplica arrives, then standalone and available at `endpoint`. Returns the actions received.
 */
export function nockReplicaPromotion(region: string, id: string, source: string, endpoint: string): string[] {
  let promoted = false;
  return nockRds(region, (action) => {
    if (action === 'PromoteReadReplica') {
      promoted = true;
      return { result: { DBInstance: dbInstance({ id, status: 'modifying', replicaOf: source }) } };
    }
    const now = promoted ? dbInstance({ id, status: 'available', endpoint }) : dbInstance({ id, status: 'available', replicaOf: source });
    return { result: describedInstances(now) };
  });
}

/**
 * RDS in us-west-2 as it behaves for a replica failover: `orders-replica` is an available read
 * replica until a PromoteReadReplica reaches AWS, then standalone and available at `endpoint`.
 * Returns how many promotions AWS received.
 */
export function nockPromotableReplica(endpoint: string): { promotions(): number } {
  let promoted = false;
  const actions = nockRds('us-west-2', (action) => {
    if (action === 'PromoteReadReplica') {
      promoted = true;
      return { result: { DBInstance: dbInstance({ id: 'orders-replica', status: 'modifying', replicaOf: 'orders-db' }) } };
    }
    if (action === 'DescribeDBInstances') {
      return {
        result: describedInstances(
          promoted
            ? dbInstance({ id: 'orders-replica', status: 'available', endpoint })
            : dbInstance({ id: 'orders-replica', status: 'available', replicaOf: 'orders-db' }),
        ),
      };
    }
    return { error: { status: 400, code: 'InvalidAction', message: `not expected here: ${action}` } };
  });
  return { promotions: () => actions.filter((a) => a === 'PromoteReadReplica').length };
}
