import type { ProgressEvent, ProgressReporter } from '../../actions/progress-reporter.js';
import type { ApprovalChange, ApprovalEngine } from '../../approvals/approval-engine.js';
import type { Approval } from '../../approvals/approval.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../observability/logger.js';
import { SlackBotError } from '../bot-errors.js';
import { FIND_POSTED_SLACK_MS, OUTBOX_EVENT_TYPE, OUTBOX_ID_KEY, type OutboxDelivery } from '../outbox/outbox-delivery.js';
import { dataString } from '../outbox/outbox-entry.js';
import type { SlackOutboxService } from '../outbox/slack-outbox-service.js';
import type { PostedMessage, SlackGateway } from '../slack-gateway.js';
import type { ApprovalMessageRef, ApprovalMessageRefs } from './approval-message-refs.js';
import { approvalMessage } from './blocks/approval-message.js';
import { linkedRequestReply, outcomeReply, progressReply, transitionReply } from './blocks/thread-replies.js';

/**
 * How long an update waits for the request's message to be recorded (the posting replica stores
 * it right after Slack answers, within one call's timeout) before concluding it was never posted.
 */
export const NOT_POSTED_GRACE_MS = 2 * 60_000; // 2 minutes

/** Outbox entry kinds of approval requests. */
export const APPROVAL_KINDS = {
  message: 'approval.message',
  reply: 'approval.reply',
} as const;

export interface ApprovalAnnouncerOptions {
  channel: string;
  gateway: SlackGateway;
  refs: ApprovalMessageRefs;
  outbox: SlackOutboxService;
  /** Read at render time: a queued update shows the newest state in the store, whoever changed it. */
  approvals: Pick<ApprovalEngine, 'get'>;
  clock: Clock;
  logger: Logger;
}

/** The message ref is not stored yet (the posting replica is a moment behind): retried by the outbox. */
class MessageNotPostedYet extends Error {
  override readonly name = 'MessageNotPostedYet';
}

/**
 * Tells Slack about approval requests: posts the request, updates its one message in place on
 * every transition and replies in its thread per transition and per progress report. Listeners
 * only enqueue into the outbox (one lane per request, in order, kept in the store), so neither
 * the engine's transition nor the run waits for Slack, and no step or outcome is dropped.
 */
export class ApprovalAnnouncer {
  /** Requests whose message could not be posted (withdrawn): nothing to update. */
  private readonly unposted = new Set<string>();

  constructor(private readonly options: ApprovalAnnouncerOptions) {
    options.outbox.register(APPROVAL_KINDS.message, (d) => this.deliverMessage(d));
    options.outbox.register(APPROVAL_KINDS.reply, (d) => this.deliverReply(d));
  }

  /** Subscribe to `approvals.onChange`. Never throws, never waits on Slack. */
  readonly listener = (change: ApprovalChange): void => {
    const id = change.approval.id;
    // The submitter posts the request itself, with the state it returned; a resume or revert is noted on its original.
    if (change.transition === 'requested') {
      const linked = linkedRequestReply(change);
      if (linked) this.enqueueReply(linked.originalId, linked.text, `approval-linked:${id}`);
      return;
    }
    this.options.outbox.enqueue({
      lane: lane(id),
      kind: APPROVAL_KINDS.message,
      methods: ['chat.update'],
      data: { approvalId: id },
      coalesceKey: 'message',
    });
    const reply = transitionReply(change);
    if (reply) this.enqueueReply(id, reply);
    const outcome = outcomeReply(change);
    if (outcome) this.enqueueOutcome(id, outcome);
  };

  /** Hand to the action runner: each progress event becomes a thread reply. Never waits on Slack. */
  readonly reporter: ProgressReporter = {
    report: async (event: ProgressEvent): Promise<void> => {
      const text = progressReply(event);
      if (event.type === 'finished') this.enqueueOutcome(event.runId, text);
      else this.enqueueReply(event.runId, text);
    },
  };

