import type { Clock } from '../../core/clock.js';
import { MESSAGE_REF_TTL_MS, type IncidentMessageRef, type IncidentMessageRefs } from '../../bot/incident-message-refs.js';

/** Single replica only: in process memory, lost on restart (then the next change posts anew). */
export class MemoryIncidentMessageRefs implements IncidentMessageRefs {
  private readonly refs = new Map<string, { ref: IncidentMessageRef; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  async get(incidentId: string): Promise<IncidentMessageRef | null> {
    const entry = this.refs.get(incidentId);
    if (!entry || entry.expiresAt <= this.clock.now()) return null;
    return structuredClone(entry.ref);
  }

  async claim(incidentId: string, ref: IncidentMessageRef): Promise<IncidentMessageRef> {
    const existing = await this.get(incidentId);
    if (existing) return existing;
    await this.save(incidentId, ref);
    return structuredClone(ref);
  }

  async save(incidentId: string, ref: IncidentMessageRef): Promise<void> {
    this.refs.set(incidentId, { ref: structuredClone(ref), expiresAt: this.clock.now() + MESSAGE_REF_TTL_MS });
  }
}
