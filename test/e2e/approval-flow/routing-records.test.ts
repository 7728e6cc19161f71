import { describe, expect, it } from 'vitest';
import { httpAwsClients, nockRoute53Zone, parseChangeBatch, type ZoneRecord } from '../../doubles/aws-http.js';
import { nockPostMessage } from '../../doubles/slack-api-nock.js';
import { startServiceFlow } from './approval-flow-harness.js';
import { approveAndRunFailover, slash } from './flow-requests.js';
import { useApprovalFlow } from './use-approval-flow.js';

/*
 * Regional failover by routing-policy records, requested in Slack, approved and run through the
 * wiring users run (buildApp, Redis), Route 53 answered at the HTTP layer: the change batch is
 * read back from the XML the SDK really sent.
 */

const PRIMARY_ALB = { hostedZoneId: 'Z32O12XQLNTSW2', dnsName: 'primary-alb-1.eu-west-1.elb.amazonaws.com.', evaluateTargetHealth: true };
const SECONDARY_ALB = {
  hostedZoneId: 'Z1H1FL5HABSF5S',
  dnsName: 'secondary-alb-1.us-west-2.elb.amazonaws.com.',
  evaluateTargetHealth: true,
};
const EAST_DB = 'orders-db.abc.us-east-1.rds.amazonaws.com';
const WEST_DB = 'orders-replica.abc.us-west-2.rds.amazonaws.com';

const api = { hostedZoneId: 'Z9', name: 'api.example.com', type: 'A' };
const db = { hostedZoneId: 'Z9', name: 'db.example.com', type: 'CNAME', ttl: 60 };

const RUNBOOKS = {
  // The most common regional failover: primary weight 0, secondary weight 100, both alias records.
  'api-weighted': {
    region: 'us-west-2',
    dns: [
      { ...api, setIdentifier: 'primary', weight: 0, alias: PRIMARY_ALB },
      { ...api, setIdentifier: 'secondary', weight: 100, alias: SECONDARY_ALB },
    ],
  },
  // Failover routing: the us-west-2 record becomes PRIMARY, the us-east-1 one SECONDARY.
  'db-failover': {
    region: 'us-west-2',
    dns: [
      { ...db, setIdentifier: 'west', failover: 'PRIMARY', value: WEST_DB },
      { ...db, setIdentifier: 'east', failover: 'SECONDARY', value: EAST_DB },
    ],
  },
};

const flow = useApprovalFlow(() => startServiceFlow({ failoverRunbooks: RUNBOOKS }, httpAwsClients()));

const approveAndRun = (runbook: string) => approveAndRunFailover(flow, runbook);

/** The one element of `xml` named `tag`, whole. */
function element(xml: string, tag: string): string {
  return new RegExp(`<${tag}>[\\s\\S]*</${tag}>`).exec(xml)?.[0] ?? '';
}

describe('weighted alias records flipped for a regional failover', () => {
  it('sends one batch of two UPSERTs keeping each alias target, EvaluateTargetHealth and SetIdentifier, with the new weights', async () => {
    const before: ZoneRecord[] = [
      { name: 'api.example.com.', type: 'A', setIdentifier: 'primary', weight: 100, alias: PRIMARY_ALB },
      { name: 'api.example.com.', type: 'A', setIdentifier: 'secondary', weight: 0, alias: SECONDARY_ALB },
    ];
    const zone = nockRoute53Zone(before);

    const { plan, thread } = await approveAndRun('api-weighted');

    expect(plan).toContain(
      'api.example.com. A weighted primary: weight 100, alias to primary-alb-1.eu-west-1.elb.amazonaws.com. (evaluates target health) -&gt; weight 0,',
    );
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(zone.bodies).toHaveLength(1);
    const body = zone.bodies[0] ?? '';
    expect(element(body, 'Changes')).toBe(
      '<Changes>' +
        '<Change><Action>UPSERT</Action><ResourceRecordSet><Name>api.example.com.</Name><Type>A</Type><SetIdentifier>primary</SetIdentifier><Weight>0</Weight>' +
        '<AliasTarget><HostedZoneId>Z32O12XQLNTSW2</HostedZoneId><DNSName>primary-alb-1.eu-west-1.elb.amazonaws.com.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget></ResourceRecordSet></Change>' +
        '<Change><Action>UPSERT</Action><ResourceRecordSet><Name>api.example.com.</Name><Type>A</Type><SetIdentifier>secondary</SetIdentifier><Weight>100</Weight>' +
        '<AliasTarget><HostedZoneId>Z1H1FL5HABSF5S</HostedZoneId><DNSName>secondary-alb-1.us-west-2.elb.amazonaws.com.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget></ResourceRecordSet></Change>' +
        '</Changes>',
    );
    expect(parseChangeBatch(body)).toEqual([
      { action: 'UPSERT', record: { name: 'api.example.com.', type: 'A', setIdentifier: 'primary', weight: 0, alias: PRIMARY_ALB } },
      { action: 'UPSERT', record: { name: 'api.example.com.', type: 'A', setIdentifier: 'secondary', weight: 100, alias: SECONDARY_ALB } },
    ]);
    expect(zone.records).toEqual([
      { name: 'api.example.com.', type: 'A', setIdentifier: 'primary', weight: 0, alias: PRIMARY_ALB },
      { name: 'api.example.com.', type: 'A', setIdentifier: 'secondary', weight: 100, alias: SECONDARY_ALB },
    ]);
    expect(thread.join('\n')).toContain('INSYNC');
  });
});

