import { parse as parseQuery } from 'node:querystring';
import nock from 'nock';
import { AwsClients } from '../../src/aws/aws-clients.js';

/*
 * AWS answered at the HTTP layer, as the SDK really talks to it: RDS speaks the Query protocol
 * (form-encoded POST with `Action=`, XML answers), Route 53 REST-XML. The SDK's serialisation,
 * parsing and retry behaviour all run for real.
 */

const RDS_NS = 'http://rds.amazonaws.com/doc/2014-10-31/';
const ROUTE53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
export const ROUTE53_URL = 'https://route53.amazonaws.com';

/** AwsClients as production builds them (SDK retries on reads, none on mutating calls), with short deadlines. */
export function httpAwsClients(): AwsClients {
  return new AwsClients({
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000, throwOnRequestTimeout: true },
  });
}

/** An RDS answer: 200 with the action's XML result, or an AWS error. */
export type RdsAnswer = { result: string } | { error: { status: number; code: string; message: string } };

/** RDS in `region`: every request is answered by `answer(action, params)`; returns the actions received, in order. */
export function nockRds(region: string, answer: (action: string, params: Record<string, string>) => RdsAnswer): string[] {
  const received: string[] = [];
  const scope = nock(`https://rds.${region}.amazonaws.com`).persist().post('/');
  scope.reply((_uri, body) => {
    const params = parseQuery(String(body)) as Record<string, string>;
    const action = params.Action ?? '';
    received.push(action);
    const reply = answer(action, params);
    if ('error' in reply) {
      const { status, code, message } = reply.error;
      const type = status >= 500 ? 'Receiver' : 'Sender';
      return [
        status,
        `<ErrorResponse xmlns="${RDS_NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
        { 'content-type': 'text/xml' },
      ];
    }
    return [
      200,
      `<${action}Response xmlns="${RDS_NS}"><${action}Result>${reply.result}</${action}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${action}Response>`,
      { 'content-type': 'text/xml' },
    ];
  });
  return received;
}

/** A DB instance in RDS's XML. */
export function dbInstanceXml(instance: { id: string; status: string; replicaOf?: string; endpoint?: string }): string {
  return (
    `<DBInstance><DBInstanceIdentifier>${instance.id}</DBInstanceIdentifier><DBInstanceStatus>${instance.status}</DBInstanceStatus>` +
    `<Engine>postgres</Engine>` +
    (instance.replicaOf ? `<ReadReplicaSourceDBInstanceIdentifier>${instance.replicaOf}</ReadReplicaSourceDBInstanceIdentifier>` : '') +
    (instance.endpoint ? `<Endpoint><Address>${instance.endpoint}</Address><Port>5432</Port></Endpoint>` : '') +
    `</DBInstance>`
  );
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
   * which "may or may not" have been applied, as a lost answer.
   */
  change(written: SimpleRecord): 'accept' | 'unavailable';
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
      if (answers.change(written) === 'unavailable') {
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
