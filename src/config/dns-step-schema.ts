import { isIP } from 'node:net';
import { z } from 'zod';
import { bareZoneId, normalizeDnsName } from '../aws/route53-gateway.js';
import { text } from './field-schemas.js';
import { strictObject } from './strict-object.js';
import type { DnsStep } from './types.js';

/** "A request cannot contain more than 100 Change elements" (ChangeResourceRecordSets): one batch, one list. */
export const MAX_DNS_RECORDS = 100;

/** TTL when a plain record gives none, seconds. */
const DEFAULT_TTL = 60;

const aliasSchema = strictObject({
  hostedZoneId: text, // the target's zone: e.g. the load balancer's canonical hosted zone id
  dnsName: text,
  evaluateTargetHealth: z.boolean().default(false),
});

// ResourceRecordSet.SetIdentifier: 1 to 128 characters; Weight: "from 0 to 255".
const recordFields = {
  hostedZoneId: text,
  name: text,
  type: z.enum(['CNAME', 'A', 'AAAA']),
  value: text.optional(),
  ttl: z.number().int().min(0).max(2_147_483_647).optional(), // seconds
  alias: aliasSchema.optional(),
  setIdentifier: z.string().min(1).max(128).optional(),
  weight: z.number().int().min(0).max(255).optional(),
  failover: z.enum(['PRIMARY', 'SECONDARY']).optional(),
};

type RawRecord = z.infer<z.ZodObject<typeof recordFields>>;

/** Where a record fails the rules Route 53 applies to one record set, with the reason. */
function recordProblems(r: RawRecord, restore: boolean): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const add = (path: PropertyKey[], message: string) => problems.push({ path, message });
  if (r.alias && r.value !== undefined) add(['value'], 'give either value (a plain record) or alias, not both');
  if (r.alias && r.ttl !== undefined) add(['ttl'], "an alias record has no TTL (Route 53 answers with the alias target's); remove ttl");
  if (!r.alias && r.value === undefined) {
    if (!restore) add(['value'], 'required: value (with ttl) for a plain record, or alias: { hostedZoneId, dnsName } for an alias record');
    else if (r.type !== 'CNAME')
      add(
        ['value'],
        `required for type ${r.type}: only a CNAME can point at the restored endpoint (a host name); omit value on a CNAME for that`,
      );
  }
  if (r.weight !== undefined && r.failover !== undefined)
    add(['failover'], 'give either weight or failover, not both (one routing policy per record)');
  if ((r.weight !== undefined || r.failover !== undefined) && r.setIdentifier === undefined)
    add(
      ['setIdentifier'],
      `required with ${r.weight !== undefined ? 'weight' : 'failover'}: it names this record among those sharing its name and type`,
    );
  if (r.setIdentifier !== undefined && r.weight === undefined && r.failover === undefined)
    add(['setIdentifier'], 'needs a routing policy: weight (0..255) or failover (PRIMARY or SECONDARY)');
  // ResourceRecordSet.Type, alias records: a load balancer, CloudFront, S3 ... take A or AAAA; a CNAME
  // alias can only name "another record in this hosted zone" (an alias cannot cross zones).
  if (r.alias && r.type === 'CNAME' && bareZoneId(r.alias.hostedZoneId) !== bareZoneId(r.hostedZoneId))
    add(
      ['alias', 'hostedZoneId'],
      `a CNAME alias can only point at another record in its own hosted zone (${r.hostedZoneId}); an alias to a load balancer, CloudFront or S3 takes type A or AAAA`,
    );
  if (r.value !== undefined) {
    const value = r.value.trim();
    if (r.type === 'A' && isIP(value) !== 4) add(['value'], `${JSON.stringify(r.value)} is not an IPv4 address (type A)`);
    if (r.type === 'AAAA' && isIP(value) !== 6) add(['value'], `${JSON.stringify(r.value)} is not an IPv6 address (type AAAA)`);
    if (r.type === 'CNAME' && (isIP(value) !== 0 || /\s/.test(value)))
      add(['value'], `${JSON.stringify(r.value)} is not a host name (type CNAME)`);
    else if (r.type === 'CNAME' && normalizeDnsName(value) === normalizeDnsName(r.name)) add(['value'], 'points the record at itself');
  }
  return problems;
}

function toStep(r: RawRecord): DnsStep {
  return {
    hostedZoneId: r.hostedZoneId,
    name: r.name,
    type: r.type,
    ...(r.alias ? { alias: r.alias } : { ...(r.value !== undefined && { value: r.value }), ttl: r.ttl ?? DEFAULT_TTL }),
    ...(r.setIdentifier !== undefined && { setIdentifier: r.setIdentifier }),
    ...(r.weight !== undefined && { weight: r.weight }),
    ...(r.failover !== undefined && { failover: r.failover }),
  };
}

function recordSchema(restore: boolean) {
  return strictObject(recordFields)
    .superRefine((r, ctx) => {
      for (const { path, message } of recordProblems(r, restore)) ctx.addIssue({ code: 'custom', path, message });
    })
    .transform(toStep);
}

const policyOf = (s: DnsStep) => (s.weight !== undefined ? 'weighted' : s.failover !== undefined ? 'failover' : 'simple');

/**
 * Rules across the records of one list, which Route 53 would refuse as a batch: one hosted zone
 * (a batch is one zone's), no record twice, one routing policy per name and type, and a CNAME
 * alone at its name (RFC 1034 §3.6.2).
 */
function listProblems(steps: DnsStep[]): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const zone = bareZoneId(steps[0]?.hostedZoneId ?? '');
  const seen = new Map<string, number>();
  steps.forEach((s, i) => {
    const name = normalizeDnsName(s.name);
    if (bareZoneId(s.hostedZoneId) !== zone)
      problems.push({
        path: [i, 'hostedZoneId'],
        message: `${s.hostedZoneId} differs from the first record's ${steps[0]?.hostedZoneId}: the records of one dns list are one Route 53 change batch, in one hosted zone`,
      });
    const key = `${name} ${s.type} ${s.setIdentifier ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined)
      problems.push({
        path: [i],
        message: `the same record as dns[${first}] (${name} ${s.type}${s.setIdentifier ? ` ${s.setIdentifier}` : ''}); give each record once`,
      });
    else seen.set(key, i);
    steps.slice(0, i).forEach((other, j) => {
      if (normalizeDnsName(other.name) !== name) return;
      if (other.type === s.type && policyOf(other) !== policyOf(s) && first === undefined)
        problems.push({
          path: [i],
          message: `${name} ${s.type} is ${policyOf(s)} here but ${policyOf(other)} in dns[${j}]: records sharing a name and type share one routing policy`,
        });
      if ((other.type === 'CNAME') !== (s.type === 'CNAME'))
        problems.push({
          path: [i, 'type'],
          message: `${name} has a ${other.type} in dns[${j}]: a CNAME cannot share its name with other types`,
        });
    });
  });
  return problems;
}

/**
 * A runbook's `dns`: one record, or a list applied in order as one batch; always a list once
 * parsed. On a restore runbook (`restore`) a CNAME may omit `value` to point at the restored endpoint.
 */
export function dnsStepsSchema(restore: boolean) {
  const one = recordSchema(restore);
  const list = z
    .array(one)
    .min(1)
    .max(MAX_DNS_RECORDS)
    .superRefine((steps, ctx) => {
      for (const { path, message } of listProblems(steps)) ctx.addIssue({ code: 'custom', path, message });
    });
  return z.union([list, one.transform((step) => [step])]);
}
