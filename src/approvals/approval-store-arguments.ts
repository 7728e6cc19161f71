import { StoreError } from '../store/store-error.js';
import type { AuditQuery } from './approval-audit.js';

// Argument checks shared by both approval stores, so they refuse the same mistakes the same way.

/** Audit positions look like Redis Stream ids: `<ms>-<seq>`. */
const AUDIT_ID = /^\d+-\d+$/;

/** Rejects a limit outside 1..max or a malformed `sinceId`. */
export function assertAuditQuery(query: AuditQuery, max: number): void {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > max) {
    throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `audit limit must be a whole number from 1 to ${max}, got ${query.limit}`);
  }
  if (query.sinceId !== undefined && !AUDIT_ID.test(query.sinceId)) {
    throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `audit sinceId must look like "1700000000000-0", got "${query.sinceId}"`);
  }
}

/** Rejects a non-positive or fractional batch size for sweeps. */
export function assertBatchLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new StoreError('LIFEBOAT_STORE_INVALID_ARGUMENT', `batch limit must be a positive whole number, got ${limit}`);
  }
}

/** The plan's resources without duplicates, in their first order (a resource is locked once). */
export function uniqueResources(resources: readonly string[]): string[] {
  return [...new Set(resources)];
}

/** Compares two audit positions (`<ms>-<seq>`) numerically. */
export function compareAuditIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}
