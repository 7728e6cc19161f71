import type { Silence } from '../../noise/silence.js';
import {
  MAINTENANCE_ACTOR,
  silencedDetail,
  UNSILENCED_DETAIL,
  windowEndedEarlyDetail,
  windowField,
  type WindowEnd,
  type MutedIncident,
  type SilenceAuditEntry,
  type SilenceStore,
} from '../../noise/silence-store.js';

/** The in-memory twin of RedisSilenceStore: one process, lost on restart. */
export class MemorySilenceStore implements SilenceStore {
  private readonly silences = new Map<string, Silence>();
  private readonly audit: SilenceAuditEntry[] = [];
  private readonly muted = new Map<string, string>();
  private readonly reminders = new Map<string, number>();
  private readonly openWindows = new Map<string, Silence>();
  private readonly windowEnds = new Map<string, WindowEnd>();
  private sequence = 0;

  async setSilence(silence: Silence): Promise<void> {
    this.silences.set(silence.checkId, { ...silence });
    this.append('silenced', silence.checkId, silence.by ?? '', silence.since, silencedDetail(silence));
  }

  async endSilence(checkId: string, actor: string, at: number): Promise<Silence | null> {
    const silence = this.silences.get(checkId);
    if (!silence) return null;
    this.silences.delete(checkId);
    this.append('unsilenced', checkId, actor, at, UNSILENCED_DETAIL);
    return silence;
  }

  async listSilences(): Promise<Silence[]> {
    return [...this.silences.values()].map((s) => ({ ...s }));
  }

  async pruneSilences(now: number): Promise<void> {
    for (const [checkId, silence] of this.silences) if (silence.until <= now) this.silences.delete(checkId);
    for (const [field, end] of this.windowEnds) if (end.until <= now) this.windowEnds.delete(field);
  }

  async readSilenceAudit(limit: number): Promise<SilenceAuditEntry[]> {
    return this.audit.slice(0, limit).map((e) => ({ ...e }));
  }

  async auditWindowOpened(window: Silence): Promise<boolean> {
    const field = windowField(window);
    if (this.openWindows.has(field) || this.windowEnds.has(field)) return false;
    this.openWindows.set(field, { ...window });
    this.append('silenced', window.checkId, MAINTENANCE_ACTOR, window.since, silencedDetail(window));
    return true;
  }

  async listOpenWindows(): Promise<Silence[]> {
    return [...this.openWindows.values()].map((w) => ({ ...w }));
  }

  async auditWindowClosed(window: Silence, at: number, detail: string): Promise<boolean> {
    if (!this.openWindows.delete(windowField(window))) return false;
    this.append('unsilenced', window.checkId, MAINTENANCE_ACTOR, at, detail);
    return true;
  }

  async endWindow(window: Silence, actor: string, at: number): Promise<boolean> {
    const field = windowField(window);
    if (this.windowEnds.has(field)) return false;
    this.windowEnds.set(field, { checkId: window.checkId, since: window.since, until: window.until, endedAt: at, endedBy: actor });
    this.openWindows.delete(field);
    this.append('unsilenced', window.checkId, actor, at, windowEndedEarlyDetail(window));
    return true;
  }

  async listWindowEnds(): Promise<WindowEnd[]> {
    return [...this.windowEnds.values()].map((e) => ({ ...e }));
  }

  async markMuted({ incidentId, checkId }: MutedIncident): Promise<void> {
    this.muted.set(incidentId, checkId);
  }

  async listMuted(): Promise<MutedIncident[]> {
    return [...this.muted].map(([incidentId, checkId]) => ({ incidentId, checkId }));
  }

  async claimMuted(incidentId: string): Promise<boolean> {
    return this.muted.delete(incidentId);
  }

  async scheduleReminder(incidentId: string, dueAt: number): Promise<void> {
    this.reminders.set(incidentId, dueAt);
  }

  async claimDueReminders(now: number, limit: number): Promise<Array<{ incidentId: string; dueAt: number }>> {
    const due = [...this.reminders]
      .filter(([, dueAt]) => dueAt <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit);
    for (const [incidentId] of due) this.reminders.delete(incidentId);
    return due.map(([incidentId, dueAt]) => ({ incidentId, dueAt }));
  }

  async cancelReminder(incidentId: string): Promise<void> {
    this.reminders.delete(incidentId);
  }

  private append(type: SilenceAuditEntry['type'], checkId: string, actor: string, at: number, detail: string): void {
    this.sequence += 1;
    this.audit.push({ id: `${at}-${this.sequence}`, type, checkId, at, actor, detail });
  }
}
