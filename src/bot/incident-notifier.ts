import type { types } from '@slack/bolt';
import type { Config } from '../config/types.js';
import type { Incident } from '../core/incident.js';
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
import { linkedRunbooks } from './linked-runbooks.js';
import type { OutboxDelivery } from './outbox/outbox-delivery.js';
import { dataString } from './outbox/outbox-entry.js';
import type { SlackOutboxService } from './outbox/slack-outbox-service.js';
import type { SlackGateway } from './slack-gateway.js';
import type { Silence } from '../noise/silence.js';

/** Names tried for one incident channel before giving up (`inc-4-api`, `inc-4-api-2`, ...). */
const CHANNEL_NAME_ATTEMPTS = 5;
/** Incidents whose latest change this process remembers (the store has them all). */
const INCIDENTS_REMEMBERED = 1_000;

/** An incident's paging state as the store has it (`pager.pagingState`); null when never paged. */
export type PagingStateLookup = (incidentId: string) => Promise<PagingState | null>;

export interface IncidentNotifierOptions {
  config: Pick<Config, 'slack' | 'checks' | 'runbooks' | 'pagerduty'>;
  gateway: SlackGateway;
  refs: IncidentMessageRefs;
  /** Where the Slack work waits and who delivers it (any replica). */
  outbox: SlackOutboxService;
  /** Operators as user ids, usergroups expanded, for incident channel invites. */
  operatorUserIds: () => Promise<string[]>;
  logger: Logger;
  /** With it, the message shows where PagerDuty paging stands; leave it out when paging is off. */
  pagingState?: PagingStateLookup;
  /**
   * Reads an incident from the store (`store.getIncident`). The replica delivering an update may
   * not be the one that saw the change, so messages are rendered from the newest revision known.
   */
  loadIncident?: (incidentId: string) => Promise<Incident | null>;
  /** The silence in force on a check (SPEC §9), shown on its incidents' messages. */
  silenceFor?: (incident: Incident) => Promise<Silence | null>;
}

/** Outbox entry kinds of incidents. */
export const INCIDENT_KINDS = {
  message: 'incident.message',
  reply: 'incident.reply',
  channel: 'incident.channel',
  note: 'incident.note',
} as const;

const POST_AND_UPDATE = ['chat.postMessage', 'chat.update'];
const POST = ['chat.postMessage'];
const CHANNEL_METHODS = ['conversations.create', 'conversations.invite', 'chat.postMessage', 'chat.update'];

/**
 * Tells Slack about incidents: one message per incident in `slack.channel`, updated in place on
 * every change, a thread reply per timeline event, and for severe incidents a dedicated channel.
 * Listeners only enqueue into the outbox (a store write), so the monitor never waits; the outbox
 * delivers each incident's work in order, rendering the message from the newest state then.
 */
export class IncidentNotifier {
  /** Latest change this process saw per incident, newer than the store's until it commits. */
  private readonly latest = new Map<string, Incident>();

  constructor(private readonly options: IncidentNotifierOptions) {
    const { outbox } = options;
    outbox.register(INCIDENT_KINDS.message, (d) => this.deliverMessage(d));
    outbox.register(INCIDENT_KINDS.reply, (d) => this.deliverReply(d, 'reply'));
    outbox.register(INCIDENT_KINDS.note, (d) => this.deliverReply(d, 'note'));
    outbox.register(INCIDENT_KINDS.channel, (d) => this.deliverChannel(d));
  }

  /** Subscribe this to the incident engine. Never throws, never waits on Slack. */
  readonly listener = (change: IncidentChange): void => {
    const { incident, event } = change;
    const id = incident.id;
    this.remember(incident);
    // One waiting message update per incident: later changes ride on it (it renders the newest).
    this.enqueueMessage(id, true);
    if (event && event.type !== 'opened') {
      this.options.outbox.enqueue({
        lane: lane(id),
        kind: INCIDENT_KINDS.reply,
        methods: POST,
        data: { incidentId: id, text: timelineReply(event, incident) },
      });
    }
    if (this.wantsChannel(incident)) {
      this.options.outbox.enqueue({
        lane: lane(id),
        kind: INCIDENT_KINDS.channel,
        methods: CHANNEL_METHODS,
        data: { incidentId: id },
        coalesceKey: 'channel',
      });
    }
  };

  /**
   * Subscribe this to the pager's paging state changes: re-renders the incident's message in
   * place. Never posts a message (the first post shows the state of its time), never waits.
   */
  readonly onPagingChange = (incidentId: string): void => {
    if (!this.options.pagingState) return;
    this.enqueueMessage(incidentId, false);
  };

  /** Re-renders the incident's message in place when it exists (a silence began or ended); never posts. */
  refresh(incidentId: string): void {
    this.enqueueMessage(incidentId, false);
  }

  /**
   * Posts `text` in the incident's thread (and its incident channel), queued behind the
   * incident's other Slack work; dropped with a warning when the incident was never posted.
   */
  noteOnIncident(incidentId: string, text: string): void {
    this.options.outbox.enqueue({ lane: lane(incidentId), kind: INCIDENT_KINDS.note, methods: POST, data: { incidentId, text } });
  }

  /** Where an incident's message lives (for links to it); null before it is posted. */
  messageRef(incidentId: string): Promise<IncidentMessageRef | null> {
    return this.options.refs.get(incidentId);
  }

  private enqueueMessage(incidentId: string, mayPost: boolean): void {
    // A change upgrades a waiting paging-only update to one that may post; never the reverse.
    this.options.outbox.enqueue(
      {
        lane: lane(incidentId),
        kind: INCIDENT_KINDS.message,
        methods: POST_AND_UPDATE,
        data: { incidentId, mayPost },
        coalesceKey: 'message',
      },
      { replace: mayPost },
    );
  }

