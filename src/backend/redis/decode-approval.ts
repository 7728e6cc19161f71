import type { Plan } from '../../core/plan.js';
import { StoreError } from '../../store/store-error.js';
import { AUDIT_TYPES, type ApprovalAuditEntry, type AuditType } from '../../approvals/approval-audit.js';
import { APPROVAL_STATES, type Approval, type ApprovalRun, type ApprovalState, type RunStepMark } from '../../approvals/approval.js';
import type { LastRun } from '../../approvals/last-run.js';

// Turns the Redis representation (hash fields, stream entries) back into typed values, checking
// the shape on the way: a hand-edited or foreign value becomes a StoreError naming the key.

type Fields = Record<string, string>;

function corrupt(key: string, what: string): StoreError {
  return new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored approval at key "${key}" ${what}`, { key });
}

/** A flat [field, value, field, value, ...] reply (HGETALL, XRANGE entry) as an object. */
export function pairsToFields(pairs: unknown, key: string): Fields {
  if (!Array.isArray(pairs) || pairs.length % 2 !== 0) throw corrupt(key, 'is not a field list');
  const fields: Fields = {};
  for (let i = 0; i < pairs.length; i += 2) {
    const [name, value] = [pairs[i], pairs[i + 1]];
    if (typeof name !== 'string' || typeof value !== 'string') throw corrupt(key, 'has a non-string field');
    fields[name] = value;
  }
  return fields;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(key: string, field: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored approval at key "${key}" has invalid JSON in ${field}`, {
      key,
      cause: err,
    });
  }
}

// Shallow: the fields the engine computes on. The rest of a plan is rendered, not computed on.
function isPlan(value: unknown): value is Plan {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.title === 'string' &&
    typeof value.subject === 'string' &&
    typeof value.destructive === 'boolean' &&
    isRecord(value.request) &&
    typeof value.request.kind === 'string' &&
    Array.isArray(value.calls) &&
    Array.isArray(value.preflight) &&
    Array.isArray(value.warnings) &&
    Array.isArray(value.resources) &&
    value.resources.every((r) => typeof r === 'string')
  );
}

function isStep(value: unknown): value is RunStepMark {
  return (
    isRecord(value) &&
    typeof value.stepId === 'string' &&
    typeof value.description === 'string' &&
    typeof value.at === 'number' &&
    (value.note === undefined || typeof value.note === 'string') &&
    (value.detail === undefined || isRecord(value.detail))
  );
}

/** Serialises a step for storage (and for the memory twin's copy of the same rules). */
export function encodeStep(step: RunStepMark): string {
  return JSON.stringify(step);
}

/** Decodes a request hash (HGETALL) into an Approval. */
export function decodeApproval(key: string, fields: Fields): Approval {
  const need = (name: string): string => {
    const value = fields[name];
    if (value === undefined) throw corrupt(key, `has no ${name} field`);
    return value;
  };
  const int = (name: string): number => {
    const value = Number(need(name));
    if (!Number.isSafeInteger(value)) throw corrupt(key, `has a non-integer ${name}`);
    return value;
  };
  const optInt = (name: string): number | undefined => (fields[name] === undefined ? undefined : int(name));

  const state = need('state') as ApprovalState;
  if (!APPROVAL_STATES.includes(state)) throw corrupt(key, `has an unknown state "${state}"`);
  const plan = parseJson(key, 'plan', need('plan'));
  if (!isPlan(plan)) throw corrupt(key, 'has a plan of the wrong shape');

  const approval: Approval = {
    id: need('id'),
    plan,
    requester: need('requester'),
    requiredApprovals: int('required'),
    state,
    createdAt: int('createdAt'),
    expiresAt: int('expiresAt'),
    updatedAt: int('updatedAt'),
    approvals: [],
  };
  const count = int('approvalCount');
  for (let n = 1; n <= count; n += 1) approval.approvals.push({ userId: need(`vote:${n}`), at: int(`voteAt:${n}`) });

  if (fields.rejectedBy !== undefined) {
    approval.rejection = { userId: fields.rejectedBy, at: int('rejectedAt') };
    if (fields.rejectReason !== undefined) approval.rejection.reason = fields.rejectReason;
  }
  const expiredAt = optInt('expiredAt');
  if (expiredAt !== undefined) approval.expiredAt = expiredAt;
  if (fields.runnerId !== undefined) approval.run = decodeRun(key, fields, int, optInt);
  if (fields.locksReleasedBy !== undefined) {
    approval.locksReleased = {
      userId: fields.locksReleasedBy,
      at: int('locksReleasedAt'),
      ...(fields.locksHandedTo !== undefined && { handedTo: fields.locksHandedTo }),
    };
  }
  return approval;
}

