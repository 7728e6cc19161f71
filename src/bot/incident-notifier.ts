import type { Config } from '../config/types.js';
import type { Incident, IncidentEvent } from '../core/incident.js';
import { isAtOrAbove } from '../core/severity.js';
import type { IncidentChange } from '../incidents/incident-engine.js';
import type { Logger } from '../observability/logger.js';
import type { PagingState } from '../paging/paging-state.js';
import { SlackBotError } from './bot-errors.js';
import { incidentMessage } from './blocks/incident-message.js';
import { pagingLine } from './blocks/paging-line.js';
import { channelMention } from './blocks/mentions.js';
import { timelineReply } from './blocks/timeline-reply.js';
import { incidentChannelName } from './incident-channel-name.js';
import type { IncidentMessageRef, IncidentMessageRefs } from './incident-message-refs.js';
import { KeyedQueue, type KeyedQueueOptions } from './keyed-queue.js';
import { linkedRunbooks } from './linked-runbooks.js';
import type { SlackGateway } from './slack-gateway.js';

/** Names tried for one incident channel before giving up (`inc-4-api`, `inc-4-api-2`, ...). */
const CHANNEL_NAME_ATTEMPTS = 5;

/** An incident's paging state as the store has it (`pager.pagingState`); null when never paged. */
export type PagingStateLookup = (incidentId: string) => Promise<PagingState | null>;

export interface IncidentNotifierOptions {
  config: Pick<Config, 'slack' | 'checks' | 'runbooks' | 'pagerduty'>;
  gateway: SlackGateway;
  refs: IncidentMessageRefs;
  /** Operators as user ids, usergroups expanded, for incident channel invites. */
  operatorUserIds: () => Promise<string[]>;
  logger: Logger;
  /** With it, the message shows where PagerDuty paging stands; leave it out when paging is off. */
  pagingState?: PagingStateLookup;
  /**
   * Reads an incident from the store (`store.getIncident`). Paging changes may be seen by a
   * replica that did not see the incident's latest change, or after it was resolved and
   * forgotten here; the stored incident keeps such an update from showing a stale state.
   */
  loadIncident?: (incidentId: string) => Promise<Incident | null>;
  queue?: Partial<Pick<KeyedQueueOptions, 'retryDelaysMs' | 'sleep'>>;
}

/** A queued message update; `mayPost` is false while only paging asked for it. */
interface UpdateJob {
  mayPost: boolean;
}

/**
 * Tells Slack about incidents: one message per incident in `slack.channel`, updated in place on
 * every change, a thread reply per timeline event, and for severe incidents a dedicated channel.
 * `listener` only enqueues, so the monitor never waits; work runs per incident in order.
 */
export class IncidentNotifier {
  private readonly queue: KeyedQueue;
  /** Latest known state per incident: a queued update renders whatever is newest when it runs. */
  private readonly latest = new Map<string, Incident>();
  /** Incidents with an update queued but not started: further changes ride on it. */
  private readonly updateQueued = new Map<string, UpdateJob>();
  private readonly channelQueued = new Set<string>();

  constructor(private readonly options: IncidentNotifierOptions) {
    this.queue = new KeyedQueue({
      logger: options.logger,
      isRetryable: (err) => !(err instanceof SlackBotError) || err.retryable,
      ...options.queue,
    });
  }

  /** Subscribe this to the incident engine. Never throws, never waits on Slack. */
  readonly listener = (change: IncidentChange): void => {
    const { incident, event } = change;
    const id = incident.id;
    this.latest.set(id, incident);
    const queued = this.updateQueued.get(id);
    if (queued) queued.mayPost = true;
    else this.enqueueUpdate(id, 'message update', { mayPost: true });
    if (event && event.type !== 'opened') this.queue.enqueue(id, `${event.type} thread reply`, () => this.reply(event));
    if (this.wantsChannel(incident) && !this.channelQueued.has(id)) {
      this.channelQueued.add(id);
      this.queue.enqueue(id, 'incident channel', () => this.ensureChannel(id));
    }
    if (incident.state === 'resolved') {
      // Last in line for this incident: forget it unless it changed again meanwhile.
      this.queue.enqueue(id, 'cleanup', async () => {
        if (this.latest.get(id) === incident) this.latest.delete(id);
      });
    }
  };

  /**
   * Subscribe this to the pager's paging state changes: re-renders the incident's message in
   * place. Never posts a message (the first post shows the state of its time), never waits.
   */
  readonly onPagingChange = (incidentId: string): void => {
    if (!this.options.pagingState || this.updateQueued.has(incidentId)) return;
    this.enqueueUpdate(incidentId, 'paging update', { mayPost: false });
  };

  /** Where an incident's message lives (for links to it); null before it is posted. */
  /**
   * Posts `text` in the incident's thread (and its incident channel), queued behind the
   * incident's other Slack work; dropped with a warning when the incident was never posted.
   */
  noteOnIncident(incidentId: string, text: string): void {
    this.queue.enqueue(incidentId, 'incident note', async () => {
      const ref = await this.options.refs.get(incidentId);
      if (!ref) {
        this.options.logger.warn({ incidentId }, 'no Slack message for this incident; note not posted');
        return;
      }
      await this.options.gateway.postMessage({ channel: ref.channel, text, threadTs: ref.ts });
      if (ref.incidentChannelId) await this.options.gateway.postMessage({ channel: ref.incidentChannelId, text: `*${incidentId}* ${text}` });
    });
  }

  messageRef(incidentId: string): Promise<IncidentMessageRef | null> {
    return this.options.refs.get(incidentId);
  }

  /** Waits for queued Slack work, at most `timeoutMs`. */
  async drain(timeoutMs?: number): Promise<void> {
    await this.queue.drain(timeoutMs);
  }

