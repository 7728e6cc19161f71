/** A DNS record set as Route 53 holds it; names are lower-case with a trailing dot. */
export interface DnsRecord {
  name: string;
  type: string;
  /** Seconds; absent for alias records. */
  ttl?: number;
  /** Plain record values (empty for alias records). */
  values: string[];
  aliasTarget?: { hostedZoneId: string; dnsName: string; evaluateTargetHealth: boolean };
  /** Set on weighted/latency/failover/... records, which Lifeboat does not replace. */
  setIdentifier?: string;
  /** Weighted routing: the record's weight (0-255). */
  weight?: number;
  /** Failover routing: which of the pair this record is. */
  failover?: 'PRIMARY' | 'SECONDARY';
}
