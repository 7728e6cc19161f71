import { webApi } from '@slack/bolt';
import { LifeboatError } from '../core/lifeboat-error.js';
import { recordOf } from './untyped-fields.js';

/** Every failure the bot reports, by code; logs name the code, users get a plain sentence. */
export type SlackBotErrorCode =
  | 'LIFEBOAT_SLACK_AUTH'
  | 'LIFEBOAT_SLACK_MISSING_SCOPE'
  | 'LIFEBOAT_SLACK_CHANNEL'
  | 'LIFEBOAT_SLACK_RATE_LIMITED'
  | 'LIFEBOAT_SLACK_UNAVAILABLE'
  | 'LIFEBOAT_SLACK_API_ERROR'
  | 'LIFEBOAT_SLACK_RESPONSE_URL';

/**
 * A Slack call that failed, with what to check (`hint`, for logs) and whether trying again
 * later can help (`retryable`: network, 5xx, rate limits).
 */
export class SlackBotError extends LifeboatError<SlackBotErrorCode> {
  override readonly name = 'SlackBotError';
  declare readonly hint: string;

  constructor(
    code: SlackBotErrorCode,
    message: string,
    readonly details: {
      method: string;
      slackError?: string;
      retryable: boolean;
      hint: string;
      retryAfterSeconds?: number;
      /**
       * The call may have been carried out although it failed here (a timeout or a lost answer after
       * the request was sent): a non-idempotent call such as chat.postMessage must be looked for
       * (SlackGateway.findPosted) before it is sent again.
       */
      ambiguous?: boolean;
      /**
       * Slack's `response_metadata.messages` on a refusal: for invalid_blocks they name the failing
       * block (`[ERROR] … [json-pointer:/blocks/0/…]`).
       */
      slackMessages?: string[];
    },
    options: { cause?: unknown } = {},
  ) {
    super(code, message, {
      userMessage: 'Lifeboat could not reach Slack to finish this. Try again in a minute.',
      hint: details.hint,
      cause: options.cause,
    });
  }

  get retryable(): boolean {
    return this.details.retryable;
  }
}

const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission']);
const CHANNEL_ERRORS = new Set(['channel_not_found', 'not_in_channel', 'is_archived']);
// Slack's own transient failures: worth another try.
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/**
 * Wraps whatever a Web API call threw into a SlackBotError naming the method and what to check.
 * `nonIdempotent`: the call must not be repeated blindly (chat.postMessage…); a failure after which
 * Slack may nonetheless have carried it out is then flagged `ambiguous` (and retryable).
 */
export function toSlackBotError(method: string, err: unknown, options: { nonIdempotent?: boolean } = {}): SlackBotError {
  const error = classify(method, err);
  if (!options.nonIdempotent || error.details.ambiguous || !outcomeUnknown(err)) return error;
  return new SlackBotError(
    error.code,
    `${error.message} (it may have been carried out)`,
    {
      ...error.details,
      retryable: true,
      ambiguous: true,
      hint: `${error.details.hint}; Slack may have carried ${method} out: look for its result (findPosted) before sending it again`,
    },
    { cause: err },
  );
}

/** Errors on which Slack's documentation says part of the operation may have succeeded. */
const MAY_HAVE_RUN_ERRORS = new Set(['internal_error', 'fatal_error']);
/** Network errors raised before the request could reach Slack: nothing was carried out. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_INVALID_URL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether Slack may have carried out a call that failed here: a timeout or a lost connection
 * after the request was sent, a 5xx (from Slack or a proxy that may have forwarded it), or
 * internal_error / fatal_error ("It's possible some aspect of the operation succeeded before the
 * error was raised", Slack's common errors). A 429 or any other refusal means nothing was done.
 */
export function outcomeUnknown(err: unknown): boolean {
  if (err instanceof SlackBotError) return err.details.ambiguous === true;
  if (err instanceof webApi.WebAPIPlatformError) return MAY_HAVE_RUN_ERRORS.has(err.data.error);
  if (err instanceof webApi.WebAPIRateLimitedError) return false;
  if (err instanceof webApi.WebAPIHTTPError) return err.statusCode >= 500 || err.statusCode === 408;
  const original = err instanceof webApi.WebAPIRequestError ? err.original : err;
  return !NOT_SENT_CODES.has(errorCode(original) ?? '');
}

