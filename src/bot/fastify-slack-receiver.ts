import { createHash } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import { ReceiverMultipleAckError, type App, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import { LifeboatError } from '../core/lifeboat-error.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { isReadOnlyCommand } from './read-only-command.js';
import { DELIVERY_TTL_MS, type SeenDeliveries } from './seen-deliveries.js';
import { verifySlackSignature } from './verify-slack-signature.js';

/** Slack shows an error after 3 s without an answer; we answer by this bound whatever happens. */
export const ACK_DEADLINE_MS = 2_500; // 2.5 seconds
/** Largest Slack request accepted (view submissions with big state are the largest). */
export const SLACK_BODY_LIMIT_BYTES = 1024 * 1024; // 1 MiB
/** What a slash command sees when the store cannot tell whether it already ran. */
export const STORE_DOWN_TEXT =
  'Lifeboat could not reach its state store, so it did not act on this. Try again in a minute; if it persists, check the Lifeboat service.';

export interface FastifySlackReceiverOptions {
  /** SLACK_SIGNING_SECRET; without it every request is refused (Socket Mode needs none). */
  signingSecret: string | undefined;
  seen: SeenDeliveries;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  ackDeadlineMs?: number;
  /** Told when a delivery was answered but not acted on because the store could not vouch for it. */
  onStoreDown?: (body: Record<string, unknown>) => Promise<void>;
}

/**
 * Thrown from `ack()` after the answer went out, for a delivery that must not act: a repeat
 * (`duplicate`), or one the store could not record (`store-down`, fail closed). Listeners do their
 * work after `await ack()`, so this stops them before any side effect.
 */
export class DeliveryRefusedError extends LifeboatError<'LIFEBOAT_SLACK_DELIVERY_REFUSED'> {
  override readonly name = 'DeliveryRefusedError';

  // Bolt passes errors with a `code` to app.error unchanged.
  constructor(readonly reason: 'duplicate' | 'store-down') {
    super(
      'LIFEBOAT_SLACK_DELIVERY_REFUSED',
      reason === 'duplicate' ? 'Slack delivered this request before; not acting twice' : 'the store could not record this delivery',
    );
  }
}

type AckBody = string | Record<string, unknown> | undefined;

/**
 * A Bolt Receiver on fastify: `routes` serves `POST /slack/events` on the same server as
 * /healthz. Every request's signature is checked on the raw bytes before anything is parsed.
 * Bolt listeners run through `app.processEvent` with an `ack` that answers the HTTP request at
 * once, so slow work continues after Slack has its answer. Deliveries are deduplicated in the
 * store in parallel with that: the answer never waits for Redis, and `ack()` resolves only once
 * the store says this is the first delivery (else it throws DeliveryRefusedError), so nothing a
 * listener does after `await ack()` runs twice. When the store cannot say, only read-only slash
 * commands go on (isReadOnlyCommand); everything else is refused (fail closed).
 */
export class FastifySlackReceiver implements Receiver {
  private app: App | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly deadlineMs: number;
  private warnedNoSecret = false;

  constructor(private readonly options: FastifySlackReceiverOptions) {
    this.deadlineMs = options.ackDeadlineMs ?? ACK_DEADLINE_MS;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** Waits (at most `timeoutMs`) for listeners still working after their ack. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
  }

  /** The fastify plugin; register it on the server (encapsulated: its body parser stays inside). */
  readonly routes: FastifyPluginAsync = async (fastify) => {
    const started = new WeakMap<FastifyRequest, bigint>();
    // Callback style, not async: this runs on every Slack request and sits on the ack's path.
    fastify.addHook('onRequest', (request, _reply, done) => {
      started.set(request, process.hrtime.bigint());
      done();
    });
    // Raw bytes for every content type: the signature covers the body exactly as sent.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: SLACK_BODY_LIMIT_BYTES }, (_request, body, done) => {
      done(null, body);
    });
    fastify.post('/slack/events', async (request, reply) => {
      const answer = await this.handle(request, reply);
      const start = started.get(request);
      if (start !== undefined) this.options.metrics.slackAck.observe(Number(process.hrtime.bigint() - start) / 1e9);
      return answer;
    });
  };

  private async handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { logger } = this.options;
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const secret = this.options.signingSecret;
    if (!secret) {
      if (!this.warnedNoSecret) {
        this.warnedNoSecret = true;
        logger.error('a request reached /slack/events but SLACK_SIGNING_SECRET is not set: refused. Set it for HTTP mode');
      }
      return reply.code(401).send({ error: 'invalid_signature' });
    }
    const verdict = verifySlackSignature(
      secret,
      { timestamp: header(request, 'x-slack-request-timestamp'), signature: header(request, 'x-slack-signature') },
      raw,
      this.options.clock.now(),
    );
    if (!verdict.ok) {
      logger.warn(
        { reason: verdict.reason, ip: request.ip },
        verdict.reason === 'stale'
          ? 'refused a Slack request with a timestamp more than 5 minutes off: a replay, or this host clock is wrong (check NTP)'
          : `refused a request to /slack/events (${verdict.reason}); if it came from Slack, check SLACK_SIGNING_SECRET`,
      );
      return reply.code(401).send({ error: 'invalid_signature' });
    }

    const body = parseBody(raw, header(request, 'content-type'));
    if (body === null) return reply.code(400).send({ error: 'unreadable_body' });
    if (body.ssl_check !== undefined) return reply.code(200).send('');
    if (body.type === 'url_verification') return reply.code(200).send({ challenge: String(body.challenge ?? '') });

    const retryNum = header(request, 'x-slack-retry-num');
    const retryReason = header(request, 'x-slack-retry-reason');
    const delivery = this.firstDelivery(raw, body, retryNum);
    const answer = await this.dispatch(body, delivery, retryNum, retryReason);
    if (answer === undefined || answer === '') return reply.code(200).send('');
    if (typeof answer === 'string') return reply.code(200).type('text/plain; charset=utf-8').send(answer);
    return reply.code(200).send(answer);
  }

  private async firstDelivery(raw: Buffer, body: Record<string, unknown>, retryNum: string | undefined): Promise<boolean | 'store-down'> {
    // A retry carries the same body as the first attempt (same event_id, trigger_id), so the
    // body's hash identifies the delivery across retries and replicas.
    const key = createHash('sha256').update(raw).digest('hex');
    try {
      const first = await this.options.seen.firstSeen(key, DELIVERY_TTL_MS);
      if (!first)
        this.options.logger.info(
          { retryNum, kind: describeKind(body) },
          'Slack delivered a request again; already taken in, not acted on twice',
        );
      return first;
    } catch (err) {
      this.options.logger.error(
        { err },
        'cannot record a Slack delivery in the store; refused it so nothing runs twice. Check REDIS_URL and Redis',
      );
      return 'store-down';
    }
  }

  private async dispatch(
    body: Record<string, unknown>,
    delivery: Promise<boolean | 'store-down'>,
    retryNum: string | undefined,
    retryReason: string | undefined,
  ): Promise<AckBody> {
    const app = this.app;
    if (!app) throw new Error('FastifySlackReceiver used before Bolt initialised it');
    let acked = false;
    let settle: (value: AckBody) => void = () => undefined;
    const answered = new Promise<AckBody>((resolve) => {
      settle = resolve;
    });
    const event: ReceiverEvent = {
      body,
      ...(retryNum !== undefined && { retryNum: Number(retryNum) }),
      ...(retryReason !== undefined && { retryReason }),
      ack: async (response?: unknown) => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        settle(response === undefined || response === null ? undefined : (response as AckBody));
        // The answer is on its way; the work behind this ack waits for the store's verdict.
        const verdict = await delivery;
        if (verdict === true) return;
        if (verdict === 'store-down' && isReadOnlyCommand(body)) {
          this.options.logger.warn(
            { kind: describeKind(body) },
            'answering a read-only command the store could not record (answering a retried read twice is harmless)',
          );
          return;
        }
        if (verdict === 'store-down') await this.options.onStoreDown?.(body);
        throw new DeliveryRefusedError(verdict === false ? 'duplicate' : 'store-down');
      },
    };
    const processing = app
      .processEvent(event)
      .catch((err: unknown) => {
        if (err instanceof DeliveryRefusedError) return;
        this.options.logger.error({ err, kind: describeKind(body) }, 'a Slack listener failed');
      })
      .finally(() => {
        this.inFlight.delete(processing);
        settle(undefined); // nothing acked (no listener matched): answer 200 so Slack does not retry
      });
    this.inFlight.add(processing);

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<AckBody>((resolve) => {
      timer = setTimeout(() => {
        this.options.logger.error(
          { kind: describeKind(body), deadlineMs: this.deadlineMs },
          'a Slack listener did not ack in time; answered empty',
        );
        resolve(undefined);
      }, this.deadlineMs);
    });
    const answer = await Promise.race([answered, deadline]);
    clearTimeout(timer);
    return answer;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Slash commands and interactivity are form-encoded (interactivity as `payload=` JSON); events are JSON. */
function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> | null {
  try {
    const text = raw.toString('utf8');
    // Media types are case-insensitive (RFC 9110 §8.3.1): `Application/X-WWW-Form-Urlencoded` is form too.
    if ((contentType ?? '').trimStart().toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      const form = parseQuery(text);
      if (typeof form.payload === 'string') return asRecord(JSON.parse(form.payload));
      return Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    }
    return asRecord(JSON.parse(text));
  } catch {
    return null;
  }
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function describeKind(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return `command ${body.command}`;
  return typeof body.type === 'string' ? body.type : 'unknown';
}
