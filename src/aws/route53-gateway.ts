import type { DnsRecord } from '../core/dns-record.js';

/** The Route 53 calls the DNS step of a failover makes, as a port. */
export interface Route53Gateway {
  /** ListResourceRecordSets: every record set named exactly `name` in the zone (any type). */
  recordsNamed(hostedZoneId: string, name: string): Promise<DnsRecord[]>;
  /** ChangeResourceRecordSets with exactly `input`; answers the change id to poll. */
  changeRecordSets(input: ChangeRecordSetsInput): Promise<ChangeView>;
  /** GetChange: PENDING until the change reached every Route 53 DNS server, then INSYNC. */
  getChange(changeId: string): Promise<ChangeView>;
}

/** A ChangeResourceRecordSets request, AWS parameter names, JSON-safe. */
export interface ChangeRecordSetsInput {
  HostedZoneId: string;
  ChangeBatch: {
    Comment?: string;
    Changes: RecordChange[];
  };
}

/**
 * One change of a batch. Route 53 applies a batch atomically ("either all of the changes are
 * applied or none", ChangeResourceRecordSets). DELETE must name the record exactly as it is.
 * No CREATE: deploy/iam-policy.json allows exactly these actions (route53:ChangeResourceRecordSetsActions)
 * and test/unit/aws/iam-policy.test.ts keeps the two equal, since AWS refuses a whole batch over one.
 */
export interface RecordChange {
  Action: 'UPSERT' | 'DELETE';
  ResourceRecordSet: RecordSetInput;
}

/**
 * A record set as the change writes it. Plain records carry TTL and ResourceRecords; alias
 * records carry AliasTarget and neither of those. Routing-policy records are addressed by
 * SetIdentifier and carry their policy (Weight, Failover) and any HealthCheckId: an UPSERT
 * replaces the whole record set, so a health check left out is removed.
 */
export interface RecordSetInput {
  Name: string;
  Type: 'A' | 'AAAA' | 'CNAME';
  TTL?: number;
  ResourceRecords?: Array<{ Value: string }>;
  AliasTarget?: { HostedZoneId: string; DNSName: string; EvaluateTargetHealth: boolean };
  SetIdentifier?: string;
  Weight?: number;
  Failover?: 'PRIMARY' | 'SECONDARY';
  HealthCheckId?: string;
}

/** A submitted change: the bare id (no `/change/` prefix) and `PENDING` or `INSYNC`. */
export interface ChangeView {
  changeId: string;
  status: string;
}

/** `Z123` from `/hostedzone/Z123` or `Z123` (the SDK's idNormalizer strips the same prefixes). */
export function bareZoneId(id: string): string {
  return id.replace(/^\/hostedzone\//, '');
}

/** `C123` from `/change/C123`, as GetChange wants it. */
export function bareChangeId(id: string): string {
  return id.replace(/^\/change\//, '');
}

/**
 * A DNS name as Route 53 lists it, for comparison: lower-case, trailing dot, and `\ddd` octal
 * escapes (Route 53 lists `*` as `\052`) decoded.
 */
export function normalizeDnsName(name: string): string {
  const decoded = name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const lower = decoded.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}
