import type { ProgressEvent, ProgressReporter } from '../../actions/progress-reporter.js';
import type { ApprovalChange, ApprovalEngine } from '../../approvals/approval-engine.js';
import type { Approval } from '../../approvals/approval.js';
import type { Logger } from '../../observability/logger.js';
import { SlackBotError } from '../bot-errors.js';
import { KeyedQueue, type KeyedQueueOptions } from '../keyed-queue.js';
import type { PostedMessage, SlackGateway } from '../slack-gateway.js';
import type { ApprovalMessageRefs } from './approval-message-refs.js';
import { approvalMessage } from './blocks/approval-message.js';
import { outcomeReply, progressReply, transitionReply } from './blocks/thread-replies.js';

/** Outcomes remembered as posted, so the engine's record and the runner's report post once between them. */
const OUTCOMES_REMEMBERED = 1_000;

export interface ApprovalAnnouncerOptions {
  channel: string;
  gateway: SlackGateway;
  refs: ApprovalMessageRefs;
  /** Read at render time: a queued update shows the newest state in the store, whoever changed it. */
  approvals: Pick<ApprovalEngine, 'get'>;
  logger: Logger;
  queue?: Partial<Pick<KeyedQueueOptions, 'retryDelaysMs' | 'sleep'>>;
}

/** The message ref is not stored yet (the posting replica is a moment behind): retried by the queue. */
class MessageNotPostedYet extends Error {
  override readonly name = 'MessageNotPostedYet';
}

/**
 * Tells Slack about approval requests: posts the request, updates its one message in place on
 * every transition and replies in its thread per transition and per progress report. Listeners
 * only enqueue (one lane per request, in order), so neither the engine's transition nor the run
 * waits for Slack.
 */
export class ApprovalAnnouncer {
  private readonly queue: KeyedQueue;
  /** Requests with a message update queued but not started: later changes ride on it. */
  private readonly updateQueued = new Set<string>();
  private readonly outcomePosted = new Set<string>();
  /** Requests whose message could not be posted (withdrawn): nothing to update. */
  private readonly unposted = new Set<string>();

  constructor(private readonly options: ApprovalAnnouncerOptions) {
    this.queue = new KeyedQueue({
      logger: options.logger,
      isRetryable: (err) => !(err instanceof SlackBotError) || err.retryable,
      ...options.queue,
    });
  }

  /** Subscribe to `approvals.onChange`. Never throws, never waits on Slack. */
  readonly listener = (change: ApprovalChange): void => {
    const id = change.approval.id;
    // The submitter posts the request itself, with the state it returned.
    if (change.transition === 'requested') return;
    if (!this.updateQueued.has(id)) {
      this.updateQueued.add(id);
      this.queue.enqueue(id, 'approval message update', () => this.render(id));
    }
    const reply = transitionReply(change);
    if (reply) this.enqueueReply(id, `${change.transition} thread reply`, reply);
    const outcome = outcomeReply(change);
    if (outcome) this.enqueueOutcome(id, outcome);
  };

  /** Hand to the action runner: each progress event becomes a thread reply. Never waits on Slack. */
  readonly reporter: ProgressReporter = {
    report: async (event: ProgressEvent): Promise<void> => {
      const text = progressReply(event);
      if (event.type === 'finished') this.enqueueOutcome(event.runId, text);
      else this.enqueueReply(event.runId, `${event.type} thread reply`, text);
    },
  };

  /**
   * Posts a new request's message and remembers where it is, in the request's lane (so updates
   * queue behind it). Tried once: the caller withdraws the request when this throws.
   */
  postRequest(approval: Approval): Promise<PostedMessage> {
    return new Promise<PostedMessage>((resolve, reject) => {
      this.queue.enqueue(approval.id, 'approval request post', async () => {
        try {
          const posted = await this.options.gateway.postMessage({ channel: this.options.channel, ...approvalMessage(approval) });
          await this.options.refs.save(approval.id, { channel: posted.channel, ts: posted.ts });
          resolve(posted);
        } catch (err) {
          this.unposted.add(approval.id);
          reject(err);
        }
      });
    });
  }

  /** A request that was never posted (withdrawn before anyone saw it): its changes update nothing in Slack. */
  markUnposted(id: string): void {
    this.unposted.add(id);
  }

  /** Waits for queued Slack work, at most `timeoutMs`. */
  async drain(timeoutMs?: number): Promise<void> {
    await this.queue.drain(timeoutMs);
  }

  /** Stops retrying (shutdown); queued work still gets one attempt. */
  stop(): void {
    this.queue.stop();
  }

  private enqueueReply(id: string, label: string, text: string): void {
    this.queue.enqueue(id, label, async () => {
      const ref = await this.ref(id);
      if (ref) await this.options.gateway.postMessage({ channel: ref.channel, threadTs: ref.ts, text });
    });
  }

  private enqueueOutcome(id: string, text: string): void {
    if (this.outcomePosted.has(id)) return;
    this.outcomePosted.add(id);
    if (this.outcomePosted.size > OUTCOMES_REMEMBERED) {
      const oldest = this.outcomePosted.values().next().value;
      if (oldest !== undefined) this.outcomePosted.delete(oldest);
    }
    this.enqueueReply(id, 'outcome thread reply', text);
  }

  private async render(id: string): Promise<void> {
    this.updateQueued.delete(id);
    const [approval, ref] = await Promise.all([this.options.approvals.get(id), this.ref(id)]);
    if (!approval || !ref) return;
    try {
      await this.options.gateway.updateMessage({ channel: ref.channel, ts: ref.ts, ...approvalMessage(approval) });
    } catch (err) {
      if (!(err instanceof SlackBotError && err.details.slackError === 'message_not_found')) throw err;
      this.options.logger.warn({ approvalId: id, ts: ref.ts }, `the Slack message of ${id} was deleted; its updates are dropped (the thread and audit log keep the record)`);
    }
  }

  /** The request's message, or null when there is none to write to; throws (retried) while it is being posted elsewhere. */
  private async ref(id: string): Promise<{ channel: string; ts: string } | null> {
    if (this.unposted.has(id)) return null;
    const ref = await this.options.refs.get(id);
    if (!ref) throw new MessageNotPostedYet(`no Slack message is recorded for ${id} yet`);
    return ref;
  }
}
