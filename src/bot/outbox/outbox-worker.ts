import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { SlackBotError } from '../bot-errors.js';
import type { SlackGateway } from '../slack-gateway.js';
import { ClaimLost, OutboxDelivery } from './outbox-delivery.js';
import { MalformedEntry } from './outbox-entry.js';
import { classifyFailure, DEFAULT_OUTBOX_RETRY, outboxRetryDelayMs, type OutboxRetryPolicy } from './outbox-retry.js';
import type { EntryProgress, OutboxClaim, SlackOutbox } from './slack-outbox.js';

/** What one run of the worker did. */
export interface PassResult {
  tried: number;
  /** Completed (delivered, or dropped on purpose). */
  delivered: number;
}

/** Delivers one entry; throws to have it retried (or dropped, when Slack refuses the content). */
export type OutboxHandler = (delivery: OutboxDelivery) => Promise<void>;

/** Claim lifetime: longer than a few Slack calls at their 10 s timeout; extended at each post. */
export const OUTBOX_LEASE_MS = 30_000; // 30 seconds
/** How often an idle worker looks for due entries (retries come due without a wake-up). */
export const OUTBOX_POLL_MS = 200; // 0.2 seconds
/** Lanes delivered at once per replica: catching up 25 incidents takes a few round trips, not 25. */
export const OUTBOX_CONCURRENCY = 4;
/** An entry of a kind no handler is registered for (another version wrote it) waits this long. */
const UNKNOWN_KIND_RETRY_MS = 30_000; // 30 seconds

export interface OutboxWorkerOptions {
  outbox: SlackOutbox;
  gateway: SlackGateway;
  clock: Clock;
  logger: Logger;
  metrics?: Pick<Metrics, 'slackOutboxDeliveries'>;
  random?: () => number;
  retry?: OutboxRetryPolicy;
  leaseMs?: number;
  pollIntervalMs?: number;
  concurrency?: number;
}

/**
 * Runs on every replica and delivers due lane heads; claims are exclusive by lease, so each entry
 * is delivered by one replica at a time, in order per lane. Transient failures retry within a few
 * seconds; a 429 pauses its method for every lane and replica for exactly Retry-After; failures
 * a person must fix (token, scope, channel) are kept and retried every 30 s at most, logged
 * loudly once per streak. Only content Slack refuses outright is dropped, with an error.
 */
