import { LifeboatError } from '../../core/lifeboat-error.js';

/** Plain JSON: an entry is stored in Redis and read back by any replica, possibly another version. */
export type OutboxData = Record<string, string | number | boolean | null>;

/**
 * One piece of Slack work, as data: what to deliver, not how. Rendered at delivery time by the
 * handler registered for its `kind` (so a message update shows the newest state in the store).
 */
export interface OutboxEntry {
  /** The FIFO it waits in: `incident:INC-4`, `approval:APR-7`. Lanes are independent. */
  lane: string;
  /** Names the handler: `incident.message`, `approval.reply`, ... */
  kind: string;
  /** Web API methods its delivery may call, so a rate-limited one holds the entry (every replica). */
  methods: string[];
  data: OutboxData;
  /** Epoch ms: Slack is searched from (a little before) here for a post whose answer was lost. */
  enqueuedAt: number;
  /** At most one unclaimed entry with this key waits per lane; later ones merge into it. */
  coalesceKey?: string;
}

const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** Validates a stored entry on read. */
export function isOutboxEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.lane === 'string' &&
    typeof v.kind === 'string' &&
    Array.isArray(v.methods) &&
    v.methods.length > 0 &&
    v.methods.every((m) => typeof m === 'string') &&
    typeof v.data === 'object' &&
    v.data !== null &&
    !Array.isArray(v.data) &&
    Object.values(v.data).every(isScalar) &&
    typeof v.enqueuedAt === 'number' &&
    (v.coalesceKey === undefined || typeof v.coalesceKey === 'string')
  );
}

/** Reads a string field of an entry's data; throws on a malformed entry (it is dropped and logged). */
export function dataString(entry: OutboxEntry, field: string): string {
  const value = entry.data[field];
  if (typeof value !== 'string') throw new MalformedEntry(`outbox entry ${entry.kind} has no string field "${field}"`);
  return value;
}

/** An entry whose data its handler cannot use (written by another version): dropped with an error log. */
export class MalformedEntry extends LifeboatError<'LIFEBOAT_OUTBOX_MALFORMED_ENTRY'> {
  override readonly name = 'MalformedEntry';

  constructor(message: string) {
    super('LIFEBOAT_OUTBOX_MALFORMED_ENTRY', message);
  }
}
