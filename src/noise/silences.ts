import type { MaintenanceWindow } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { formatConfigDuration } from '../core/format-time.js';
import { isInForce, longestInForce, MAX_SILENCE_MS, MAX_SILENCE_REASON, type Silence } from './silence.js';
import type { SilenceStore } from './silence-store.js';

/** The answer to a silence command. */
export type SilenceOutcome = { ok: true; silence: Silence } | { ok: false; message: string };

export interface SilencesOptions {
  store: SilenceStore;
  clock: Clock;
  /** Configured check ids: a silence names one of them. */
  checkIds: readonly string[];
  maintenance: readonly MaintenanceWindow[];
}

/**
 * Which checks are silenced, and when (SPEC §9): command silences from the store and maintenance
 * windows from the config, read as one list. Never longer than asked: a silence is in force from
 * its start until its end, and nothing extends it.
 */
export class Silences {
  private readonly checkIds: Set<string>;
  private readonly listeners = new Set<(silence: Silence) => Promise<void>>();

  constructor(private readonly options: SilencesOptions) {
    this.checkIds = new Set(options.checkIds);
  }

  /** Called after a command silence was set (the gate marks the check's open incidents silenced). */
  onSilenced(listener: (silence: Silence) => Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Silences that cover `checkId` at `now`, the one ending last; null when none does. */
  async inForceFor(checkId: string, now = this.options.clock.now()): Promise<Silence | null> {
    return longestInForce([...(await this.all()).filter((s) => s.checkId === checkId)], now);
  }

  /** Every silence in force or still to come (maintenance windows not yet closed), soonest end first. */
  async current(now = this.options.clock.now()): Promise<Silence[]> {
    return (await this.all()).filter((s) => s.until > now).sort((a, b) => a.until - b.until || a.checkId.localeCompare(b.checkId));
  }

  /** `/dr silence <check> <duration> <reason>`: validated, stored, audited. */
  async silence(checkId: string, durationMs: number, reason: string, actor: string): Promise<SilenceOutcome> {
    if (!this.checkIds.has(checkId)) return { ok: false, message: `\`${checkId}\` is not a check id.` };
    if (!(durationMs > 0)) return { ok: false, message: 'The duration must be longer than 0.' };
    if (durationMs > MAX_SILENCE_MS) {
      return { ok: false, message: `${formatConfigDuration(durationMs)} is longer than the 7 days a silence may last (7d at most).` };
    }
    const trimmed = reason.trim();
    if (!trimmed) return { ok: false, message: 'Say why: a reason is required.' };
    if (trimmed.length > MAX_SILENCE_REASON) {
      return { ok: false, message: `The reason is ${trimmed.length} characters; at most ${MAX_SILENCE_REASON}.` };
    }
    const now = this.options.clock.now();
    const silence: Silence = { checkId, since: now, until: now + durationMs, by: actor, reason: trimmed, source: 'command' };
    await this.options.store.setSilence(silence);
    for (const listener of this.listeners) await listener(silence);
    return { ok: true, silence };
  }

  /** `/dr unsilence <check>`: ends the command silence early, audited. */
  async unsilence(checkId: string, actor: string): Promise<SilenceOutcome> {
    if (!this.checkIds.has(checkId)) return { ok: false, message: `\`${checkId}\` is not a check id.` };
    const now = this.options.clock.now();
    const ended = await this.options.store.endSilence(checkId, actor, now);
    if (ended && isInForce(ended, now)) return { ok: true, silence: ended };
    const window = this.windowsFor(checkId).find((s) => isInForce(s, now));
    if (window) {
      return {
        ok: false,
        message: `\`${checkId}\` is in a maintenance window until ${new Date(window.until).toISOString()} (${window.reason}); windows are ended by changing the config.`,
      };
    }
    return { ok: false, message: `\`${checkId}\` is not silenced.` };
  }

  /** Maintenance windows (one silence per check) that opened after `after` and by `now`; with no `after`, those in force. */
  windowsOpened(after: number | null, now: number): Silence[] {
    return this.options.maintenance
      .filter((w) => (after === null ? w.start <= now && now < w.end : after < w.start && w.start <= now && now < w.end))
      .flatMap((w) => w.checks.filter((checkId) => this.checkIds.has(checkId)).map((checkId) => windowSilence(w, checkId)));
  }

  /** True while the config still has `window` (same check, start and end) for a configured check. */
  hasWindow(window: Pick<Silence, 'checkId' | 'since' | 'until'>): boolean {
    return (
      this.checkIds.has(window.checkId) &&
      this.options.maintenance.some((w) => w.start === window.since && w.end === window.until && w.checks.includes(window.checkId))
    );
  }

  private async all(): Promise<Silence[]> {
    const stored = await this.options.store.listSilences();
    return [
      ...stored,
      ...this.options.maintenance.flatMap((w) =>
        w.checks.flatMap((checkId) => (this.checkIds.has(checkId) ? [windowSilence(w, checkId)] : [])),
      ),
    ];
  }

  private windowsFor(checkId: string): Silence[] {
    return this.options.maintenance.filter((w) => w.checks.includes(checkId)).map((w) => windowSilence(w, checkId));
  }
}

function windowSilence(window: MaintenanceWindow, checkId: string): Silence {
  return { checkId, since: window.start, until: window.end, reason: window.reason, source: 'maintenance' };
}
