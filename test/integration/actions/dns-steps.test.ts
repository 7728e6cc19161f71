import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestResources } from '../../../src/actions/request-resources.js';
import type { FailoverRequest } from '../../../src/core/action-request.js';
import { httpAwsClients, nockReplicaPromotion, nockRoute53Zone, parseChangeBatch, type ZoneRecord } from '../../doubles/aws-http.js';
import { MANUAL_CLOCK_START } from '../../doubles/manual-clock.js';
import { members, RdsNock } from '../../doubles/rds-nock.js';
import { actionsOver } from './fixtures.js';
import { restore, TARGET } from './restore-fixtures.js';

/*
 * DNS steps through the real SDK: Route 53 answered at the HTTP layer by a stateful zone, so the
 * assertions read the very XML ChangeBatch AWS would receive.
 */

const PRIMARY_ALB = { hostedZoneId: 'Z32O12XQLNTSW2', dnsName: 'primary-alb-1.eu-west-1.elb.amazonaws.com.', evaluateTargetHealth: true };
const SECONDARY_ALB = {
  hostedZoneId: 'Z1H1FL5HABSF5S',
  dnsName: 'secondary-alb-2.us-west-2.elb.amazonaws.com.',
  evaluateTargetHealth: true,
};
const NEW_PRIMARY = 'orders-replica.abc.us-west-2.rds.amazonaws.com';

const alb = (alias: typeof PRIMARY_ALB) =>
  `{ hostedZoneId: ${alias.hostedZoneId}, dnsName: ${alias.dnsName}, evaluateTargetHealth: ${alias.evaluateTargetHealth} }`;

const CONFIG = `
runbooks:
  failover:
    api-weighted:
      region: us-west-2
      promote: { dbInstance: orders-replica }
      dns:
        - { hostedZoneId: Z9, name: api.example.com, type: A, setIdentifier: primary, weight: 0, alias: ${alb(PRIMARY_ALB)} }
        - { hostedZoneId: Z9, name: api.example.com, type: A, setIdentifier: secondary, weight: 100, alias: ${alb(SECONDARY_ALB)} }
    api-failover-role:
      region: us-west-2
      promote: { dbInstance: orders-replica }
      dns:
        - { hostedZoneId: Z9, name: app.example.com, type: A, setIdentifier: west, failover: PRIMARY, alias: ${alb(SECONDARY_ALB)} }
        - { hostedZoneId: Z9, name: app.example.com, type: A, setIdentifier: east, failover: SECONDARY, alias: ${alb(PRIMARY_ALB)} }
    www-plain:
      region: us-west-2
      promote: { dbInstance: orders-replica }
      dns: { hostedZoneId: Z9, name: www.example.com, type: A, value: 192.0.2.10, ttl: 60 }
    orders-and-api:
      region: us-west-2
      promote: { dbInstance: orders-replica }
      dns:
        - { hostedZoneId: /hostedzone/Z9, name: Orders.DB.example.com, type: CNAME, value: ${NEW_PRIMARY}, ttl: 30 }
        - { hostedZoneId: Z9, name: api.example.com, type: A, setIdentifier: secondary, weight: 100, alias: ${alb(SECONDARY_ALB)} }
  restore:
    orders:
      region: us-east-1
      dbInstance: orders-db
      instanceClass: db.r6g.large
      dns: { hostedZoneId: Z9, name: orders-restored.db.example.com, type: CNAME, ttl: 30 }
`;

/** The weighted pair as it stands before a failover: all traffic to the primary region's load balancer. */
const WEIGHTED_BEFORE: ZoneRecord[] = [
  { name: 'api.example.com.', type: 'A', setIdentifier: 'primary', weight: 100, alias: PRIMARY_ALB },
  { name: 'api.example.com.', type: 'A', setIdentifier: 'secondary', weight: 0, alias: SECONDARY_ALB },
];

function request(runbook: string, dryRun = false): FailoverRequest {
  return { kind: 'failover', runbook, dryRun, allowDataLoss: false };
}

function build() {
  return actionsOver(CONFIG, httpAwsClients());
}

/** orders-replica: an available replica until promoted, then standalone and available. */
function replicaPromotes(): string[] {
  return nockReplicaPromotion('us-west-2', 'orders-replica', 'orders-db', NEW_PRIMARY);
}

let h: ReturnType<typeof build>;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  h = build();
});
afterEach(() => {
  nock.cleanAll();
});

