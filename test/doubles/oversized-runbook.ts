import type { DnsStep } from '../../src/config/types.js';

/** The hosted zone the oversized runbook's records live in; the fakes answer it empty, so each is created. */
export const OVERSIZED_ZONE = 'Z0123456789ABCDEFGHIJ';

/** A 120-character record name (labels within DNS's 63), numbered so each is its own record set. */
export function oversizedName(i: number): string {
  return `${'a'.repeat(62)}.${'b'.repeat(41)}-${String(i).padStart(3, '0')}.example.com`;
}

/**
 * Route 53's most changes a batch (100), weighted alias records with 120-character names: a list
 * README's DNS steps section says cannot be shown whole in one approval message, so a request for
 * it is refused (plan-display-refusal.ts) and readiness must say so first.
 */
export const OVERSIZED_DNS: DnsStep[] = Array.from({ length: 100 }, (_, i) => ({
  hostedZoneId: OVERSIZED_ZONE,
  name: oversizedName(i),
  type: 'A',
  setIdentifier: `${'s'.repeat(36)}${i}`,
  weight: i % 2 === 0 ? 100 : 0,
  alias: { dnsName: `${'b'.repeat(50)}-${i}.us-east-1.elb.amazonaws.com.`, hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true },
}));

/** The replica the oversized failover promotes (us-west-2); the tests' fake AWS answers it available. */
export const OVERSIZED_REPLICA = 'big-replica';

/** A failover promoting its replica, then writing the oversized list. */
export const OVERSIZED_FAILOVER = { region: 'us-west-2', promote: { dbInstance: OVERSIZED_REPLICA }, dns: OVERSIZED_DNS };
