import { COMPONENT_STATUSES, STATUS_PAGE_STATES } from '../core/action-request.js';
import { StoreError } from '../store/store-error.js';
import { STATUS_PAGE_IMPACTS, type StatusPageImpact } from './status-page.js';
import type { ComponentRecord, PublishedIncidentRecord, PublishedUpdateRecord } from './statuspage-store.js';

type Fields = Record<string, unknown>;

const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isState = (v: unknown): boolean => (STATUS_PAGE_STATES as readonly unknown[]).includes(v);
const isComponentStatus = (v: unknown): boolean => (COMPONENT_STATUSES as readonly unknown[]).includes(v);
const isEpochMs = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** True when `value` has the shape of a PublishedUpdateRecord. */
export function isPublishedUpdateRecord(value: unknown): value is PublishedUpdateRecord {
  return (
    isRecord(value) &&
    isState(value.status) &&
    typeof value.message === 'string' &&
    isEpochMs(value.at) &&
    isRecord(value.components) &&
    Object.values(value.components).every(isComponentStatus)
  );
}

/** True when `value` has the shape of a ComponentRecord. */
export function isComponentRecord(value: unknown): value is ComponentRecord {
  return isRecord(value) && isComponentStatus(value.status) && isEpochMs(value.updatedAt);
}

/**
 * Builds a published incident from its stored hash and updates, checking every field, so a
 * hand-edited key fails with its name instead of rendering nonsense on a public page.
 */
export function decodePublishedIncident(
  key: string,
  id: string,
  hash: Record<string, string>,
  updates: PublishedUpdateRecord[],
): PublishedIncidentRecord {
  const corrupt = (field: string) =>
    new StoreError('LIFEBOAT_STORE_CORRUPT_VALUE', `stored status-page incident at key "${key}" has a bad ${field}`, { key });
  const epoch = (field: string): number => {
    const value = Number(hash[field]);
    if (hash[field] === undefined || !Number.isFinite(value)) throw corrupt(field);
    return value;
  };
  const { title, status, impact } = hash;
  if (title === undefined) throw corrupt('title');
  if (!isState(status)) throw corrupt('status');
  if (impact !== undefined && !(STATUS_PAGE_IMPACTS as readonly string[]).includes(impact)) throw corrupt('impact');
  return {
    id,
    title,
    status: status as PublishedIncidentRecord['status'],
    ...(impact !== undefined && { impact: impact as StatusPageImpact }),
    createdAt: epoch('createdAt'),
    updatedAt: epoch('updatedAt'),
    ...(hash.resolvedAt !== undefined && { resolvedAt: epoch('resolvedAt') }),
    updates,
  };
}
