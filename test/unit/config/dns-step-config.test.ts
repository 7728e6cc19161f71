import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/parse-config.js';

/** A failover runbook whose `dns` is the given YAML flow value. */
function failover(dns: string): string {
  return `runbooks:\n  failover:\n    api: { region: us-west-2, promote: { dbInstance: r }, dns: ${dns} }`;
}

function errorsOf(yaml: string): string[] {
  const result = parseConfig(yaml, {});
  return result.ok ? [] : result.errors;
}

const ALB = '{ hostedZoneId: Z32O12XQLNTSW2, dnsName: primary-alb.eu-west-1.elb.amazonaws.com, evaluateTargetHealth: true }';
const AT = 'runbooks.failover.api.dns';

describe('dns: one record or a list, checked as Route 53 would', () => {
  it('reads the old single record and a list alike, as a list; an alias has no TTL, a plain record defaults to 60 s', () => {
    const result = parseConfig(
      failover(
        `[{ hostedZoneId: Z9, name: api.example.com, type: A, setIdentifier: primary, weight: 0, alias: ${ALB} }, { hostedZoneId: Z9, name: db.example.com, type: CNAME, value: x.example.com }]`,
      ),
      {},
    );
    expect(result.ok && result.config.runbooks.failover.api?.dns).toEqual([
      {
        hostedZoneId: 'Z9',
        name: 'api.example.com',
        type: 'A',
        setIdentifier: 'primary',
        weight: 0,
        alias: { hostedZoneId: 'Z32O12XQLNTSW2', dnsName: 'primary-alb.eu-west-1.elb.amazonaws.com', evaluateTargetHealth: true },
      },
      { hostedZoneId: 'Z9', name: 'db.example.com', type: 'CNAME', value: 'x.example.com', ttl: 60 },
    ]);
    const single = parseConfig(failover('{ hostedZoneId: Z9, name: db.example.com, type: CNAME, value: x.example.com, ttl: 30 }'), {});
    expect(single.ok && single.config.runbooks.failover.api?.dns).toEqual([
      { hostedZoneId: 'Z9', name: 'db.example.com', type: 'CNAME', value: 'x.example.com', ttl: 30 },
    ]);
  });

  const cases: Array<{ rule: string; dns: string; lines: string[] }> = [
    {
      rule: 'alias and value are exclusive, and an alias takes no TTL',
      dns: `{ hostedZoneId: Z9, name: a.example.com, type: A, value: 192.0.2.1, ttl: 60, alias: ${ALB} }`,
      lines: [
        `${AT}.value: give either value (a plain record) or alias, not both`,
        `${AT}.ttl: an alias record has no TTL (Route 53 answers with the alias target's); remove ttl`,
      ],
    },
    {
      rule: 'a record needs a value or an alias',
      dns: '{ hostedZoneId: Z9, name: a.example.com, type: A }',
      lines: [`${AT}.value: required: value (with ttl) for a plain record, or alias: { hostedZoneId, dnsName } for an alias record`],
    },
    {
      rule: 'weight and failover need a setIdentifier, and a setIdentifier needs one of them',
      dns: `[{ hostedZoneId: Z9, name: a.example.com, type: A, weight: 10, alias: ${ALB} }, { hostedZoneId: Z9, name: b.example.com, type: A, setIdentifier: x, alias: ${ALB} }]`,
      lines: [
        `${AT}[0].setIdentifier: required with weight: it names this record among those sharing its name and type`,
        `${AT}[1].setIdentifier: needs a routing policy: weight (0..255) or failover (PRIMARY or SECONDARY)`,
      ],
    },
    {
      rule: 'a weight is 0..255',
      dns: `{ hostedZoneId: Z9, name: a.example.com, type: A, setIdentifier: x, weight: 256, alias: ${ALB} }`,
      lines: [`${AT}.weight: 256 is too big (maximum 255)`],
    },
    {
      rule: 'weight and failover are exclusive',
      dns: `{ hostedZoneId: Z9, name: a.example.com, type: A, setIdentifier: x, weight: 5, failover: PRIMARY, alias: ${ALB} }`,
      lines: [`${AT}.failover: give either weight or failover, not both (one routing policy per record)`],
    },
    {
      rule: 'a CNAME alias points only within its own hosted zone',
      dns: `{ hostedZoneId: Z9, name: a.example.com, type: CNAME, alias: ${ALB} }`,
      lines: [
        `${AT}.alias.hostedZoneId: a CNAME alias can only point at another record in its own hosted zone (Z9); an alias to a load balancer, CloudFront or S3 takes type A or AAAA`,
      ],
    },
    {
      rule: 'the same record twice in one list is refused',
      dns: '[{ hostedZoneId: Z9, name: a.example.com, type: A, value: 192.0.2.1 }, { hostedZoneId: /hostedzone/Z9, name: A.example.com., type: A, value: 192.0.2.2 }]',
      lines: [`${AT}[1]: the same record as dns[0] (a.example.com. A); give each record once`],
    },
    {
      rule: 'one list is one batch: one hosted zone, one routing policy per name and type, a CNAME alone at its name',
      dns: `[{ hostedZoneId: Z9, name: a.example.com, type: A, setIdentifier: x, weight: 1, alias: ${ALB} }, { hostedZoneId: Z9, name: a.example.com, type: A, setIdentifier: y, failover: PRIMARY, alias: ${ALB} }, { hostedZoneId: Z9, name: a.example.com, type: CNAME, value: b.example.com }, { hostedZoneId: Z8, name: c.example.com, type: A, value: 192.0.2.1 }]`,
      lines: [
        `${AT}[1]: a.example.com. A is failover here but weighted in dns[0]: records sharing a name and type share one routing policy`,
        `${AT}[2].type: a.example.com. has a A in dns[0]: a CNAME cannot share its name with other types`,
        `${AT}[2].type: a.example.com. has a A in dns[1]: a CNAME cannot share its name with other types`,
        `${AT}[3].hostedZoneId: Z8 differs from the first record's Z9: the records of one dns list are one Route 53 change batch, in one hosted zone`,
      ],
    },
    {
      rule: 'values match their type',
      dns: '[{ hostedZoneId: Z9, name: a.example.com, type: A, value: 2001:db8::1 }, { hostedZoneId: Z9, name: b.example.com, type: CNAME, value: b.example.com }]',
      lines: [`${AT}[0].value: "2001:db8::1" is not an IPv4 address (type A)`, `${AT}[1].value: points the record at itself`],
    },
    {
      rule: 'an empty list is refused',
      dns: '[]',
      lines: [`${AT}: must list at least 1`],
    },
    {
      rule: 'an unknown field is named with a suggestion',
      dns: '{ hostedZoneId: Z9, name: a.example.com, type: A, value: 192.0.2.1, wieght: 3 }',
      lines: [`${AT}.wieght: unknown field (did you mean "weight"?)`],
    },
  ];

  for (const { rule, dns, lines } of cases) {
    it(rule, () => {
      expect(errorsOf(failover(dns))).toEqual(lines);
    });
  }

  it('on a restore runbook a CNAME may omit its value (the restored endpoint); an A record may not', () => {
    const restore = (dns: string) =>
      `runbooks:\n  restore:\n    orders: { region: us-east-1, dbInstance: orders-db, instanceClass: db.r6g.large, dns: ${dns} }`;
    const ok = parseConfig(restore('{ hostedZoneId: Z9, name: orders.db.example.com, type: CNAME }'), {});
    expect(ok.ok && ok.config.runbooks.restore.orders?.dns).toEqual([
      { hostedZoneId: 'Z9', name: 'orders.db.example.com', type: 'CNAME', ttl: 60 },
    ]);
    expect(errorsOf(restore('{ hostedZoneId: Z9, name: orders.db.example.com, type: A }'))).toEqual([
      'runbooks.restore.orders.dns.value: required for type A: only a CNAME can point at the restored endpoint (a host name); omit value on a CNAME for that',
    ]);
    // A failover has no restored endpoint: there a value (or alias) is required.
    expect(errorsOf(failover('{ hostedZoneId: Z9, name: orders.db.example.com, type: CNAME }'))).toEqual([
      `${AT}.value: required: value (with ttl) for a plain record, or alias: { hostedZoneId, dnsName } for an alias record`,
    ]);
  });
});
