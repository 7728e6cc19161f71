import type { CheckState } from '../../core/check-state.js';
import type { Incident, IncidentEvent } from '../../core/incident.js';
import { isSeverity } from '../../core/severity.js';
import { StoreError } from '../../store/store-error.js';
import type { QuietPass } from '../../store/store.js';

type Guard<T> = (value: unknown) => value is T;

/**
 * Parses a stored JSON value and checks its shape. A corrupt value (hand-edited key, a writer
 * from another version) becomes a StoreError naming the key, not a TypeError somewhere later.
 */
export function decodeStored<T>(key: string, raw: string, guard: Guard<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored ${what} at key "${key}" is not valid JSON`, {
      key,
      cause: err,
    });
  }
  if (!guard(value)) {
    throw new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored ${what} at key "${key}" does not have the expected shape`, {
      key,
    });
  }
  return value;
}

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (v: unknown): boolean => typeof v === 'string';
const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const optional = (check: (v: unknown) => boolean) => (v: unknown) => v === undefined || check(v);
const isMeasurement = (v: unknown): boolean => isRecord(v) && str(v.kind);

const INCIDENT_STATES: readonly unknown[] = ['open', 'acknowledged', 'resolved'];
const EVENT_TYPES: readonly unknown[] = ['opened', 'escalated', 'deescalated', 'resolved', 'acknowledged', 'child-failed'];

// Shallow checks of the fields the code relies on; deeper parts (measurement detail) are
// rendered, not computed on, so a missing optional field there cannot break a transition.

/** True when `value` has the shape of an Incident. */
export function isIncident(value: unknown): value is Incident {
  return (
    isRecord(value) &&
    str(value.id) &&
    str(value.checkId) &&
    isSeverity(value.severity) &&
    isSeverity(value.peakSeverity) &&
    INCIDENT_STATES.includes(value.state) &&
    num(value.revision) &&
    num(value.openedAt) &&
    num(value.updatedAt) &&
    optional(num)(value.resolvedAt) &&
    optional(str)(value.acknowledgedBy) &&
    optional(num)(value.acknowledgedAt) &&
    optional(str)(value.resolvedBy) &&
    (value.children === undefined || Array.isArray(value.children)) &&
    str(value.summary) &&
    isMeasurement(value.measurement)
  );
}

/** True when `value` has the shape of an IncidentEvent. */
export function isIncidentEvent(value: unknown): value is IncidentEvent {
  return (
    isRecord(value) &&
    EVENT_TYPES.includes(value.type) &&
    str(value.incidentId) &&
    str(value.checkId) &&
    num(value.at) &&
    isSeverity(value.severity) &&
    optional(isSeverity)(value.previousSeverity) &&
    str(value.summary) &&
    isMeasurement(value.measurement) &&
    optional(str)(value.actor) &&
    optional(str)(value.note)
  );
}

/** True when `value` has the shape of a CheckState. */
export function isCheckState(value: unknown): value is CheckState {
  return (
    isRecord(value) &&
    str(value.checkId) &&
    num(value.consecutiveFailures) &&
    num(value.consecutiveSuccesses) &&
    num(value.consecutiveMilder) &&
    (value.milderStreakWorst === null || isSeverity(value.milderStreakWorst)) &&
    (value.openIncidentId === null || str(value.openIncidentId)) &&
    optional(str)(value.joinedIncidentId) &&
    (value.lastResult === null || (isRecord(value.lastResult) && str(value.lastResult.checkId)))
  );
}

/** True when `value` has the shape of a QuietPass (its result must start at a known time: the merge compares it). */
export function isQuietPass(value: unknown): value is QuietPass {
  return (
    isRecord(value) &&
    str(value.checkId) &&
    num(value.consecutiveSuccesses) &&
    isRecord(value.result) &&
    str(value.result.checkId) &&
    num(value.result.startedAt)
  );
}
