import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import { AwsClients } from '../../src/aws/aws-clients.js';
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

/** Route 53 (global): list, change and get-change; returns the change requests' bodies, in order. */
export function nockRoute53(answers: Route53Answers): string[] {
  const changes: string[] = [];
  const xml = (body: string) => [200, `<?xml version="1.0"?>${body}`, { 'content-type': 'text/xml' }] as const;
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
      return xml(
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
      if (answer === 'denied') {
        return [
          403,
          `<?xml version="1.0"?><ErrorResponse xmlns="${ROUTE53_NS}"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: route53:ChangeResourceRecordSets</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`,
          { 'content-type': 'text/xml' },
        ];
      }
      if (answer === 'unavailable') {
        return [
          503,
          `<?xml version="1.0"?><ErrorResponse xmlns="${ROUTE53_NS}"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>Service unavailable</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
          { 'content-type': 'text/xml' },
        ];
      }
      return xml(
        `<ChangeResourceRecordSetsResponse xmlns="${ROUTE53_NS}"><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status><SubmittedAt>2026-11-21T12:00:00Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`,
      );
    })
    .get(/\/2013-04-01\/change\/C1/)
    .reply(() =>
      xml(
        `<GetChangeResponse xmlns="${ROUTE53_NS}"><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>2026-11-21T12:00:00Z</SubmittedAt></ChangeInfo></GetChangeResponse>`,
      ),
    );
  return changes;
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
