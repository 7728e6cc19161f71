import { bareZoneId, normalizeDnsName } from '../aws/route53-gateway.js';
import { describeRecord, type DnsRecord } from '../core/dns-record.js';
import type { DnsRecordTarget, PreflightCheck } from '../core/plan.js';
import { sameRecordSet } from './dns-record-sets.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';

type DnsCheck = Extract<PreflightCheck, { kind: 'dns-record' }>;

/** A record's routing policy as Lifeboat tells them apart; `other` is latency, geolocation, ... */
export type RoutingPolicy = 'simple' | 'weighted' | 'failover' | 'other';

/** The routing fields of a record, as written or as read (Route 53 reads Failover as a string). */
type Routing = { setIdentifier?: string | undefined; weight?: number | undefined; failover?: string | undefined };

export function policyOf(record: Routing): RoutingPolicy {
  if (record.setIdentifier === undefined) return 'simple';
  if (record.weight !== undefined) return 'weighted';
  if (record.failover !== undefined) return 'failover';
  return 'other';
}

/** "api.example.com. A weighted primary", or "orders.db.example.com. CNAME" for a simple record. */
export function recordLabel(record: { name: string; type: string } & Routing): string {
  const routed = record.setIdentifier !== undefined ? ` ${policyOf(record)} ${record.setIdentifier}` : '';
  return `${record.name} ${record.type}${routed}`;
}

/**
 * What a change writes, in the words `describeRecord` uses for what is there: "weight 0, alias to
 * primary-alb...", "orders-replica.abc... (TTL 60s)"; `endpoint` names a value only known at run time.
 */
export function describeTarget(target: DnsRecordTarget & { type: string }, endpoint = 'the restored endpoint'): string {
  const policy = target.weight !== undefined ? `weight ${target.weight}, ` : target.failover !== undefined ? `${target.failover}, ` : '';
  if (target.alias)
    return `${policy}alias to ${target.alias.dnsName}${target.alias.evaluateTargetHealth ? ' (evaluates target health)' : ''}`;
  const value = target.value ?? endpoint;
  return `${policy}${value}${target.ttl !== undefined ? ` (TTL ${target.ttl}s)` : ''}`;
}

/**
 * True when `current` already reads as the change writes it: kind (alias or plain), value and TTL,
 * alias target, weight and failover role. A value from a later step (`valueFrom`) cannot be known.
 */
export function readsAsTarget(current: DnsRecord | null, target: DnsRecordTarget): boolean {
  if (!current || target.valueFrom !== undefined) return false;
  if ((current.weight ?? null) !== (target.weight ?? null) || (current.failover ?? null) !== (target.failover ?? null)) return false;
  if (target.alias) {
    const alias = current.aliasTarget;
    return (
      alias !== undefined &&
      normalizeDnsName(alias.dnsName) === normalizeDnsName(target.alias.dnsName) &&
      bareZoneId(alias.hostedZoneId) === bareZoneId(target.alias.hostedZoneId) &&
      alias.evaluateTargetHealth === target.alias.evaluateTargetHealth
    );
  }
  return (
    current.aliasTarget === undefined &&
    current.values.length === 1 &&
    current.values[0] === target.value &&
    (target.ttl === undefined || current.ttl === target.ttl)
  );
}

/** Why writing `check`'s record over what the name holds would destroy something; null when it would not. */
function conflict(check: DnsCheck, records: DnsRecord[], current: DnsRecord | null): string | null {
  const same = records.filter((r) => r.type === check.type);
  const label = recordLabel(check);
  const policy = policyOf(check);
  if (policy === 'simple') {
    const routed = same.find((r) => r.setIdentifier !== undefined);
    if (routed)
      return `${check.name} ${check.type} uses a routing policy (SetIdentifier ${routed.setIdentifier}); a simple record cannot replace a routing-policy set (give the runbook's record its setIdentifier and weight or failover)`;
  }
  // A CNAME cannot share its name with other records (RFC 1034 §3.6.2); Route 53 refuses the change.
  const clash = records.find((r) => (check.type === 'CNAME' ? r.type !== 'CNAME' : r.type === 'CNAME'));
  if (clash) return `${check.name} already has a record of type ${clash.type}, which a ${check.type} record cannot coexist with`;
  if (policy !== 'simple') {
    const simple = same.find((r) => r.setIdentifier === undefined);
    if (simple)
      return `${check.name} ${check.type} is a simple record (${describeRecord(simple)}); a ${policy} record ${check.setIdentifier} cannot be written beside it`;
    const mixed = same.find((r) => policyOf(r) !== policy);
    if (mixed)
      return `${check.name} ${check.type} set ${mixed.setIdentifier} uses ${policyOf(mixed)} routing (${describeRecord(mixed)}); a ${policy} record would mix routing policies`;
  }
  if (current?.aliasTarget && !check.alias)
    return `${label} is an alias record (${describeRecord(current)}); a plain record would replace it and lose its alias target${current.aliasTarget.evaluateTargetHealth ? ' and EvaluateTargetHealth' : ''}`;
  if (current && !current.aliasTarget && check.alias)
    return `${label} is a plain record (${describeRecord(current)}); an alias record would replace its values`;
  return null;
}

/**
 * One record of a DNS step: readable; writing it destroys nothing Lifeboat was not told about
 * (no alias/plain swap, no routing-policy mismatch, no type clash); unchanged since the plan.
 */
export async function checkDnsRecord(check: DnsCheck, ctx: PreflightContext): Promise<PreflightOutcome> {
  const label = recordLabel(check);
  const requirement =
    policyOf(check) === 'simple'
      ? `${check.name} has no routing policy or conflicting record, and is unchanged since the plan`
      : `${label} is, or may become, a ${policyOf(check)} record of the same kind (alias or plain), with no conflicting record, unchanged since the plan`;
  const base = { name: 'DNS record', requirement, check };
  const records = await ctx.route53.recordsNamed(check.hostedZoneId, check.name);
  const current = records.find((r) => r.type === check.type && r.setIdentifier === check.setIdentifier) ?? null;
  const fail = (observed: string): PreflightOutcome => ({
    result: { ...base, ok: false, observed, code: 'LIFEBOAT_DNS_CONFLICT' },
    facts: { record: current },
  });
  const refused = conflict(check, records, current);
  if (refused) return fail(refused);
  if (check.expected !== undefined && !sameRecordSet(current, check.expected) && !readsAsTarget(current, check)) {
    const now = current ? describeRecord(current) : 'no record';
    const then = check.expected ? describeRecord(check.expected) : 'no record';
    return fail(`${check.name} changed since the plan: now ${now}, the plan replaced ${then}`);
  }
  const target = describeTarget(check);
  const observed = current
    ? `${check.name} is ${describeRecord(current)}; the UPSERT replaces it with ${target}`
    : `no ${label} record yet; the UPSERT creates it as ${target}`;
  return { result: { ...base, ok: true, observed }, facts: { record: current } };
}
