/**
 * RDS instance and cluster identifiers: "Must contain from 1 to 63 letters, numbers, or hyphens.
 * First character must be a letter. Can't end with a hyphen or contain two consecutive hyphens."
 * (RestoreDBInstanceFromDBSnapshot.DBInstanceIdentifier, RestoreDBClusterFromSnapshot.DBClusterIdentifier,
 * CreateDBInstance.DBInstanceIdentifier; SDK model docs). RDS stores them lower-case.
 */
export const RDS_IDENTIFIER_MAX_LENGTH = 63;
const VALID = /^[a-z](?:[a-z0-9]|-(?!-))*$/;

/** True when `id` satisfies the RDS identifier rules above. */
export function isValidRdsIdentifier(id: string): boolean {
  return id.length >= 1 && id.length <= RDS_IDENTIFIER_MAX_LENGTH && VALID.test(id) && !id.endsWith('-');
}

/** `20261121-120000` (UTC), the part that makes each restore's identifier unique to the second. */
function stamp(epochMs: number): string {
  const iso = new Date(epochMs).toISOString(); // 2026-11-21T12:00:00.000Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** Lower-case, invalid characters to hyphens, no double or edge hyphens, starting with a letter. */
function clean(base: string): string {
  const cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  if (cleaned === '') return 'db';
  return /^[a-z]/.test(cleaned) ? cleaned : `db-${cleaned}`;
}

/**
 * The identifier for what a restore creates: `<source>-restore-<yyyymmdd>-<hhmmss>[-<suffix>]`,
 * the source shortened as needed so the whole stays within 63 characters and valid.
 * `suffix` names a second resource of the same restore (`w` for a cluster's writer instance);
 * `word` is `drill` for a restore drill's temporary resources (SPEC §10: `<source>-drill-<stamp>`).
 */
export function deriveRestoreIdentifier(source: string, atEpochMs: number, suffix?: string, word = 'restore'): string {
  const tail = `-${word}-${stamp(atEpochMs)}${suffix ? `-${clean(suffix)}` : ''}`;
  const room = RDS_IDENTIFIER_MAX_LENGTH - tail.length;
  const base = clean(source).slice(0, room).replace(/-+$/, '');
  return `${base}${tail}`;
}
