import type { Clock } from '../core/clock.js';
import type { Incident } from '../core/incident.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';
import type { NoiseGate } from './noise-gate.js';
import { reminderText, silenceEndedText } from './reminder-text.js';
import { WINDOW_ENDED_DETAIL, WINDOW_REMOVED_DETAIL, type SilenceStore } from './silence-store.js';
import type { Silences } from './silences.js';

/** Reminders claimed per store call. */
const REMINDER_BATCH = 100;

export interface NoiseSweeperOptions {
  gate: NoiseGate;
  silences: Silences;
  store: SilenceStore;
  incidents: Pick<Store, 'getIncident'>;
  clock: Clock;
  logger: Logger;
  remindEveryMs: ReadonlyMap<string, number>;
  /** How often the leader looks; a silence's end is noticed within this. */
  intervalMs: number;
}

/**
 * The leader's timer for what falls due with nobody acting (SPEC §9): maintenance windows that
 * open and close are audited (SPEC §11), incidents whose silence ended while they stayed open are
 * announced and paged, and reminders are posted. Every item is claimed atomically in the store
 * before it is acted on, so a replica that still thinks it leads, or the next leader, cannot
 * audit or announce it a second time.
 */
export class NoiseSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;
  /** When this term's previous sweep looked for opened maintenance windows; null at a term's start. */
  private windowsCheckedAt: number | null = null;

  constructor(private readonly options: NoiseSweeperOptions) {}

  /** Starts sweeping (on becoming leader): at once, then every interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.windowsCheckedAt = null;
    this.schedule(0);
  }

  /** Stops (on demotion or shutdown) and waits for a sweep in progress. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One sweep now (or the one in progress). */
  sweep(): Promise<void> {
    if (!this.running) {
      this.running = this.sweepOnce().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sweep().finally(() => {
        if (this.started) this.schedule(this.options.intervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async sweepOnce(): Promise<void> {
    try {
      await this.markOpenedWindows();
      await this.auditClosedWindows();
      await this.announceEnded();
      await this.remindDue();
      await this.options.store.pruneSilences(this.options.clock.now());
    } catch (err) {
      this.options.logger.error({ err }, 'noise sweep failed; trying again on the next one. Check REDIS_URL and that Redis is up');
    }
  }

  /**
   * A maintenance window that opened: audited once (at its start, by the config), and its checks'
   * open incidents show it and are owed the announcement at its end, as with a command silence. A
   * new term looks at every window in force: marking twice is harmless, and the store audits each
   * opening once. A window that opens and ends while no replica leads is not audited.
   */
  private async markOpenedWindows(): Promise<void> {
    const { clock, silences, store, gate, logger } = this.options;
    const now = clock.now();
    for (const window of await silences.windowsOpened(this.windowsCheckedAt, now)) {
      if (await store.auditWindowOpened(window)) {
        logger.info(
          { checkId: window.checkId, until: window.until },
          `maintenance window on ${window.checkId} opened, until ${new Date(window.until).toISOString()}: ${window.reason}`,
        );
      }
      await gate.silenced(window);
    }
    this.windowsCheckedAt = now;
  }

  /**
   * An audited window that ended (audited at its end) or that the config no longer has (audited
   * now: the new config ended it). Read from the store, so a window removed from the config while
   * a former leader had it open is closed too.
   */
  private async auditClosedWindows(): Promise<void> {
    const { clock, silences, store, logger } = this.options;
    const now = clock.now();
    for (const window of await store.listOpenWindows()) {
      const ended = window.until <= now;
      if (!ended && silences.hasWindow(window)) continue;
      const detail = ended ? WINDOW_ENDED_DETAIL : WINDOW_REMOVED_DETAIL;
      if (await store.auditWindowClosed(window, ended ? window.until : now, detail)) {
        logger.info({ checkId: window.checkId }, `${detail} on ${window.checkId}`);
      }
    }
  }

  /** Muted incidents whose check is no longer silenced: announced once, if still open. */
  private async announceEnded(): Promise<void> {
    const { store, silences, incidents, clock, gate, logger } = this.options;
    for (const muted of await store.listMuted()) {
      if (await silences.inForceFor(muted.checkId)) continue;
      if (!(await store.claimMuted(muted.incidentId))) continue; // another sweep took it
      const incident = await incidents.getIncident(muted.incidentId);
      if (!incident || incident.state === 'resolved') continue;
      logger.info(
        { incidentId: incident.id, checkId: incident.checkId },
        `${incident.id}: silence on ${incident.checkId} ended with it still open; announcing`,
      );
      await gate.announce(incident, silenceEndedText(incident, clock.now()));
    }
  }

  /** Reminders due: posted in the thread, and the next one set, until the incident resolves. */
  private async remindDue(): Promise<void> {
    const { store, clock } = this.options;
    for (;;) {
      const due = await store.claimDueReminders(clock.now(), REMINDER_BATCH);
      for (const { incidentId, dueAt } of due) await this.remind(incidentId, dueAt);
      if (due.length < REMINDER_BATCH) return;
    }
  }

  private async remind(incidentId: string, dueAt: number): Promise<void> {
    const { store, incidents, clock, gate, remindEveryMs, logger } = this.options;
    const incident: Incident | null = await incidents.getIncident(incidentId);
    if (!incident || incident.state === 'resolved') return;
    const every = remindEveryMs.get(incident.checkId);
    if (every === undefined) return; // remindEvery was removed from the config
    const now = clock.now();
    // A leader that was down does not post the missed reminders one after another.
    const next = dueAt + every > now ? dueAt + every : now + every;
    if (await gate.silenceOf(incident)) {
      await store.scheduleReminder(incidentId, next); // silenced: nothing new in Slack, keep the rhythm
      return;
    }
    // Acknowledged is still open (SPEC §9): reminded every interval too, the line naming who has it.
    gate.remind(incidentId, reminderText(incident, now));
    logger.info({ incidentId, checkId: incident.checkId, state: incident.state }, `${incidentId}: reminded, still ${incident.state}`);
    await store.scheduleReminder(incidentId, next);
  }
}
