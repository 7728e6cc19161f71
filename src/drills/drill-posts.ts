import { SlackBotError } from '../bot/bot-errors.js';
import type { OutboxDelivery } from '../bot/outbox/outbox-delivery.js';
import { dataString, MalformedEntry, type OutboxData } from '../bot/outbox/outbox-entry.js';
import type { SlackOutboxService } from '../bot/outbox/slack-outbox-service.js';
import type { Logger } from '../observability/logger.js';
import type { DrillMessageRef, DrillMessageRefs } from './drill-message-refs.js';
import { drillFinishedMessage, drillProgressMessage, drillStartedMessage } from './drill-messages.js';
import { DRILL_OUTCOMES, type DrillOutcome } from './drill-outcome.js';

/** Outbox entry kinds of a drill run's posts. */
export const DRILL_KINDS = {
  message: 'drill.message',
  reply: 'drill.reply',
  update: 'drill.update',
} as const;

const POST = ['chat.postMessage'];
const UPDATE = ['chat.update'];

export interface DrillPostsOptions {
  /** `slack.channel`; without it a drill posts nothing (as before Slack is configured). */
  channel: string | undefined;
  outbox: Pick<SlackOutboxService, 'enqueue' | 'register' | 'gateway'>;
  refs: DrillMessageRefs;
  logger: Logger;
}

/**
 * A drill run's message, thread and final update, as entries of one outbox lane per run
 * (`drill:DRL-7`): delivered in the order the drill made them, kept in the store through a Slack
 * outage or a restart, and posted once each (OutboxDelivery.post). The first entry stores where
 * the message is (DrillMessageRefs), so whichever replica delivers a later entry finds the thread.
 * Entries carry data, rendered at delivery by the builders in drill-messages.ts (which fit Block Kit).
 */
export class DrillPosts {
  constructor(private readonly options: DrillPostsOptions) {
    options.outbox.register(DRILL_KINDS.message, (d) => this.deliverMessage(d));
    options.outbox.register(DRILL_KINDS.reply, (d) => this.deliverReply(d));
    options.outbox.register(DRILL_KINDS.update, (d) => this.deliverUpdate(d));
  }

  /** The run's message in `slack.channel`. Never waits on Slack, never throws. */
  started(input: { drill: string; runId: string; runbook: string; actor?: string }): void {
    this.enqueue(input.runId, DRILL_KINDS.message, POST, {
      drill: input.drill,
      runbook: input.runbook,
      ...(input.actor !== undefined && { actor: input.actor }),
    });
  }

  /** One step's progress, in the run's thread. */
  progress(runId: string, text: string): void {
    this.enqueue(runId, DRILL_KINDS.reply, POST, { text });
  }

  /** The message updated with the outcome, then the outcome's summary in the thread. */
  finished(outcome: DrillOutcome): void {
    this.enqueue(outcome.runId, DRILL_KINDS.update, UPDATE, { outcome: JSON.stringify(outcome) });
    this.progress(outcome.runId, outcome.summary);
  }

  private enqueue(runId: string, kind: string, methods: string[], data: OutboxData): void {
    const channel = this.options.channel;
    if (!channel) return;
    this.options.outbox.enqueue({ lane: lane(runId), kind, methods, data: { runId, channel, ...data } });
  }

  private async deliverMessage(delivery: OutboxDelivery): Promise<void> {
    const runId = dataString(delivery.entry, 'runId');
    const actor = delivery.entry.data.actor;
    const message = drillStartedMessage({
      drill: dataString(delivery.entry, 'drill'),
      runId,
      runbook: dataString(delivery.entry, 'runbook'),
      ...(typeof actor === 'string' && { actor }),
    });
    const posted = await delivery.post('', { channel: dataString(delivery.entry, 'channel'), ...message });
    // After the post, and again on a retry (the post itself is then returned, not repeated).
    await this.options.refs.save(runId, { channel: posted.message.channel, ts: posted.message.ts });
  }

  private async deliverReply(delivery: OutboxDelivery): Promise<void> {
    const runId = dataString(delivery.entry, 'runId');
    const ref = await this.ref(runId, delivery);
    if (!ref) return;
    const message = drillProgressMessage(dataString(delivery.entry, 'text'));
    await delivery.post('', { channel: ref.channel, threadTs: ref.ts, ...message });
  }

  private async deliverUpdate(delivery: OutboxDelivery): Promise<void> {
    const runId = dataString(delivery.entry, 'runId');
    const outcome = parseOutcome(dataString(delivery.entry, 'outcome'));
    const ref = await this.ref(runId, delivery);
    if (!ref) return;
    try {
      // chat.update is idempotent: a retry after a lost answer updates the message to the same content.
      await this.options.outbox.gateway.updateMessage({ channel: ref.channel, ts: ref.ts, ...drillFinishedMessage(outcome) });
    } catch (err) {
      if (!(err instanceof SlackBotError && err.details.slackError === 'message_not_found')) throw err;
      this.options.logger.warn(
        { runId, ts: ref.ts },
        `the Slack message of drill run ${runId} was deleted; its outcome is in the thread, the audit log and /dr drills`,
      );
    }
  }

  /** The run's message; null when it was never posted (Slack refused it), so the rest of its lane has nowhere to go. */
  private async ref(runId: string, delivery: OutboxDelivery): Promise<DrillMessageRef | null> {
    const ref = await this.options.refs.get(runId);
    // Behind the message in the same lane: no ref means the message itself was dropped.
    if (!ref)
      this.options.logger.warn(
        { runId, kind: delivery.entry.kind },
        `no Slack message was recorded for drill run ${runId}; not posted in its thread`,
      );
    return ref;
  }
}

/** The outbox lane of a drill run. */
export function lane(runId: string): string {
  return `drill:${runId}`;
}

function parseOutcome(raw: string): DrillOutcome {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new MalformedEntry('outbox entry drill.update carries an outcome that is not JSON');
  }
  const v = value as Partial<DrillOutcome> | null;
  const valid =
    typeof v === 'object' &&
    v !== null &&
    typeof v.drill === 'string' &&
    typeof v.runId === 'string' &&
    typeof v.summary === 'string' &&
    DRILL_OUTCOMES.includes(v.result as DrillOutcome['result']) &&
    Array.isArray(v.cleanup);
  if (!valid) throw new MalformedEntry('outbox entry drill.update carries an outcome without drill, runId, result, summary or cleanup');
  return v as DrillOutcome;
}
