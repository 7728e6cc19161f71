import { normalizeDnsName, type RecordSetInput } from '../aws/route53-gateway.js';
import type { DnsRecord } from '../core/dns-record.js';

/*
 * A record set in its two shapes: as Route 53 lists it (DnsRecord) and as a change writes it
 * (RecordSetInput, AWS parameter names), and whether two are the same record set.
 */

const RECORD_TYPES = new Set<RecordSetInput['Type']>(['A', 'AAAA', 'CNAME']);

/** The record a change writes, as Route 53 would list it afterwards. */
export function recordOfInput(set: RecordSetInput): DnsRecord {
  return {
    name: normalizeDnsName(set.Name),
    type: set.Type,
    ...(set.TTL !== undefined && { ttl: set.TTL }),
    values: (set.ResourceRecords ?? []).map((r) => r.Value),
    ...(set.AliasTarget && {
      aliasTarget: {
        hostedZoneId: set.AliasTarget.HostedZoneId,
        dnsName: set.AliasTarget.DNSName,
        evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth,
      },
    }),
    ...(set.SetIdentifier !== undefined && { setIdentifier: set.SetIdentifier }),
    ...(set.Weight !== undefined && { weight: set.Weight }),
    ...(set.Failover !== undefined && { failover: set.Failover }),
    ...(set.HealthCheckId !== undefined && { healthCheckId: set.HealthCheckId }),
  };
}

/**
 * The change input that writes `record` back exactly: an alias record carries AliasTarget and no
 * TTL or values ("If you're creating an alias resource record set, omit TTL", ResourceRecordSet);
 * a routing-policy record keeps its SetIdentifier, Weight / Failover and health check. Null for a type Lifeboat
 * does not write (the caller says so).
 */
export function inputOfRecord(record: DnsRecord): RecordSetInput | null {
  const type = record.type as RecordSetInput['Type'];
  if (!RECORD_TYPES.has(type)) return null;
  const failover: RecordSetInput['Failover'] =
    record.failover === 'PRIMARY' || record.failover === 'SECONDARY' ? record.failover : undefined;
  const routing = {
    ...(record.setIdentifier !== undefined && { SetIdentifier: record.setIdentifier }),
    ...(record.weight !== undefined && { Weight: record.weight }),
    ...(failover !== undefined && { Failover: failover }),
    ...(record.healthCheckId !== undefined && { HealthCheckId: record.healthCheckId }),
  };
  if (record.aliasTarget) {
    const { hostedZoneId, dnsName, evaluateTargetHealth } = record.aliasTarget;
    return {
      Name: record.name,
      Type: type,
      AliasTarget: { HostedZoneId: hostedZoneId, DNSName: dnsName, EvaluateTargetHealth: evaluateTargetHealth },
      ...routing,
    };
  }
  return {
    Name: record.name,
    Type: type,
    ...(record.ttl !== undefined && { TTL: record.ttl }),
    ResourceRecords: record.values.map((Value) => ({ Value })),
    ...routing,
  };
}

/** Route 53 lists alias DNS names with a trailing dot whether or not they were written with one. */
function aliasName(name: string): string {
  return normalizeDnsName(name);
}

/** Same record set: type, TTL, values (any order), alias target, routing identifier and policy, health check. */
export function sameRecordSet(a: DnsRecord | null, b: DnsRecord | null): boolean {
  if (a === null || b === null) return a === b;
  const key = (r: DnsRecord) =>
    JSON.stringify([
      r.type,
      r.aliasTarget ? null : (r.ttl ?? null),
      [...r.values].sort(),
      r.aliasTarget ? [aliasName(r.aliasTarget.dnsName), r.aliasTarget.hostedZoneId, r.aliasTarget.evaluateTargetHealth] : null,
      r.setIdentifier ?? null,
      r.weight ?? null,
      r.failover ?? null,
      r.healthCheckId ?? null,
    ]);
  return key(a) === key(b);
}

/** The record of `type` (and `setIdentifier`, for routing-policy records) among those listed at a name; null when absent. */
export function pickRecord(records: DnsRecord[], type: string, setIdentifier: string | undefined): DnsRecord | null {
  return records.find((r) => r.type === type && r.setIdentifier === setIdentifier) ?? null;
}
