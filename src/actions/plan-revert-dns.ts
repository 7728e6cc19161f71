import type { Approval } from '../approvals/approval.js';
import { normalizeDnsName, type RecordChange } from '../aws/route53-gateway.js';
import type { RevertDnsRequest } from '../core/action-request.js';
import type { DnsRecord } from '../core/dns-record.js';
import { formatDurationHms } from '../core/format-time.js';
import type { ChangeResourceRecordSetsCall, Plan, PlannedCall, PreflightCheck } from '../core/plan.js';
import { ActionError } from './action-error.js';
import { inputOfRecord, recordOfInput } from './dns-record-sets.js';
import { recordChangeEffect } from './mutation-effects.js';
import { evaluateAll } from './preflight.js';
import { describeRecord } from './preflight-failover.js';
import { DEFAULT_WAIT_TIMEOUTS, newPlanId, resourceKey, resultsOf, type PlanningContext, type WaitTimeouts } from './planning-context.js';
import { runRecord } from './recorded-run.js';

/** One record the run changed: what it wrote (null: it deleted the record) and what was there before. */
interface Reverted {
  hostedZoneId: string;
  change: RecordChange;
  previous: DnsRecord | null;
}

function isChange(call: PlannedCall): call is ChangeResourceRecordSetsCall {
  return call.service === 'route53' && call.operation === 'ChangeResourceRecordSets';
}

/**
 * The records a DNS step replaced, aligned with its batch's changes. Recorded as `previous`: an
 * array, one per change (`null`: no record before), or, on runs recorded before batches, a
 * single record or null for the only change. Undefined when it cannot be known.
 */
function previousList(value: unknown, count: number): Array<DnsRecord | null> | undefined {
  if (Array.isArray(value)) return value.length === count ? (value as Array<DnsRecord | null>) : undefined;
  if (value === undefined || count !== 1) return undefined;
  return [value as DnsRecord | null];
}

/** Whether a DNS step the run left unsettled took effect; a failed read refuses the revert, saying why. */
async function readBack(call: ChangeResourceRecordSetsCall, run: string, ctx: PlanningContext): Promise<{ took: boolean }> {
  try {
    return await recordChangeEffect(ctx.route53, call.input);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ActionError(
      'LIFEBOAT_AWS_ERROR',
      `Could not read back whether step ${call.id} of ${run} changed DNS (${reason}); nothing was planned. Try again in a minute.`,
      reason,
    );
  }
}

/** The DNS changes the run made (done, or confirmed by reading the record back now), with what they replaced. */
async function changesMade(original: Approval, ctx: PlanningContext): Promise<Reverted[]> {
  const record = runRecord(original);
  const made: Reverted[] = [];
  for (const call of original.plan.calls) {
    if (!isChange(call)) continue;
    const mark = record.done.get(call.id);
    let previous: unknown;
    if (mark) {
      // Runs recorded before step facts were kept: the outcome's record kept for failback, else what the plan saw.
      const outcome = original.run?.detail;
      previous = mark.detail?.previous ?? outcome?.previousDnsRecords ?? outcome?.previousDnsRecord ?? call.replaces;
    } else if (record.unsettled?.id === call.id && (await readBack(call, original.id, ctx)).took) {
      // In flight when the run stopped, and DNS reads as it wrote: pre-flight had confirmed the plan's view just before.
      previous = call.replaces;
    } else continue;
    const changes = call.input.ChangeBatch.Changes;
    const list = previousList(previous, changes.length);
    if (!list) {
      throw new ActionError(
        'LIFEBOAT_NOTHING_TO_DO',
        `${original.id} changed DNS in step ${call.id} but did not capture the records it replaced, so there is nothing to put back; change them in Route 53 by hand.`,
      );
    }
    for (const [i, change] of changes.entries()) made.push({ hostedZoneId: call.input.HostedZoneId, change, previous: list[i] ?? null });
  }
  return made;
}

/** The change that undoes one: the previous record written back, or what the run created deleted. */
function undo(r: Reverted): RecordChange | string {
  const written = r.change.ResourceRecordSet;
  if (r.previous) {
    const set = inputOfRecord(r.previous);
    return set
      ? { Action: 'UPSERT', ResourceRecordSet: set }
      : `${r.previous.name} had a ${r.previous.type} record, which Lifeboat does not write`;
  }
  // No record before: the run created this one. Route 53's DELETE must name it exactly as it is, which pre-flight checks.
  if (r.change.Action === 'DELETE') return `${written.Name} ${written.Type} was deleted by the run and there is no record to put back`;
  return { Action: 'DELETE', ResourceRecordSet: written };
}

