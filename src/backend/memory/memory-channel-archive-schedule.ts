import type { ChannelArchiveSchedule } from '../../bot/channel-archive-schedule.js';

/** One process's archive schedule; lost on restart (use Redis for anything beyond one process). */
export class MemoryChannelArchiveSchedule implements ChannelArchiveSchedule {
  private readonly due = new Map<string, number>();

  async schedule(incidentId: string, dueAt: number): Promise<void> {
    this.due.set(incidentId, dueAt);
  }

  async claimDue(now: number, leaseMs: number, limit: number): Promise<string[]> {
    const taken = [...this.due.entries()]
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([id]) => id);
    for (const id of taken) this.due.set(id, now + leaseMs);
    return taken;
  }

  async done(incidentId: string): Promise<void> {
    this.due.delete(incidentId);
  }
}
