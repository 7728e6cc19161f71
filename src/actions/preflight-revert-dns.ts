import type { PreflightCheck } from '../core/plan.js';
import { describeRecord } from './preflight-failover.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';
import { pickRecord, sameRecordSet } from './dns-record-sets.js';

type Check = Extract<PreflightCheck, { kind: 'dns-as-written' }>;

/** How a record is named in a check's words: `orders.db.example.com. A` (and its routing identifier). */
export function recordLabel(check: Pick<Check, 'name' | 'type' | 'setIdentifier'>): string {
  return `${check.name} ${check.type}${check.setIdentifier !== undefined ? ` (SetIdentifier ${check.setIdentifier})` : ''}`;
}

/**
 * A DNS revert puts back what a run replaced only if nobody changed the record since: it must
 * read exactly as that run wrote it (or still be absent, if the run deleted it). Otherwise the
 * revert would overwrite someone else's later change; it is refused, saying what it reads now.
 */
export async function checkDnsAsWritten(check: Check, ctx: PreflightContext): Promise<PreflightOutcome> {
  const label = recordLabel(check);
  const wrote = check.written ? describeRecord(check.written) : 'no record (it deleted it)';
  const base = { name: `DNS record ${label}`, requirement: `reads as ${check.run} left it: ${wrote}`, check };
  const current = pickRecord(await ctx.route53.recordsNamed(check.hostedZoneId, check.name), check.type, check.setIdentifier);
  const now = current ? describeRecord(current) : 'no record';
  if (!sameRecordSet(current, check.written)) {
    return {
      result: { ...base, ok: false, observed: `changed since ${check.run}: it reads ${now}`, code: 'LIFEBOAT_DNS_CONFLICT' },
      facts: { record: current },
    };
  }
  return { result: { ...base, ok: true, observed: `reads ${now}, as ${check.run} left it` }, facts: { record: current } };
}