describe('a weighted alias failover', () => {
  it('flips both weights in ONE batch: Weight, SetIdentifier and AliasTarget with EvaluateTargetHealth, no TTL', async () => {
    replicaPromotes();
    const zone = nockRoute53Zone(WEIGHTED_BEFORE);

    const plan = await h.planner.plan(request('api-weighted'));

    const change = plan.calls.find((c) => c.id === 'dns-upsert');
    expect(change?.description).toBe(
      'Change 2 records in hosted zone Z9 as one batch (Route 53 applies all or none): ' +
        '1. api.example.com. A weighted primary: weight 100, alias to primary-alb-1.eu-west-1.elb.amazonaws.com. (evaluates target health) -> weight 0, alias to primary-alb-1.eu-west-1.elb.amazonaws.com. (evaluates target health); ' +
        '2. api.example.com. A weighted secondary: weight 0, alias to secondary-alb-2.us-west-2.elb.amazonaws.com. (evaluates target health) -> weight 100, alias to secondary-alb-2.us-west-2.elb.amazonaws.com. (evaluates target health)',
    );
    expect(change?.replaces).toEqual([
      { name: 'api.example.com.', type: 'A', values: [], aliasTarget: PRIMARY_ALB, setIdentifier: 'primary', weight: 100 },
      { name: 'api.example.com.', type: 'A', values: [], aliasTarget: SECONDARY_ALB, setIdentifier: 'secondary', weight: 0 },
    ]);
    expect(plan.preflight.filter((p) => p.name === 'DNS record').map((p) => [p.ok, p.check?.step])).toEqual([
      [true, 'dns-upsert'],
      [true, 'dns-upsert'],
    ]);
    expect(plan.resources).toEqual([
      'runbook:failover:api-weighted',
      'rds:us-west-2:instance:orders-replica',
      'route53:Z9:api.example.com.:primary',
      'route53:Z9:api.example.com.:secondary',
    ]);
    // One lock per record (zone + name + SetIdentifier), known from the config before AWS is asked.
    expect(requestResources(h.config, request('api-weighted'))).toEqual(plan.resources);

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(zone.bodies).toHaveLength(1);
    const [body = ''] = zone.bodies;
    expect(parseChangeBatch(body)).toEqual([
      { action: 'UPSERT', record: { name: 'api.example.com.', type: 'A', setIdentifier: 'primary', weight: 0, alias: PRIMARY_ALB } },
      { action: 'UPSERT', record: { name: 'api.example.com.', type: 'A', setIdentifier: 'secondary', weight: 100, alias: SECONDARY_ALB } },
    ]);
    expect(body).toContain(
      '<ResourceRecordSet><Name>api.example.com.</Name><Type>A</Type><SetIdentifier>primary</SetIdentifier><Weight>0</Weight><AliasTarget><HostedZoneId>Z32O12XQLNTSW2</HostedZoneId><DNSName>primary-alb-1.eu-west-1.elb.amazonaws.com.</DNSName><EvaluateTargetHealth>true</EvaluateTargetHealth></AliasTarget></ResourceRecordSet>',
    );
    expect(body).not.toContain('<TTL>');
    expect(body).not.toContain('<ResourceRecords>');
    // CONTRACT for /dr revert-dns: what each change replaced, aligned with the batch's Changes.
    expect(outcome.previousDnsRecords).toEqual(change?.replaces);
    expect(h.journal.runs.get('run-1')?.steps.find((s) => s.stepId === 'dns-upsert')?.detail?.previous).toEqual(change?.replaces);
    expect(outcome.summary).toContain('DNS updated (2 records); previously api.example.com. A weighted primary: weight 100,');
  });

  it('refuses at run time when a weight was changed by hand since the plan, and sends nothing', async () => {
    const rds = replicaPromotes();
    const zone = nockRoute53Zone(WEIGHTED_BEFORE);
    const plan = await h.planner.plan(request('api-weighted'));
    const [primary, secondary] = zone.records;
    zone.records = [{ ...(primary as ZoneRecord), weight: 50 }, secondary as ZoneRecord];

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('refused');
    expect(outcome.summary).toContain(
      'DNS record: api.example.com. changed since the plan: now A weighted primary: weight 50, alias to primary-alb-1.eu-west-1.elb.amazonaws.com. (evaluates target health), the plan replaced A weighted primary: weight 100,',
    );
    expect(zone.bodies).toEqual([]);
    expect(rds).not.toContain('PromoteReadReplica');
  });

  it('reads a lost answer back across the whole batch: applied, it is not sent again', async () => {
    replicaPromotes();
    const zone = nockRoute53Zone(WEIGHTED_BEFORE, () => 'unavailable');
    const plan = await h.planner.plan(request('api-weighted'));

    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(zone.bodies).toHaveLength(1);
    const step = outcome.steps.find((s) => s.id === 'dns-upsert');
    expect(step?.message).toContain('api.example.com. (primary) reads A weighted primary: weight 0,');
    expect(step?.message).toContain('api.example.com. (secondary) reads A weighted secondary: weight 100,');
    expect(step?.detail?.previous).toEqual(plan.calls.find((c) => c.id === 'dns-upsert')?.replaces);
  });
});

