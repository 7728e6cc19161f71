import { LifeboatError } from '../../core/lifeboat-error.js';
import { SlackBotError } from '../bot-errors.js';
import type { PostedMessage, PostMessageArgs, SlackGateway } from '../slack-gateway.js';
import type { OutboxEntry } from './outbox-entry.js';
import type { EntryProgress, OutboxClaim, PartResult, SlackOutbox } from './slack-outbox.js';

/** Metadata `event_type` of every post the outbox sends (Slack: message metadata). */
export const OUTBOX_EVENT_TYPE = 'lifeboat_post';
/** Metadata key carrying the entry's id, looked up by findPosted. */
export const OUTBOX_ID_KEY = 'outbox_id';
/**
 * Slack's ts and our clock may disagree a little, and an entry may be retried across replicas:
 * the search for a lost post starts this long before the entry was queued.
 */
export const FIND_POSTED_SLACK_MS = 5 * 60_000; // 5 minutes

/** The claim was taken over (its lease lapsed): stop at once, the new holder delivers the entry. */
export class ClaimLost extends LifeboatError<'LIFEBOAT_OUTBOX_CLAIM_LOST'> {
  override readonly name = 'ClaimLost';

  constructor(message: string) {
    super('LIFEBOAT_OUTBOX_CLAIM_LOST', message);
  }
}

/** A post made, or found already made by an earlier attempt whose answer was lost. */
export interface PostOutcome {
  message: PostedMessage;
  /** True when it was found rather than posted now: its content may be an older render. */
  found: boolean;
}

/**
 * What a handler delivering one entry gets: the entry, and posts that happen at most once per
 * entry part, whatever the retries, replicas and crashes. Idempotent calls (chat.update) need
 * none of this and go to the gateway directly.
 */
export class OutboxDelivery {
  readonly progress: EntryProgress;

  constructor(
    private readonly claim: OutboxClaim,
    readonly entry: OutboxEntry,
    private readonly deps: { outbox: SlackOutbox; gateway: SlackGateway; now: () => number; leaseMs: number },
  ) {
    this.progress = {
      done: { ...claim.progress.done },
      ...(claim.progress.inFlight !== undefined ? { inFlight: claim.progress.inFlight } : {}),
    };
  }

  get id(): string {
    return this.claim.id;
  }

  /** What an earlier attempt recorded for `part`, if it finished it. */
  doneResult(part: string): PartResult | undefined {
    return this.progress.done[part];
  }

  /**
   * Posts `args` once for this entry part. A part already done returns its message; a part whose
   * earlier attempt has an unknown outcome is looked for first (message metadata, in the channel
   * or the thread), and only posted when Slack does not have it.
   */
  async post(part: string, args: PostMessageArgs): Promise<PostOutcome> {
    const done = this.progress.done[part];
    if (done && 'ts' in done) return { message: done, found: true };
    const outboxId = part === '' ? this.claim.id : `${this.claim.id}/${part}`;
    if (this.progress.inFlight === part) {
      const found = await this.deps.gateway.findPosted({
        channel: args.channel,
        ...(args.threadTs !== undefined ? { threadTs: args.threadTs } : {}),
        key: OUTBOX_ID_KEY,
        value: outboxId,
        eventType: OUTBOX_EVENT_TYPE,
        sinceMs: this.entry.enqueuedAt - FIND_POSTED_SLACK_MS,
      });
      if (found) {
        await this.record(part, found);
        return { message: found, found: true };
      }
    }
    // Recorded before sending: if this process dies mid-call, the next holder looks first.
    this.progress.inFlight = part;
    await this.save();
    let message: PostedMessage;
    try {
      message = await this.deps.gateway.postMessage({
        ...args,
        metadata: { eventType: OUTBOX_EVENT_TYPE, payload: { [OUTBOX_ID_KEY]: outboxId } },
        // A paused method fails at once: the outbox holds the lane in the store instead.
        maxRateLimitWaitMs: 0,
      });
    } catch (err) {
      // Slack said plainly it did not post: nothing to look for next time.
      if (err instanceof SlackBotError && !err.details.ambiguous) delete this.progress.inFlight;
      throw err;
    }
    await this.record(part, message);
    return { message, found: false };
  }

  /** Runs a non-idempotent step other than a post (creating a channel) once; its result is kept. */
  async step<T extends PartResult>(part: string, run: () => Promise<T>): Promise<T> {
    const done = this.progress.done[part];
    if (done) return done as T;
    const result = await run();
    await this.record(part, result);
    return result;
  }

  private async record(part: string, result: PartResult): Promise<void> {
    this.progress.done[part] = result;
    if (this.progress.inFlight === part) delete this.progress.inFlight;
    await this.save();
  }

  private async save(): Promise<void> {
    const saved = await this.deps.outbox.saveProgress(this.claim, this.progress, this.deps.now() + this.deps.leaseMs);
    if (!saved) throw new ClaimLost(`the claim on ${this.claim.lane} lapsed and was taken over`);
  }
}
