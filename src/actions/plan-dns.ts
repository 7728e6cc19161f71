import { bareZoneId, normalizeDnsName, type RecordChange } from '../aws/route53-gateway.js';
import type { DnsStep } from '../config/types.js';
import { describeRecord, type DnsRecord } from '../core/dns-record.js';
import { formatDurationHms } from '../core/format-time.js';
import type { PlannedCall, PreflightCheck } from '../core/plan.js';
import type { PreflightOutcome } from './preflight-context.js';
import { describeTarget, recordLabel } from './preflight-dns.js';
import { resourceKey } from './planning-context.js';

/** The ids of a DNS step's two calls: the change batch, and the wait until it is INSYNC. */
export const DNS_CHANGE_STEP = 'dns-upsert';
export const DNS_INSYNC_STEP = 'dns-insync';

/** How a restore points a value-less record at the database it restores. */
export interface EndpointSource {
  /** The wait step whose `detail.endpoint` the runner writes in. */
  step: string;
  /** What the approver reads instead of the value: "the endpoint of orders-restore-... once available". */
  words: string;
}

/** A runbook's record as Route 53 lists it: bare zone id, lower-case name with a trailing dot. */
function normalized(step: DnsStep): DnsStep {
  return { ...step, hostedZoneId: bareZoneId(step.hostedZoneId), name: normalizeDnsName(step.name) };
}

/** One pre-flight check per record, each guarding the batch (`dns-upsert`). */
export function dnsChecks(steps: DnsStep[], endpoint?: EndpointSource): PreflightCheck[] {
  return steps.map(normalized).map((s) => ({
    kind: 'dns-record',
    hostedZoneId: s.hostedZoneId,
    name: s.name,
    type: s.type,
    ...(s.alias
      ? { alias: { ...s.alias } }
      : { ttl: s.ttl, ...(s.value !== undefined ? { value: s.value } : endpoint && { valueFrom: endpoint.step }) }),
    ...(s.setIdentifier !== undefined && { setIdentifier: s.setIdentifier }),
    ...(s.weight !== undefined && { weight: s.weight }),
    ...(s.failover !== undefined && { failover: s.failover }),
    step: DNS_CHANGE_STEP,
  }));
}

/** What DNS held at plan time is frozen into each record's check: the runner refuses if it changed since. */
export function freezeDnsCheck(check: PreflightCheck, outcome: PreflightOutcome): PreflightCheck {
  return check.kind === 'dns-record' && 'record' in outcome.facts ? { ...check, expected: outcome.facts.record ?? null } : check;
}

/**
 * The change that writes one record: Weight/Failover with SetIdentifier; AliasTarget and no TTL
 * for an alias. The UPSERT replaces the whole record set, so the health check of the record it
 * replaces (`current`) is written again: left out, the record would answer whether or not its
 * target is healthy, and failover routing would stop failing over.
 */
function recordChange(s: DnsStep, current: DnsRecord | null | undefined): RecordChange {
  const body = s.alias
    ? {
        AliasTarget: {
          HostedZoneId: bareZoneId(s.alias.hostedZoneId),
          DNSName: s.alias.dnsName,
          EvaluateTargetHealth: s.alias.evaluateTargetHealth,
        },
      }
    : { TTL: s.ttl, ...(s.value !== undefined && { ResourceRecords: [{ Value: s.value }] }) };
  return {
    Action: 'UPSERT',
    ResourceRecordSet: {
      Name: s.name,
      Type: s.type,
      ...(s.setIdentifier !== undefined && { SetIdentifier: s.setIdentifier }),
      ...(s.weight !== undefined && { Weight: s.weight }),
      ...(s.failover !== undefined && { Failover: s.failover }),
      ...body,
      ...(current?.healthCheckId !== undefined && { HealthCheckId: current.healthCheckId }),
    },
  };
}

function wasWords(record: DnsRecord | null | undefined): string {
  return record === undefined ? 'the current record (could not be read)' : record ? describeRecord(record) : 'nothing (new record)';
}

/** The DNS part of a plan: its calls, warnings and the records it locks. */
export interface DnsPlanPart {
  calls: PlannedCall[];
  warnings: string[];
  resources: string[];
}

/**
 * Plans a runbook's `dns`: ONE ChangeResourceRecordSets of every record, in order ("Change
 * batches are considered transactional changes. Route 53 validates the changes in the request
 * and then either makes all or none of the changes", ChangeResourceRecordSets), then one GetChange
 * wait until INSYNC. `outcomes` are the records' pre-flight outcomes, in the same order.
 */
export function planDns(
  steps: DnsStep[],
  outcomes: PreflightOutcome[],
  options: { comment: string; timeoutMs: number; endpoint?: EndpointSource },
): DnsPlanPart {
  const records = steps.map(normalized);
  const seen = outcomes.map((o) => ('record' in o.facts ? (o.facts.record ?? null) : undefined));
  const zone = records[0]?.hostedZoneId ?? '';
  const endpointWords = options.endpoint?.words;
  // "api.example.com. A weighted primary: weight 100, alias to primary-alb... -> weight 0, alias to primary-alb..."
  const lines = records.map((s, i) => {
    const was = seen[i];
    const from = was ? `${s.name} ${describeRecord(was)}` : `${recordLabel(s)}: ${wasWords(was)}`;
    return `${from} -> ${describeTarget(s, endpointWords)}`;
  });
  const only = records.length === 1 ? records[0] : undefined;
  const description =
    only && only.setIdentifier === undefined && !only.alias
      ? `Point ${only.name} ${only.type} at ${only.value ?? endpointWords} (TTL ${only.ttl}s), replacing ${wasWords(seen[0])}`
      : `Change ${records.length} record${records.length === 1 ? '' : 's'} in hosted zone ${zone} as one batch (Route 53 applies all or none): ${lines.map((l, i) => `${i + 1}. ${l}`).join('; ')}`;
  const fills = options.endpoint && records.some((s) => !s.alias && s.value === undefined);
  const replaces = seen.every((r) => r !== undefined) ? (seen as Array<DnsRecord | null>) : undefined;
  const calls: PlannedCall[] = [
    {
      id: DNS_CHANGE_STEP,
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      input: { HostedZoneId: zone, ChangeBatch: { Comment: options.comment, Changes: records.map((s, i) => recordChange(s, seen[i])) } },
      description,
      ...(replaces && { replaces }),
      ...(fills && options.endpoint && { valueFrom: options.endpoint.step }),
    },
    {
      id: DNS_INSYNC_STEP,
      service: 'route53',
      operation: 'GetChange',
      input: {},
      description: `Wait until the DNS change is INSYNC on every Route 53 server (up to ${formatDurationHms(options.timeoutMs)})`,
      wait: { until: 'INSYNC', after: DNS_CHANGE_STEP, timeoutMs: options.timeoutMs },
    },
  ];
  const warnings = records.flatMap((s, i) => {
    const ttl = seen[i]?.ttl;
    return ttl !== undefined ? [`Clients may keep resolving ${s.name} to the old value for up to its TTL (${ttl}s) after the change.`] : [];
  });
  const resources = records.map((s) => resourceKey.dnsRecord(s.hostedZoneId, s.name, s.setIdentifier));
  return { calls, warnings: [...new Set(warnings)], resources: [...new Set(resources)] };
}