describe('records the change would destroy are refused at pre-flight', () => {
  it('a plain record never overwrites an alias record (its EvaluateTargetHealth would be lost)', async () => {
    replicaPromotes();
    const zone = nockRoute53Zone([{ name: 'www.example.com.', type: 'A', alias: PRIMARY_ALB }]);

    const plan = await h.planner.plan(request('www-plain', true));

    expect(plan.preflight.find((p) => p.name === 'DNS record')).toMatchObject({
      ok: false,
      code: 'LIFEBOAT_DNS_CONFLICT',
      observed:
        'www.example.com. A is an alias record (A alias to primary-alb-1.eu-west-1.elb.amazonaws.com. (evaluates target health)); a plain record would replace it and lose its alias target and EvaluateTargetHealth',
    });
    await expect(h.planner.plan(request('www-plain'))).rejects.toMatchObject({ code: 'LIFEBOAT_PREFLIGHT_FAILED' });
    expect(zone.bodies).toEqual([]);
  });

  it('an alias never replaces a plain record, a weighted record never joins a failover set, a simple record never replaces a routed set', async () => {
    replicaPromotes();
    const zone = nockRoute53Zone([
      { name: 'api.example.com.', type: 'A', setIdentifier: 'primary', weight: 100, ttl: 60, values: ['192.0.2.1'] },
      { name: 'api.example.com.', type: 'A', setIdentifier: 'secondary', weight: 0, alias: SECONDARY_ALB },
      { name: 'app.example.com.', type: 'A', setIdentifier: 'west', weight: 10, alias: SECONDARY_ALB },
      { name: 'www.example.com.', type: 'A', setIdentifier: 'blue', weight: 1, ttl: 60, values: ['192.0.2.9'] },
    ]);

    const observed = async (runbook: string) =>
      (await h.planner.plan(request(runbook, true))).preflight.filter((p) => p.name === 'DNS record').map((p) => p.observed);

    expect((await observed('api-weighted'))[0]).toBe(
      'api.example.com. A weighted primary is a plain record (A weighted primary: weight 100, 192.0.2.1 (TTL 60s)); an alias record would replace its values',
    );
    expect(await observed('api-failover-role')).toEqual([
      'app.example.com. A set west uses weighted routing (A weighted west: weight 10, alias to secondary-alb-2.us-west-2.elb.amazonaws.com. (evaluates target health)); a failover record would mix routing policies',
      'app.example.com. A set west uses weighted routing (A weighted west: weight 10, alias to secondary-alb-2.us-west-2.elb.amazonaws.com. (evaluates target health)); a failover record would mix routing policies',
    ]);
    expect(await observed('www-plain')).toEqual([
      "www.example.com. A uses a routing policy (SetIdentifier blue); a simple record cannot replace a routing-policy set (give the runbook's record its setIdentifier and weight or failover)",
    ]);
    expect(zone.bodies).toEqual([]);
  });
});

describe('other record kinds', () => {
  it('failover-policy records: the DR region becomes PRIMARY, the old one SECONDARY, in one batch', async () => {
    replicaPromotes();
    const zone = nockRoute53Zone([
      { name: 'app.example.com.', type: 'A', setIdentifier: 'east', failover: 'PRIMARY', alias: PRIMARY_ALB },
      { name: 'app.example.com.', type: 'A', setIdentifier: 'west', failover: 'SECONDARY', alias: SECONDARY_ALB },
    ]);

    const plan = await h.planner.plan(request('api-failover-role'));
    expect(plan.preflight.filter((p) => p.name === 'DNS record').map((p) => p.ok)).toEqual([true, true]);
    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(parseChangeBatch(zone.bodies[0] ?? '')).toEqual([
      {
        action: 'UPSERT',
        record: { name: 'app.example.com.', type: 'A', setIdentifier: 'west', failover: 'PRIMARY', alias: SECONDARY_ALB },
      },
      {
        action: 'UPSERT',
        record: { name: 'app.example.com.', type: 'A', setIdentifier: 'east', failover: 'SECONDARY', alias: PRIMARY_ALB },
      },
    ]);
    expect(outcome.previousDnsRecords?.map((r) => r?.failover)).toEqual(['SECONDARY', 'PRIMARY']);
  });

  it('a list with a CNAME and a weighted alias: one batch, in order, with the CNAME plain (TTL and value)', async () => {
    replicaPromotes();
    const zone = nockRoute53Zone([
      { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: ['orders-db.abc.us-east-1.rds.amazonaws.com'] },
      ...WEIGHTED_BEFORE,
    ]);

    const plan = await h.planner.plan(request('orders-and-api'));
    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(plan.resources).toContain('route53:Z9:orders.db.example.com.');
    expect(plan.warnings).toContain(
      'Clients may keep resolving orders.db.example.com. to the old value for up to its TTL (60s) after the change.',
    );
    expect(parseChangeBatch(zone.bodies[0] ?? '')).toEqual([
      { action: 'UPSERT', record: { name: 'orders.db.example.com.', type: 'CNAME', ttl: 30, values: [NEW_PRIMARY] } },
      { action: 'UPSERT', record: { name: 'api.example.com.', type: 'A', setIdentifier: 'secondary', weight: 100, alias: SECONDARY_ALB } },
    ]);
    expect(outcome.previousDnsRecords).toEqual([
      { name: 'orders.db.example.com.', type: 'CNAME', ttl: 60, values: ['orders-db.abc.us-east-1.rds.amazonaws.com'] },
      { name: 'api.example.com.', type: 'A', values: [], aliasTarget: SECONDARY_ALB, setIdentifier: 'secondary', weight: 0 },
    ]);
  });
});

