import type { Clock } from '../core/clock.js';
import type { Incident } from '../core/incident.js';
import { eventOf, type IncidentChange, type IncidentListener } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import type { Store } from '../store/store.js';
import type { Silence } from './silence.js';
import type { SilenceStore } from './silence-store.js';
import type { Silences } from './silences.js';

/** What the gate drives in Slack (the incident notifier). */
export interface SlackNoiseTarget {
  /** A change, announced: the message posted or updated, a thread reply per event. */
  post: IncidentListener;
  /** Re-renders the incident's message in place when it exists; never posts a new one. */
  refresh(incidentId: string): void;
  /** A line in the incident's thread. */
  note(incidentId: string, text: string): void;
}

export interface NoiseGateOptions {
  silences: Silences;
  store: SilenceStore;
  clock: Clock;
  logger: Logger;
  /** `remindEvery` per check id (SPEC §9). */
  remindEveryMs: ReadonlyMap<string, number>;
  /** The store's open incidents, for a silence set on a check that already has one. */
  incidents: Pick<Store, 'listOpenIncidents'>;
}

/**
 * The one place where a silence (SPEC §9) decides whether an incident change is announced: the
 * engine's changes reach paging and Slack only through here. Silenced, a change is committed (the
 * store and metrics have it) but pages nobody and posts nothing new; the message, when it exists,
 * is re-rendered to say it is silenced; and the incident is noted as owed an announcement, which
 * the leader's sweep makes when the silence ends. Acknowledge and resolve always reach paging:
 * the queue only follows up on an incident that was paged, so they never page anybody.
 */
export class NoiseGate {
  private pager: IncidentListener | null = null;
  private holdEscalation: ((incidentId: string) => Promise<void>) | null = null;
  private slack: SlackNoiseTarget | null = null;

  constructor(private readonly options: NoiseGateOptions) {}

  /**
   * Paging's listener (pager.onIncidentChange), and how an armed escalation timer is taken back
   * while silenced (pager.holdEscalation); returns the detach function.
   */
  attachPager(listener: IncidentListener, holdEscalation?: (incidentId: string) => Promise<void>): () => void {
    this.pager = listener;
    this.holdEscalation = holdEscalation ?? null;
    return () => {
      if (this.pager === listener) {
        this.pager = null;
        this.holdEscalation = null;
      }
    };
  }

  /** Slack's notifier; returns the detach function. */
  attachSlack(target: SlackNoiseTarget): () => void {
    this.slack = target;
    return () => {
      if (this.slack === target) this.slack = null;
    };
  }

  /** Subscribe this to the incident engine, before anything else that announces. */
  readonly listener = async (change: IncidentChange): Promise<void> => {
    const { incident, event } = change;
    await this.trackReminder(change);
    const silence = await this.silenceOf(incident);
    if (!silence) {
      await this.pager?.(change);
      await this.slack?.post(change);
      return;
    }
    const closing = incident.state === 'resolved' || event?.type === 'acknowledged';
    if (closing) {
      await this.pager?.(change);
      if (incident.state === 'resolved') await this.options.store.claimMuted(incident.id); // nothing owed any more
    } else {
      await this.options.store.markMuted({ incidentId: incident.id, checkId: incident.checkId });
      // A timer armed before the silence must not page during it; the announcement re-arms it.
      await this.holdEscalation?.(incident.id);
    }
    this.slack?.refresh(incident.id);
    this.options.logger.info(
      {
        incidentId: incident.id,
        checkId: incident.checkId,
        event: event?.type,
        silencedUntil: silence.until,
        silenceSource: silence.source,
      },
      `${incident.id} ${event?.type ?? 'updated'} while ${incident.checkId} is silenced until ${new Date(silence.until).toISOString()}: nobody paged, nothing new posted`,
    );
  };

  /**
   * Announces an incident whose silence ended while it stayed open: posted (or its message
   * updated) with a thread line saying so, and paged by policy as if it had just opened; an
   * acknowledged one is not paged, somebody has it.
   */
  async announce(incident: Incident, why: string): Promise<void> {
    const at = this.options.clock.now();
    if (incident.state === 'open') {
      await this.pager?.({ incident, event: eventOf('opened', incident, at) });
    }
    await this.slack?.post({ incident });
    this.slack?.note(incident.id, why);
  }

  /**
   * A silence was set on a check: its open incidents' messages say so now, and each is owed the
   * announcement at the silence's end, so its message never keeps showing an ended silence.
   */
  readonly silenced = async (silence: Silence): Promise<void> => {
    try {
      for (const incident of await this.options.incidents.listOpenIncidents()) {
        if (incident.checkId !== silence.checkId) continue;
        await this.options.store.markMuted({ incidentId: incident.id, checkId: incident.checkId });
        await this.holdEscalation?.(incident.id);
        this.slack?.refresh(incident.id);
      }
    } catch (err) {
      this.options.logger.error({ err, checkId: silence.checkId }, `could not mark the open incidents of ${silence.checkId} silenced`);
    }
  };

  /** Posts a reminder line in the incident's thread. */
  remind(incidentId: string, text: string): void {
    this.slack?.note(incidentId, text);
  }

  /** Silence in force for the incident's check; a store that does not answer announces rather than hides. */
  async silenceOf(incident: Incident): Promise<Silence | null> {
    try {
      return await this.options.silences.inForceFor(incident.checkId);
    } catch (err) {
      this.options.logger.error(
        { err, incidentId: incident.id },
        `could not read silences for ${incident.checkId}; announcing ${incident.id} as if unsilenced. Check REDIS_URL and Redis`,
      );
      return null;
    }
  }

  /** An incident of a check with `remindEvery` gets its first reminder one interval after it opened. */
  private async trackReminder({ incident, event }: IncidentChange): Promise<void> {
    const every = this.options.remindEveryMs.get(incident.checkId);
    if (every === undefined) return;
    try {
      if (event?.type === 'opened') await this.options.store.scheduleReminder(incident.id, incident.openedAt + every);
      else if (incident.state === 'resolved') await this.options.store.cancelReminder(incident.id);
    } catch (err) {
      this.options.logger.error({ err, incidentId: incident.id }, `could not record the reminder of ${incident.id}`);
    }
  }
}