function guard(r: Reverted, run: string, step: string): PreflightCheck {
  const set = r.change.ResourceRecordSet;
  return {
    kind: 'dns-as-written',
    hostedZoneId: r.hostedZoneId,
    name: normalizeDnsName(set.Name),
    type: set.Type,
    ...(set.SetIdentifier !== undefined && { setIdentifier: set.SetIdentifier }),
    written: r.change.Action === 'DELETE' ? null : recordOfInput(set),
    run,
    step,
  };
}

function undoWords(change: RecordChange): string {
  const set = change.ResourceRecordSet;
  return change.Action === 'DELETE'
    ? `delete ${set.Name} ${set.Type} (it did not exist before)`
    : `${set.Name} back to ${describeRecord(recordOfInput(set))}`;
}

/**
 * Plans `/dr revert-dns <APR-n>`: one ChangeResourceRecordSets batch per hosted zone (Route 53
 * applies a batch atomically: "either all of the changes are applied or none") putting back every
 * record APR-n captured before changing it (UPSERT), or deleting what it created, then GetChange
 * until INSYNC. Pre-flight: each record still reads exactly as APR-n wrote it, else refused naming
 * what it reads now. Destructive (it moves traffic): approvers type the runbook's name.
 */
export async function planRevertDns(
  request: RevertDnsRequest,
  original: Approval,
  ctx: PlanningContext,
  options: { timeouts?: Partial<WaitTimeouts> } = {},
): Promise<Plan> {
  const id = original.id;
  const made = await changesMade(original, ctx);
  if (made.length === 0) throw new ActionError('LIFEBOAT_NOTHING_TO_DO', `${id} changed no DNS record: nothing to revert.`);
  const dnsMs = { ...DEFAULT_WAIT_TIMEOUTS, ...options.timeouts }.dnsMs;
  const zones = [...new Set(made.map((r) => r.hostedZoneId))];
  const calls: PlannedCall[] = [];
  const checks: PreflightCheck[] = [];
  const resources = new Set(original.plan.resources);
  for (const [z, zone] of zones.entries()) {
    const stepId = z === 0 ? 'dns-revert' : `dns-revert-${z + 1}`;
    const inZone = made.filter((r) => r.hostedZoneId === zone);
    const changes: RecordChange[] = [];
    for (const r of inZone) {
      const change = undo(r);
      if (typeof change === 'string') throw new ActionError('LIFEBOAT_BAD_REQUEST', `Cannot revert the DNS of ${id}: ${change}.`);
      changes.push(change);
      checks.push(guard(r, id, stepId));
      resources.add(resourceKey.dnsRecord(zone, normalizeDnsName(r.change.ResourceRecordSet.Name)));
    }
    const only = inZone.length === 1 ? inZone[0] : undefined;
    calls.push(
      {
        id: stepId,
        service: 'route53',
        operation: 'ChangeResourceRecordSets',
        input: { HostedZoneId: zone, ChangeBatch: { Comment: `Lifeboat revert-dns ${id} (${original.plan.subject})`, Changes: changes } },
        description: `Put back what ${id} replaced: ${changes.map(undoWords).join('; ')}`,
        ...(only && { replaces: only.change.Action === 'DELETE' ? null : recordOfInput(only.change.ResourceRecordSet) }),
      },
      {
        id: `${stepId}-insync`,
        service: 'route53',
        operation: 'GetChange',
        input: {},
        description: `Wait until the DNS change is INSYNC on every Route 53 server (up to ${formatDurationHms(dnsMs)})`,
        wait: { until: 'INSYNC', after: stepId, timeoutMs: dnsMs },
      },
    );
  }
  const preflight = resultsOf(await evaluateAll(checks, ctx));
  const names = [...new Set(made.map((r) => normalizeDnsName(r.change.ResourceRecordSet.Name)))];
  const ttls = made.flatMap((r) => (r.change.ResourceRecordSet.TTL !== undefined ? [r.change.ResourceRecordSet.TTL] : []));
  return {
    id: newPlanId(ctx),
    request,
    title: `Revert DNS of ${id}: ${names.join(', ')}`,
    subject: original.plan.subject,
    calls,
    preflight,
    resources: [...resources],
    destructive: true,
    warnings: [
      `Moves traffic back: clients follow these records to what they pointed at before ${id}.`,
      ...(ttls.length > 0 ? [`Clients may keep the current value for up to its TTL (${Math.max(...ttls)}s) after the change.`] : []),
    ],
    createdAt: ctx.clock.now(),
    reverts: { approvalId: id },
  };
}