describe('a restore with DNS', () => {
  it('points a CNAME at the restored endpoint: the plan says so in words, the runner writes the host the wait step saw', async () => {
    const east = new RdsNock('us-east-1');
    // Planned, then pre-flight again right before the run: the identifier is free, the source restorable.
    east.fail('DescribeDBInstances', { DBInstanceIdentifier: TARGET }, 404, 'DBInstanceNotFound', `DBInstance ${TARGET} not found.`, 2);
    const source = {
      DBInstanceIdentifier: 'orders-db',
      DBInstanceStatus: 'available',
      Engine: 'postgres',
      LatestRestorableTime: new Date(MANUAL_CLOCK_START - 5 * 60_000),
    };
    east.answer('DescribeDBInstances', { DBInstanceIdentifier: 'orders-db' }, { DBInstances: members('DBInstance', [source]) }, 2);
    east.answer(
      'DescribeDBInstanceAutomatedBackups',
      { DBInstanceIdentifier: 'orders-db' },
      { DBInstanceAutomatedBackups: members('DBInstanceAutomatedBackup', []) },
      2,
    );
    const host = `${TARGET}.abc.us-east-1.rds.amazonaws.com`;
    const old: ZoneRecord = {
      name: 'orders-restored.db.example.com.',
      type: 'CNAME',
      ttl: 60,
      values: ['orders-db.abc.us-east-1.rds.amazonaws.com'],
    };
    const zone = nockRoute53Zone([old]);

    const plan = await h.planner.plan(restore({ type: 'latest' }));

    const change = plan.calls.find((c) => c.operation === 'ChangeResourceRecordSets');
    expect(plan.calls.map((c) => c.id)).toEqual(['restore', 'wait-restored', 'dns-upsert', 'dns-insync']);
    expect(change).toMatchObject({
      description: `Point orders-restored.db.example.com. CNAME at the endpoint of ${TARGET} once available (TTL 30s), replacing CNAME orders-db.abc.us-east-1.rds.amazonaws.com (TTL 60s)`,
      valueFrom: 'wait-restored',
      input: {
        HostedZoneId: 'Z9',
        ChangeBatch: {
          Changes: [{ Action: 'UPSERT', ResourceRecordSet: { Name: 'orders-restored.db.example.com.', Type: 'CNAME', TTL: 30 } }],
        },
      },
    });
    expect(plan.preflight.find((p) => p.name === 'DNS record')).toMatchObject({
      ok: true,
      observed: `orders-restored.db.example.com. is CNAME orders-db.abc.us-east-1.rds.amazonaws.com (TTL 60s); the UPSERT replaces it with the restored endpoint (TTL 30s)`,
    });
    expect(plan.resources).toContain('route53:Z9:orders-restored.db.example.com.');
    expect(requestResources(h.config, restore({ type: 'latest' }))).toContain('route53:Z9:orders-restored.db.example.com.');

    east.answer('RestoreDBInstanceToPointInTime', {}, { DBInstance: { DBInstanceIdentifier: TARGET, DBInstanceStatus: 'creating' } });
    east.answer(
      'DescribeDBInstances',
      { DBInstanceIdentifier: TARGET },
      {
        DBInstances: members('DBInstance', [
          { DBInstanceIdentifier: TARGET, DBInstanceStatus: 'available', Endpoint: { Address: host, Port: 5432 } },
        ]),
      },
    );
    const outcome = await h.runner.run('run-1', plan);

    expect(outcome.status).toBe('succeeded');
    expect(parseChangeBatch(zone.bodies[0] ?? '')).toEqual([
      { action: 'UPSERT', record: { name: 'orders-restored.db.example.com.', type: 'CNAME', ttl: 30, values: [host] } },
    ]);
    expect(outcome.previousDnsRecords).toEqual([{ ...old, values: old.values }]);
  });
});
