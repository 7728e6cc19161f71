import type { ChangeRecordSetsInput, RecordSetInput, Route53Gateway } from '../aws/route53-gateway.js';
import { normalizeDnsName } from '../aws/route53-gateway.js';
import type { DnsRecord } from '../core/dns-record.js';
import type { ChangeResourceRecordSetsCall } from '../core/plan.js';
import { ActionError } from './action-error.js';
import type { StepDetail } from './run-outcome.js';

/*
 * What the runner does around a planned ChangeResourceRecordSets batch: fill the restored
 * endpoint into the changes planned without a value, and read what each change replaces.
 */

/** `host` from `host:port` (RDS endpoints are recorded with their port; a CNAME names the host). */
function hostOf(endpoint: string): string {
  return endpoint.replace(/:\d+$/, '');
}

/**
 * The batch exactly as it will be sent: on a restore, each plain change planned without a value
 * (`valueFrom`) gets the endpoint the wait step recorded. Throws when that step left none.
 */
export function batchToSend(call: ChangeResourceRecordSetsCall, results: ReadonlyMap<string, StepDetail>): ChangeRecordSetsInput {
  const input = call.input;
  if (input.ChangeBatch.Changes.length === 0) throw new ActionError('LIFEBOAT_PLAN_INVALID', `Step ${call.id} has no record change.`);
  if (call.valueFrom === undefined) return input;
  const endpoint = results.get(call.valueFrom)?.endpoint;
  if (typeof endpoint !== 'string' || endpoint === '')
    throw new ActionError(
      'LIFEBOAT_PLAN_INVALID',
      `Step ${call.id} points records at the endpoint of step ${call.valueFrom}, which recorded none; no record was changed.`,
    );
  const host = hostOf(endpoint);
  const Changes = input.ChangeBatch.Changes.map((change) =>
    change.ResourceRecordSet.AliasTarget || change.ResourceRecordSet.ResourceRecords
      ? change
      : { ...change, ResourceRecordSet: { ...change.ResourceRecordSet, ResourceRecords: [{ Value: host }] } },
  );
  return { ...input, ChangeBatch: { ...input.ChangeBatch, Changes } };
}

/** The record set a change addresses: same name, type and SetIdentifier (absent on simple records). */
export function addressedBy(records: DnsRecord[], set: RecordSetInput): DnsRecord | null {
  return records.find((r) => r.type === set.Type && r.setIdentifier === set.SetIdentifier) ?? null;
}

/**
 * What each change of the batch replaces, aligned with `Changes` (null: no such record), read
 * right before the change: the records as they really were at cut-over, for failback. Each name
 * is read once.
 */
export async function recordsReplaced(route53: Route53Gateway, input: ChangeRecordSetsInput): Promise<Array<DnsRecord | null>> {
  const byName = new Map<string, Promise<DnsRecord[]>>();
  const read = (name: string) => {
    const key = normalizeDnsName(name);
    const known = byName.get(key) ?? route53.recordsNamed(input.HostedZoneId, name);
    byName.set(key, known);
    return known;
  };
  return Promise.all(input.ChangeBatch.Changes.map(async (c) => addressedBy(await read(c.ResourceRecordSet.Name), c.ResourceRecordSet)));
}
