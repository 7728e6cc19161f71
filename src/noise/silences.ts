import type { MaintenanceWindow } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { formatConfigDuration } from '../core/format-time.js';
import { isInForce, longestInForce, MAX_SILENCE_MS, MAX_SILENCE_REASON, type Silence } from './silence.js';
import { windowField, type SilenceStore, type WindowEnd } from './silence-store.js';

/** The answer to a silence command. */
export type SilenceOutcome = { ok: true; silence: Silence } | { ok: false; message: string };

/** The answer to `/dr unsilence`: what it ended (a command silence, windows in force), as they were. */
export type UnsilenceOutcome = { ok: true; ended: Silence[] } | { ok: false; message: string };

export interface SilencesOptions {
  store: SilenceStore;
  clock: Clock;
  /** Configured check ids: a silence names one of them. */
  checkIds: readonly string[];
  maintenance: readonly MaintenanceWindow[];
}

/**
 * Which checks are silenced, and when (SPEC §9): command silences from the store and maintenance
 * windows from the config (with the early ends `/dr unsilence` recorded in the store), read as one
 * list. Never longer than asked: a silence is in force from its start until its end or early end,
 * and nothing extends it.
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

  /**
   * `/dr unsilence <check>`: ends now what mutes the check, each end audited with the actor: its
   * command silence, and its share of every maintenance window in force (recorded in the store, so
   * every replica honours it; the window's other checks stay silenced).
   */
  async unsilence(checkId: string, actor: string): Promise<UnsilenceOutcome> {
    if (!this.checkIds.has(checkId)) return { ok: false, message: `\`${checkId}\` is not a check id.` };
    const now = this.options.clock.now();
    const ended: Silence[] = [];
    const [stored, ends] = await Promise.all([this.options.store.listSilences(), this.options.store.listWindowEnds()]);
    // One that already ran out (not pruned yet) is not ended again: the audit would say "ended early".
    if (stored.some((s) => s.checkId === checkId && isInForce(s, now))) {
      const command = await this.options.store.endSilence(checkId, actor, now);
      if (command && isInForce(command, now)) ended.push(command);
    }
    for (const window of this.windowsFor(checkId, ends)) {
      // Only a window in force is ended: one to come is left to the config, never opened or moved.
      if (isInForce(window, now) && (await this.options.store.endWindow(window, actor, now))) ended.push(window);
    }
    if (ended.length === 0) return { ok: false, message: `\`${checkId}\` is not silenced.` };
    return { ok: true, ended };
  }

  /**
   * Maintenance windows (one silence per check) that opened after `after` and by `now`; with no
   * `after`, those in force. A window ended early is not among them: it does not open again.
   */
  async windowsOpened(after: number | null, now: number): Promise<Silence[]> {
    const opened = this.options.maintenance
      .filter((w) => (after === null ? w.start <= now && now < w.end : after < w.start && w.start <= now && now < w.end))
      .flatMap((w) => w.checks.filter((checkId) => this.checkIds.has(checkId)).map((checkId) => windowSilence(w, checkId)));
    if (opened.length === 0) return opened;
    const ends = endsByWindow(await this.options.store.listWindowEnds());
    return opened.filter((window) => !ends.has(windowField(window)));
  }

  /** True while the config still has `window` (same check, start and end) for a configured check. */
  hasWindow(window: Pick<Silence, 'checkId' | 'since' | 'until'>): boolean {
    return (
      this.checkIds.has(window.checkId) &&
      this.options.maintenance.some((w) => w.start === window.since && w.end === window.until && w.checks.includes(window.checkId))
    );
  }

  private async all(): Promise<Silence[]> {
    const [stored, ends] = await Promise.all([this.options.store.listSilences(), this.windowEnds()]);
    return [
      ...stored,
      ...this.options.maintenance.flatMap((w) =>
        w.checks.flatMap((checkId) => (this.checkIds.has(checkId) ? [windowSilence(w, checkId, ends)] : [])),
      ),
    ];
  }

  /** Early ends, read only when the config has windows (most deployments have none). */
  private async windowEnds(): Promise<ReadonlyMap<string, WindowEnd>> {
    return this.options.maintenance.length === 0 ? new Map() : endsByWindow(await this.options.store.listWindowEnds());
  }

  private windowsFor(checkId: string, ends: readonly WindowEnd[]): Silence[] {
    const byWindow = endsByWindow(ends);
    return this.options.maintenance.filter((w) => w.checks.includes(checkId)).map((w) => windowSilence(w, checkId, byWindow));
  }
}

function endsByWindow(ends: readonly WindowEnd[]): Map<string, WindowEnd> {
  return new Map(ends.map((end) => [windowField(end), end]));
}

/** One check's share of a window; an early end recorded for exactly this window (check, start, end) shortens it. */
function windowSilence(window: MaintenanceWindow, checkId: string, ends: ReadonlyMap<string, WindowEnd> = new Map()): Silence {
  const silence: Silence = { checkId, since: window.start, until: window.end, reason: window.reason, source: 'maintenance' };
  const end = ends.get(windowField(silence));
  return end ? { ...silence, endedAt: end.endedAt, endedBy: end.endedBy } : silence;
}