  /** Stops retrying (for shutdown); queued work still gets one attempt. */
  stop(): void {
    this.queue.stop();
  }

  private wantsChannel(incident: Incident): boolean {
    const threshold = this.options.config.slack.incidentChannels;
    return threshold !== undefined && incident.state !== 'resolved' && isAtOrAbove(incident.severity, threshold);
  }

  private enqueueUpdate(incidentId: string, label: string, job: UpdateJob): void {
    this.updateQueued.set(incidentId, job);
    // The same job object on every retry, so a retry keeps its own mayPost.
    this.queue.enqueue(incidentId, label, () => this.render(incidentId, job));
  }

  private async render(incidentId: string, job: UpdateJob): Promise<void> {
    // From here on, further changes queue another update that renders what is newest then.
    if (this.updateQueued.get(incidentId) === job) this.updateQueued.delete(incidentId);
    const incident = job.mayPost ? this.latest.get(incidentId) : await this.newestKnown(incidentId);
    if (!incident) return;
    const ref = await this.options.refs.get(incidentId);
    if (!ref && !job.mayPost) return; // not posted yet: the post will show the paging state
    const message = await this.compose(incident, ref?.incidentChannelId);
    if (ref) {
      try {
        await this.options.gateway.updateMessage({ channel: ref.channel, ts: ref.ts, ...message });
        return;
      } catch (err) {
        // Someone deleted the message in Slack: post a new one rather than go silent.
        if (!(err instanceof SlackBotError && err.details.slackError === 'message_not_found')) throw err;
        this.options.logger.warn({ incidentId, ts: ref.ts }, `the Slack message for ${incidentId} was deleted; posting a new one`);
        const posted = await this.options.gateway.postMessage({ channel: ref.channel, ...message });
        await this.options.refs.save(incidentId, { ...ref, channel: posted.channel, ts: posted.ts });
        return;
      }
    }
    const channel = this.options.config.slack.channel;
    if (!channel) throw new SlackBotError('LIFEBOAT_SLACK_CHANNEL', 'slack.channel is not configured', {
      method: 'chat.postMessage',
      retryable: false,
      hint: 'set slack.channel in the config to the channel id incidents go to',
    });
    const posted = await this.options.gateway.postMessage({ channel, ...message });
    const stored = await this.options.refs.claim(incidentId, { channel: posted.channel, ts: posted.ts });
    if (stored.ts !== posted.ts) {
      this.options.logger.warn({ incidentId, kept: stored.ts, duplicate: posted.ts }, `another replica posted ${incidentId} at the same time; updates go to its message`);
    }
  }

  private async reply(event: IncidentEvent): Promise<void> {
    const ref = await this.options.refs.get(event.incidentId);
    const incident = this.latest.get(event.incidentId);
    if (!ref || !incident) return;
    const text = timelineReply(event, incident);
    await this.options.gateway.postMessage({ channel: ref.channel, text, threadTs: ref.ts });
    if (ref.incidentChannelId) await this.options.gateway.postMessage({ channel: ref.incidentChannelId, text: `*${incident.id}* ${text}` });
  }

  private async ensureChannel(incidentId: string): Promise<void> {
    this.channelQueued.delete(incidentId);
    const ref = await this.options.refs.get(incidentId);
    const incident = this.latest.get(incidentId);
    if (!ref || !incident || ref.incidentChannelId || !this.wantsChannel(incident)) return;
    const created = await this.createChannel(incident);
    const withChannel: IncidentMessageRef = { ...ref, incidentChannelId: created.id };
    await this.options.refs.save(incidentId, withChannel);
    // Invites and the intro are best effort: the channel exists and is linked either way.
    try {
      await this.options.gateway.inviteToChannel(created.id, await this.options.operatorUserIds());
    } catch (err) {
      this.options.logger.error({ err, incidentId, channel: created.id }, `could not invite operators to ${created.name}; invite them by hand`);
    }
    const intro = `${incident.severity} *${incident.id}* on \`${incident.checkId}\`. Updates are posted here and in ${channelMention(ref.channel)}.`;
    await this.options.gateway.postMessage({ channel: created.id, text: intro });
    const message = await this.compose(incident, created.id);
    await this.options.gateway.updateMessage({ channel: ref.channel, ts: ref.ts, ...message });
  }

  private async compose(incident: Incident, incidentChannelId: string | undefined): Promise<{ text: string; blocks: unknown[] }> {
    const lookup = this.options.pagingState;
    const line = lookup ? pagingLine({ incident, state: await lookup(incident.id), pageAt: this.options.config.pagerduty.pageAt }) : null;
    return incidentMessage({
      incident,
      links: linkedRunbooks(this.options.config, incident.checkId),
      ...(incidentChannelId ? { incidentChannelId } : {}),
      ...(line ? { pagingLine: line } : {}),
    });
  }

  /** The newer of what this process last saw and what the store holds (by revision). */
  private async newestKnown(incidentId: string): Promise<Incident | undefined> {
    const seen = this.latest.get(incidentId);
    if (!this.options.loadIncident) return seen;
    const stored = await this.options.loadIncident(incidentId);
    if (!stored) return seen;
    return seen && seen.revision > stored.revision ? seen : stored;
  }

  private async createChannel(incident: Incident): Promise<{ id: string; name: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.gateway.createChannel(incidentChannelName(incident.id, incident.checkId, attempt));
      } catch (err) {
        const taken = err instanceof SlackBotError && err.details.slackError === 'name_taken';
        if (!taken || attempt >= CHANNEL_NAME_ATTEMPTS) throw err;
      }
    }
  }
}
