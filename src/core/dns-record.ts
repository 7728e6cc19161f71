/** A DNS record set as Route 53 holds it; names are lower-case with a trailing dot. */
export interface DnsRecord {
  name: string;
  type: string;
  /** Seconds; absent for alias records. */
  ttl?: number;
  /** Plain record values (empty for alias records). */
  values: string[];
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  /** Names the record among those sharing its name and type under a routing policy (weighted, failover, ...). */
  setIdentifier?: string;
  /** Weighted routing: the record's share, 0..255. */
  weight?: number;
  /** Failover routing: PRIMARY or SECONDARY. */
  failover?: string;
  /** The Route 53 health check whose status decides whether this record answers (routing-policy records). */
  healthCheckId?: string;
}

/** `weighted primary: weight 100, ` / `failover dr: PRIMARY, `, or nothing for a simple record. */
function policyWords(record: Pick<DnsRecord, 'setIdentifier' | 'weight' | 'failover'>): string {
  if (record.setIdentifier === undefined) return '';
  if (record.weight !== undefined) return ` weighted ${record.setIdentifier}: weight ${record.weight},`;
  if (record.failover !== undefined) return ` failover ${record.setIdentifier}: ${record.failover},`;
  return ` ${record.setIdentifier} (another routing policy):`;
}

/**
 * "CNAME orders-db.abc.us-east-1.rds.amazonaws.com (TTL 60s)", "A weighted primary: weight 100,
 * alias to primary-alb.eu-west-1.elb.amazonaws.com (evaluates target health)".
 */
export function describeRecord(record: DnsRecord): string {
  const policy = policyWords(record);
  if (record.aliasTarget) {
    const health = record.aliasTarget.evaluateTargetHealth ? ' (evaluates target health)' : '';
    return `${record.type}${policy} alias to ${record.aliasTarget.dnsName}${health}`;
  }
  return `${record.type}${policy} ${record.values.join(', ')}${record.ttl !== undefined ? ` (TTL ${record.ttl}s)` : ''}`;
}