  private remember(incident: Incident): void {
    this.latest.delete(incident.id);
    this.latest.set(incident.id, incident);
    if (this.latest.size > INCIDENTS_REMEMBERED) {
      const oldest = this.latest.keys().next().value;
      if (oldest !== undefined) this.latest.delete(oldest);
    }
  }

  private wantsChannel(incident: Incident): boolean {
    const threshold = this.options.config.slack.incidentChannels;
    return threshold !== undefined && incident.state !== 'resolved' && isAtOrAbove(incident.severity, threshold);
  }

  private async deliverMessage(delivery: OutboxDelivery): Promise<void> {
    const incidentId = dataString(delivery.entry, 'incidentId');
    const mayPost = delivery.entry.data.mayPost === true;
    const incident = await this.newestKnown(incidentId);
    if (!incident) return;
    const ref = await this.options.refs.get(incidentId);
    if (!ref && !mayPost) return; // not posted yet: the post will show the paging state
    const message = await this.compose(incident, ref?.incidentChannelId);
    const { gateway, logger } = this.options;
    if (ref) {
      try {
        await gateway.updateMessage({ channel: ref.channel, ts: ref.ts, ...message });
        return;
      } catch (err) {
        // Someone deleted the message in Slack: post a new one rather than go silent.
        if (!(err instanceof SlackBotError && err.details.slackError === 'message_not_found')) throw err;
        logger.warn({ incidentId, ts: ref.ts }, `the Slack message for ${incidentId} was deleted; posting a new one`);
        const posted = await delivery.post('repost', { channel: ref.channel, ...message });
        await this.options.refs.save(incidentId, { ...ref, channel: posted.message.channel, ts: posted.message.ts });
        return;
      }
    }
    const channel = this.options.config.slack.channel;
    if (!channel)
      throw new SlackBotError('LIFEBOAT_SLACK_CHANNEL', 'slack.channel is not configured', {
        method: 'chat.postMessage',
        retryable: false,
        hint: 'set slack.channel in the config to the channel id incidents go to',
      });
    const posted = await delivery.post('', { channel, ...message });
    const stored = await this.options.refs.claim(incidentId, { channel: posted.message.channel, ts: posted.message.ts });
    if (stored.ts !== posted.message.ts) {
      logger.warn(
        { incidentId, kept: stored.ts, duplicate: posted.message.ts },
        `another message for ${incidentId} is already recorded; updates go to it`,
      );
    }
    // Found from an earlier attempt whose answer was lost: it shows that attempt's render.
    if (posted.found)
      await gateway.updateMessage({ channel: stored.channel, ts: stored.ts, ...(await this.compose(incident, stored.incidentChannelId)) });
  }

  private async deliverReply(delivery: OutboxDelivery, what: 'reply' | 'note'): Promise<void> {
    const incidentId = dataString(delivery.entry, 'incidentId');
    const text = dataString(delivery.entry, 'text');
    const ref = await this.options.refs.get(incidentId);
    if (!ref) {
      // Behind the message in the same lane: no ref means the message itself could not be posted.
      this.options.logger.warn({ incidentId }, `no Slack message for ${incidentId}; thread ${what} not posted`);
      return;
    }
    await delivery.post('', { channel: ref.channel, text, threadTs: ref.ts });
    if (ref.incidentChannelId) await delivery.post('channel', { channel: ref.incidentChannelId, text: `*${incidentId}* ${text}` });
  }

  private async deliverChannel(delivery: OutboxDelivery): Promise<void> {
    const incidentId = dataString(delivery.entry, 'incidentId');
    const [ref, incident] = await Promise.all([this.options.refs.get(incidentId), this.newestKnown(incidentId)]);
    if (!ref || !incident) return;
    const madeHere = delivery.doneResult('create');
    if (ref.incidentChannelId && !madeHere) return; // an earlier entry made it
    if (!madeHere && !this.wantsChannel(incident)) return;
    const created = await delivery.step('create', () => this.createChannel(incident));
    if (!('id' in created)) return;
    if (ref.incidentChannelId !== created.id) {
      await this.options.refs.save(incidentId, { ...ref, incidentChannelId: created.id });
      // Invites are best effort: the channel exists and is linked either way.
      try {
        await this.options.gateway.inviteToChannel(created.id, await this.options.operatorUserIds());
      } catch (err) {
        this.options.logger.error(
          { err, incidentId, channel: created.id },
          `could not invite operators to ${created.name}; invite them by hand`,
        );
      }
    }
    const intro = `${incident.severity} *${incident.id}* on \`${incident.checkId}\`. Updates are posted here and in ${channelMention(ref.channel)}.`;
    await delivery.post('intro', { channel: created.id, text: intro });
    const message = await this.compose(incident, created.id);
    await this.options.gateway.updateMessage({ channel: ref.channel, ts: ref.ts, ...message });
  }

  private async compose(incident: Incident, incidentChannelId: string | undefined): Promise<{ text: string; blocks: types.KnownBlock[] }> {
    const lookup = this.options.pagingState;
    const line = lookup ? pagingLine({ incident, state: await lookup(incident.id), pageAt: this.options.config.pagerduty.pageAt }) : null;
    const silence = this.options.silenceFor ? await this.options.silenceFor(incident) : null;
    return incidentMessage({
      ...(silence ? { silence } : {}),
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

/** The outbox lane of an incident. */
export function lane(incidentId: string): string {
  return `incident:${incidentId}`;
}
