import type { Clock } from '../../core/clock.js';
import { DRILL_MESSAGE_REF_TTL_MS, type DrillMessageRef, type DrillMessageRefs } from '../../drills/drill-message-refs.js';

/** Single replica only: in process memory, lost on restart (with the outbox entries that need it). */
export class MemoryDrillMessageRefs implements DrillMessageRefs {
  private readonly refs = new Map<string, { ref: DrillMessageRef; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  async get(runId: string): Promise<DrillMessageRef | null> {
    const entry = this.refs.get(runId);
    if (!entry || entry.expiresAt <= this.clock.now()) return null;
    return { ...entry.ref };
  }

  async save(runId: string, ref: DrillMessageRef): Promise<void> {
    this.refs.set(runId, { ref: { channel: ref.channel, ts: ref.ts }, expiresAt: this.clock.now() + DRILL_MESSAGE_REF_TTL_MS });
  }
}