export class OutboxWorker {
  private readonly handlers = new Map<string, OutboxHandler>();
  private readonly retry: OutboxRetryPolicy;
  private readonly leaseMs: number;
  private readonly random: () => number;
  /** Failure codes currently failing every delivery, each logged once until a delivery works. */
  private readonly streaks = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PassResult> | null = null;
  private rerun = false;
  private started = false;
  private stopping = false;
  private wakePending = false;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.retry = options.retry ?? DEFAULT_OUTBOX_RETRY;
    this.leaseMs = options.leaseMs ?? OUTBOX_LEASE_MS;
    this.random = options.random ?? Math.random;
  }

  /** Registers the handler of one entry kind (before start). */
  register(kind: string, handler: OutboxHandler): void {
    if (this.handlers.has(kind)) throw new Error(`an outbox handler for ${kind} is already registered`);
    this.handlers.set(kind, handler);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.schedule(0);
  }

  /**
   * Looks for due entries now (something was just enqueued), even before start(): what is
   * enqueued goes out at once; start() adds the polling that picks up retries as they come due.
   */
  wake(): void {
    if (this.stopping || this.wakePending) return;
    // After the current macrotask: the other listeners of the same change enqueue first, so
    // their message updates coalesce into one.
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      if (this.stopping) return;
      if (this.running) this.rerun = true;
      else void this.runOnce();
    });
  }

  /**
   * Stops claiming and waits for deliveries in flight, at most `timeoutMs`. Whatever is not
   * delivered stays in the store; a delivery cut off mid-post is looked for before it is re-sent.
   */
  async stop(timeoutMs: number): Promise<void> {
    this.started = false;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([this.running?.catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  /**
   * Delivers what is due now, `concurrency` lanes at a time; a slot stops at its first failure, so
   * a pass is bounded even when retries are due at once. Returns how many entries were tried and
   * how many of them were delivered.
   */
  runOnce(): Promise<PassResult> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    const run = this.loop().finally(() => {
      this.running = null;
      if (this.started) this.schedule(this.options.pollIntervalMs ?? OUTBOX_POLL_MS);
    });
    this.running = run;
    return run;
  }

  private async loop(): Promise<PassResult> {
    const total: PassResult = { tried: 0, delivered: 0 };
    do {
      this.rerun = false;
      try {
        const result = await this.pass();
        total.tried += result.tried;
        total.delivered += result.delivered;
      } catch (err) {
        this.options.logger.error(
          { err },
          'Slack outbox run failed; nothing is lost, trying again shortly. Check REDIS_URL and that Redis is up',
        );
        return total;
      }
    } while (this.rerun && !this.stopping);
    return total;
  }

  private async pass(): Promise<PassResult> {
    const result: PassResult = { tried: 0, delivered: 0 };
    const slot = async (): Promise<void> => {
      while (!this.stopping) {
        const claim = await this.options.outbox.claimNext(this.options.clock.now(), this.leaseMs);
        if (!claim) return;
        result.tried += 1;
        if (!(await this.deliver(claim))) return;
        result.delivered += 1;
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? OUTBOX_CONCURRENCY }, slot));
    return result;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce();
    }, delayMs);
    // Never what keeps the process alive: shutdown calls stop().
    this.timer.unref();
  }

  /** True when the entry is done with (delivered or dropped); false when it waits for another attempt. */
  private async deliver(claim: OutboxClaim): Promise<boolean> {
    const { outbox, clock, logger, gateway } = this.options;
    const entry = claim.entry;
    if (!entry) {
      logger.error(
        { lane: claim.lane, id: claim.id, stored: claim.raw.slice(0, 500) },
        `an unreadable Slack outbox entry in ${claim.lane} was dropped: report it as a Lifeboat bug`,
      );
      this.count('unknown', 'dropped');
      await outbox.complete(claim, clock.now());
      return true;
    }
    const handler = this.handlers.get(entry.kind);
    if (!handler) {
      logger.warn(
        { lane: claim.lane, kind: entry.kind },
        `no handler for Slack outbox entries of kind ${entry.kind} in this process; leaving it for another replica`,
      );
      await outbox.reschedule(claim, clock.now() + UNKNOWN_KIND_RETRY_MS, claim.attempts, claim.progress);
      return false;
    }
    const delivery = new OutboxDelivery(claim, entry, { outbox, gateway, now: () => clock.now(), leaseMs: this.leaseMs });
    try {
      await handler(delivery);
    } catch (err) {
      return this.failed(claim, delivery.progress, err);
    }
    if (!(await outbox.complete(claim, clock.now()))) {
      logger.warn(
        { lane: claim.lane, kind: entry.kind },
        `Slack outbox claim on ${claim.lane} lapsed during delivery; the next holder finds the post instead of repeating it`,
      );
      return false;
    }
    this.count(entry.kind, 'delivered');
    if (claim.attempts > 0)
      logger.info(
        { lane: claim.lane, kind: entry.kind, attempts: claim.attempts + 1 },
        `Slack ${entry.kind} for ${claim.lane} delivered after ${claim.attempts + 1} attempts`,
      );
    if (this.streaks.size > 0) {
      logger.info({ codes: [...this.streaks] }, 'Slack accepts Lifeboat posts again; the ones kept meanwhile are being delivered in order');
      this.streaks.clear();
    }
    return true;
  }

  private async failed(claim: OutboxClaim, progress: EntryProgress, err: unknown): Promise<boolean> {
    const { outbox, clock, logger } = this.options;
    const entry = claim.entry as NonNullable<OutboxClaim['entry']>;
    const now = clock.now();
    const where = { lane: claim.lane, kind: entry.kind, attempts: claim.attempts + 1 };
    if (err instanceof ClaimLost) {
      logger.warn({ ...where }, err.message);
      return false;
    }
    if (err instanceof MalformedEntry) {
      logger.error({ ...where, err }, `${err.message}; dropped: report it as a Lifeboat bug`);
      this.count(entry.kind, 'dropped');
      await outbox.complete(claim, now);
      return true;
    }
    const verdict = classifyFailure(err);
    const attempts = claim.attempts + 1;
    switch (verdict.kind) {
      case 'rate-limited': {
        // Exactly Retry-After, and for every lane of the method on every replica: each lane
        // waiting out its own 429 is what kept the bot calling 25 times a second.
        const until = now + verdict.retryAfterMs;
        this.count(entry.kind, 'rate_limited');
        logger.warn(
          { ...where, method: verdict.method, retryAfterMs: verdict.retryAfterMs },
          `Slack rate-limited ${verdict.method}; every post using it waits ${verdict.retryAfterMs} ms`,
        );
        await outbox.reschedule(claim, until, claim.attempts, progress, { method: verdict.method, until });
        return false;
      }
      case 'healing': {
        const delayMs = outboxRetryDelayMs(attempts, true, this.random, this.retry);
        this.count(entry.kind, 'failing');
        if (!this.streaks.has(verdict.code)) {
          this.streaks.add(verdict.code);
          const hint = err instanceof SlackBotError ? err.details.hint : undefined;
          logger.error(
            { ...where, err, code: verdict.code, hint },
            `Slack refuses Lifeboat's posts (${err instanceof Error ? err.message : String(err)}): ${hint ?? 'check the Slack app'}. ` +
              'Posts are KEPT and retried every 30 s at most, in order, until it is fixed; nothing is dropped',
          );
        } else {
          logger.debug({ ...where, code: verdict.code, retryInMs: delayMs }, 'Slack still refuses Lifeboat posts; kept');
        }
        await outbox.reschedule(claim, now + delayMs, attempts, progress);
        return false;
      }
      case 'transient': {
        const delayMs = outboxRetryDelayMs(attempts, false, this.random, this.retry);
        this.count(entry.kind, 'retried');
        logger.warn({ ...where, err, retryInMs: delayMs }, `Slack ${entry.kind} for ${claim.lane} failed; retrying in ${delayMs} ms`);
        await outbox.reschedule(claim, now + delayMs, attempts, progress);
        return false;
      }
      case 'refused': {
        this.count(entry.kind, 'dropped');
        logger.error(
          { ...where, err, entry },
          `Slack refused the ${entry.kind} for ${claim.lane} (${err instanceof Error ? err.message : String(err)}) even as plain text; ` +
            'dropped, as retrying cannot fix it. The entry is in this line: report it as a Lifeboat bug',
        );
        await outbox.complete(claim, now);
        return true;
      }
    }
  }

  private count(kind: string, outcome: string): void {
    this.options.metrics?.slackOutboxDeliveries.inc({ kind, outcome });
  }
}