function decodeRun(key: string, fields: Fields, int: (name: string) => number, optInt: (name: string) => number | undefined): ApprovalRun {
  const step = (field: string): RunStepMark => {
    const value = parseJson(key, field, fields[field] ?? '');
    if (!isStep(value)) throw corrupt(key, `has a ${field} of the wrong shape`);
    return value;
  };
  const run: ApprovalRun = {
    runnerId: fields.runnerId ?? '',
    claimedAt: int('claimedAt'),
    leaseExpiresAt: int('leaseExpiresAt'),
    steps: [],
  };
  const steps = optInt('stepCount') ?? 0;
  for (let n = 1; n <= steps; n += 1) run.steps.push(step(`step:${n}`));
  const startedAt = optInt('startedAt');
  if (startedAt !== undefined) run.startedAt = startedAt;
  if (fields.currentStep !== undefined) run.currentStep = step('currentStep');
  const finishedAt = optInt('finishedAt');
  if (finishedAt !== undefined) run.finishedAt = finishedAt;
  if (fields.message !== undefined) run.message = fields.message;
  if (fields.detail !== undefined) {
    const detail = parseJson(key, 'detail', fields.detail);
    if (!isRecord(detail)) throw corrupt(key, 'has a run detail that is not an object');
    run.detail = detail;
  }
  if (fields.interruptedBy !== undefined) run.interruptedBy = fields.interruptedBy;
  return run;
}

/** A request's plan field alone (HGET), checked as decodeApproval checks it. */
export function decodePlan(key: string, raw: string): Plan {
  const plan = parseJson(key, 'plan', raw);
  if (!isPlan(plan)) throw corrupt(key, 'has a plan of the wrong shape');
  return plan;
}

/** One field of the last-runs hash: `<kind>:<runbook>` -> `{"approvalId","finishedAt"}`. */
export function decodeLastRun(key: string, field: string, raw: string): LastRun {
  const colon = field.indexOf(':');
  const kind = field.slice(0, colon);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = null;
  }
  if ((kind !== 'failover' && kind !== 'restore') || !isRecord(value) || typeof value.approvalId !== 'string') {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `"${field}" at key "${key}" is not a last run`, { key });
  }
  const finishedAt = value.finishedAt;
  if (typeof finishedAt !== 'number' || !Number.isSafeInteger(finishedAt)) {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `"${field}" at key "${key}" has no finish time`, { key });
  }
  return { kind, runbook: field.slice(colon + 1), approvalId: value.approvalId, finishedAt };
}

/**
 * True when an XRANGE entry of the audit stream is an approval's (it names one): the stream also
 * holds the incident entries of the audit log (audit-log.ts), which approval readers skip.
 */
export function isApprovalStreamEntry(key: string, entry: unknown): boolean {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw corrupt(key, 'audit stream has a malformed entry');
  return pairsToFields(entry[1], `${key}#${entry[0]}`).approval !== undefined;
}

/** Decodes one XRANGE entry ([id, [field, value, ...]]) of the audit stream. */
export function decodeAuditEntry(key: string, entry: unknown): ApprovalAuditEntry {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw corrupt(key, 'audit stream has a malformed entry');
  const id = entry[0];
  const fields = pairsToFields(entry[1], `${key}#${id}`);
  const type = fields.type as AuditType;
  const at = Number(fields.at);
  if (!AUDIT_TYPES.includes(type) || fields.approval === undefined || !Number.isSafeInteger(at)) {
    throw corrupt(`${key}#${id}`, 'is not an audit entry');
  }
  const result: ApprovalAuditEntry = { id, type, approvalId: fields.approval, at };
  if (fields.actor) result.actor = fields.actor;
  if (fields.detail) result.detail = fields.detail;
  return result;
}