  /**
   * Posts a new request's message and remembers where it is. Tried once: the caller withdraws
   * the request when this throws. When Slack's answer is lost (a timeout after sending), the
   * message is looked for before deciding, so a slow Slack never leaves two request messages.
   */
  async postRequest(approval: Approval): Promise<PostedMessage> {
    const { gateway, channel, clock, logger } = this.options;
    const outboxId = `request:${approval.id}`;
    const sentAt = clock.now();
    let posted: PostedMessage;
    try {
      posted = await gateway.postMessage({
        channel,
        ...approvalMessage(approval),
        metadata: { eventType: OUTBOX_EVENT_TYPE, payload: { [OUTBOX_ID_KEY]: outboxId } },
      });
    } catch (err) {
      const found = err instanceof SlackBotError && err.details.ambiguous ? await this.findRequest(outboxId, sentAt) : null;
      if (!found) {
        this.unposted.add(approval.id);
        throw err;
      }
      logger.warn(
        { approvalId: approval.id, ts: found.ts },
        `Slack's answer to posting ${approval.id} was lost, but the message is there; using it`,
      );
      posted = found;
    }
    try {
      await this.options.refs.save(approval.id, { channel: posted.channel, ts: posted.ts });
    } catch (err) {
      this.unposted.add(approval.id);
      throw err;
    }
    return posted;
  }

  /** A request that was never posted (withdrawn before anyone saw it): its changes update nothing in Slack. */
  markUnposted(id: string): void {
    this.unposted.add(id);
  }

  private async findRequest(outboxId: string, sentAt: number): Promise<PostedMessage | null> {
    try {
      return await this.options.gateway.findPosted({
        channel: this.options.channel,
        key: OUTBOX_ID_KEY,
        value: outboxId,
        sinceMs: sentAt - FIND_POSTED_SLACK_MS,
      });
    } catch (err) {
      this.options.logger.warn({ err, outboxId }, 'could not look for an approval request whose post timed out; treating it as not posted');
      return null;
    }
  }

  private enqueueReply(id: string, text: string, onceKey?: string): void {
    this.options.outbox.enqueue(
      { lane: lane(id), kind: APPROVAL_KINDS.reply, methods: ['chat.postMessage'], data: { approvalId: id, text } },
      onceKey ? { onceKey } : {},
    );
  }

  /** Once per run across replicas: the engine's record and the runner's report both announce it. */
  private enqueueOutcome(id: string, text: string): void {
    this.enqueueReply(id, text, `approval-outcome:${id}`);
  }

  private async deliverMessage(delivery: OutboxDelivery): Promise<void> {
    const id = dataString(delivery.entry, 'approvalId');
    const [approval, ref] = await Promise.all([this.options.approvals.get(id), this.ref(id, delivery)]);
    if (!approval || !ref) return;
    try {
      await this.options.gateway.updateMessage({ channel: ref.channel, ts: ref.ts, ...approvalMessage(approval) });
    } catch (err) {
      if (!(err instanceof SlackBotError && err.details.slackError === 'message_not_found')) throw err;
      this.options.logger.warn(
        { approvalId: id, ts: ref.ts },
        `the Slack message of ${id} was deleted; its updates are dropped (the thread and audit log keep the record)`,
      );
    }
  }

  private async deliverReply(delivery: OutboxDelivery): Promise<void> {
    const id = dataString(delivery.entry, 'approvalId');
    const ref = await this.ref(id, delivery);
    if (ref) await delivery.post('', { channel: ref.channel, threadTs: ref.ts, text: dataString(delivery.entry, 'text') });
  }

  /** The request's message, or null when there is none to write to; throws (retried) while it is being posted elsewhere. */
  private async ref(id: string, delivery: OutboxDelivery): Promise<ApprovalMessageRef | null> {
    if (this.unposted.has(id)) return null;
    const ref = await this.options.refs.get(id);
    if (ref) return ref;
    if (this.options.clock.now() - delivery.entry.enqueuedAt > NOT_POSTED_GRACE_MS) {
      this.options.logger.warn(
        { approvalId: id, kind: delivery.entry.kind },
        `no Slack message was ever recorded for ${id} (withdrawn before it was posted); nothing to update`,
      );
      return null;
    }
    throw new MessageNotPostedYet(`no Slack message is recorded for ${id} yet`);
  }
}

/** The outbox lane of an approval request. */
export function lane(approvalId: string): string {
  return `approval:${approvalId}`;
}