function errorCode(err: unknown): string | undefined {
  // undici: TypeError('fetch failed') with the socket error as `cause`.
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function classify(method: string, err: unknown): SlackBotError {
  if (err instanceof SlackBotError) return err;
  if (err instanceof webApi.WebAPIPlatformError) {
    const slackError = err.data.error;
    // missing_scope answers carry the scope that was needed: { error, needed, provided }.
    const data = recordOf(err.data) ?? {};
    const needed = typeof data.needed === 'string' ? data.needed : undefined;
    const messages = (data.response_metadata as { messages?: unknown } | undefined)?.messages;
    const slackMessages = Array.isArray(messages) ? { slackMessages: messages.filter((m): m is string => typeof m === 'string') } : {};
    if (AUTH_ERRORS.has(slackError)) {
      return new SlackBotError(
        'LIFEBOAT_SLACK_AUTH',
        `Slack refused ${method}: ${slackError}`,
        {
          method,
          slackError,
          retryable: false,
          hint: 'check SLACK_BOT_TOKEN: it must be the bot token (xoxb-…) of an app installed in this workspace',
        },
        { cause: err },
      );
    }
    if (slackError === 'missing_scope') {
      return new SlackBotError(
        'LIFEBOAT_SLACK_MISSING_SCOPE',
        `Slack refused ${method}: missing scope ${needed ?? '(unknown)'}`,
        {
          method,
          slackError,
          retryable: false,
          hint: `add the ${needed ?? 'missing'} scope to the app (deploy/slack-app-manifest.yaml lists them) and reinstall it`,
        },
        { cause: err },
      );
    }
    if (CHANNEL_ERRORS.has(slackError)) {
      return new SlackBotError(
        'LIFEBOAT_SLACK_CHANNEL',
        `Slack refused ${method}: ${slackError}`,
        {
          method,
          slackError,
          retryable: false,
          hint: 'check slack.channel in the config and invite the bot to that channel (/invite @Lifeboat)',
        },
        { cause: err },
      );
    }
    return new SlackBotError(
      'LIFEBOAT_SLACK_API_ERROR',
      `Slack refused ${method}: ${slackError}`,
      {
        method,
        slackError,
        retryable: TRANSIENT_ERRORS.has(slackError),
        hint: `see the Slack documentation of ${method} for "${slackError}"`,
        ...slackMessages,
      },
      { cause: err },
    );
  }
  if (err instanceof webApi.WebAPIRateLimitedError) return rateLimited(method, err.retryAfter, err);
  if (err instanceof webApi.WebAPIHTTPError) {
    return new SlackBotError(
      'LIFEBOAT_SLACK_UNAVAILABLE',
      `Slack answered ${method} with HTTP ${err.statusCode}`,
      {
        method,
        retryable: err.statusCode >= 500 || err.statusCode === 408,
        hint: 'Slack or a proxy in between is failing; check SLACK_API_URL and https://slack-status.com',
      },
      { cause: err },
    );
  }
  const reason = err instanceof webApi.WebAPIRequestError ? err.original.message : err instanceof Error ? err.message : String(err);
  return new SlackBotError(
    'LIFEBOAT_SLACK_UNAVAILABLE',
    `Slack could not be reached for ${method}: ${reason}`,
    {
      method,
      retryable: true,
      hint: 'check network access to SLACK_API_URL (default https://slack.com/api/) from this host',
    },
    { cause: err },
  );
}

/** A 429 that outlasted the retries, or asked for a longer wait than we are willing to block. */
export function rateLimited(method: string, retryAfterSeconds: number, cause?: unknown): SlackBotError {
  return new SlackBotError(
    'LIFEBOAT_SLACK_RATE_LIMITED',
    `Slack rate-limited ${method} (Retry-After ${retryAfterSeconds}s)`,
    {
      method,
      retryable: true,
      retryAfterSeconds,
      hint: 'Slack asked us to slow down; the call is retried after Retry-After',
    },
    cause === undefined ? {} : { cause },
  );
}