/** Route 53 health checks: a failover record answers only while its health check passes. */
const EAST_CHECK = '11111111-2222-3333-4444-555555555555';
const WEST_CHECK = '66666666-7777-8888-9999-000000000000';

describe('failover-routing records swapped for a regional failover', () => {
  it('sends one batch of two UPSERTs with each SetIdentifier, its new Failover role, value and TTL, keeping its health check', async () => {
    const zone = nockRoute53Zone([
      {
        name: 'db.example.com.',
        type: 'CNAME',
        ttl: 60,
        values: [EAST_DB],
        setIdentifier: 'east',
        failover: 'PRIMARY',
        healthCheckId: EAST_CHECK,
      },
      {
        name: 'db.example.com.',
        type: 'CNAME',
        ttl: 60,
        values: [WEST_DB],
        setIdentifier: 'west',
        failover: 'SECONDARY',
        healthCheckId: WEST_CHECK,
      },
    ]);

    const { plan } = await approveAndRun('db-failover');

    expect(plan).toContain(`db.example.com. CNAME failover west: SECONDARY, ${WEST_DB} (TTL 60s) -&gt; PRIMARY, ${WEST_DB} (TTL 60s)`);
    expect((await flow.approvals.get('APR-1'))?.state).toBe('succeeded');
    expect(zone.bodies).toHaveLength(1);
    expect(element(zone.bodies[0] ?? '', 'Changes')).toBe(
      '<Changes>' +
        `<Change><Action>UPSERT</Action><ResourceRecordSet><Name>db.example.com.</Name><Type>CNAME</Type><SetIdentifier>west</SetIdentifier><Failover>PRIMARY</Failover><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>${WEST_DB}</Value></ResourceRecord></ResourceRecords><HealthCheckId>${WEST_CHECK}</HealthCheckId></ResourceRecordSet></Change>` +
        `<Change><Action>UPSERT</Action><ResourceRecordSet><Name>db.example.com.</Name><Type>CNAME</Type><SetIdentifier>east</SetIdentifier><Failover>SECONDARY</Failover><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>${EAST_DB}</Value></ResourceRecord></ResourceRecords><HealthCheckId>${EAST_CHECK}</HealthCheckId></ResourceRecordSet></Change>` +
        '</Changes>',
    );
    // An UPSERT replaces the whole record set: one without HealthCheckId would leave the record unchecked.
    expect(zone.records.map((r) => [r.setIdentifier, r.failover, r.values, r.healthCheckId])).toEqual([
      ['west', 'PRIMARY', [WEST_DB], WEST_CHECK],
      ['east', 'SECONDARY', [EAST_DB], EAST_CHECK],
    ]);
  });

  it('refuses a failover record written beside weighted records of that name, before anything is requested', async () => {
    const zone = nockRoute53Zone([
      { name: 'db.example.com.', type: 'CNAME', ttl: 60, values: [EAST_DB], setIdentifier: 'east', weight: 100 },
    ]);
    const posts = nockPostMessage(5);

    const replies = await slash(flow, 'failover db-failover');

    expect((replies[0] as { text: string }).text).toContain(
      `db.example.com. CNAME set east uses weighted routing (CNAME weighted east: weight 100, ${EAST_DB} (TTL 60s)); a failover record would mix routing policies`,
    );
    expect(posts.calls).toEqual([]);
    expect(zone.bodies).toEqual([]);
  });
});
