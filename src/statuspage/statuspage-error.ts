import { LifeboatError } from '../core/lifeboat-error.js';

/**
 * Coded status-page errors. Two audiences: `userMessage` is a plain sentence safe to show in
 * Slack (no URL, key or provider internals); `message` and `hint` are for the log and name the
 * setting to check.
 */
export type StatusPageErrorCode =
  /** The update breaks a rule or a provider limit; nothing was sent. */
  | 'LIFEBOAT_STATUSPAGE_INVALID_UPDATE'
  /** The provider refused the API key (401) or its rights on the page (403). Not retried. */
  | 'LIFEBOAT_STATUSPAGE_UNAUTHORIZED'
  /** Still rate-limited (420/429) after every retry. */
  | 'LIFEBOAT_STATUSPAGE_RATE_LIMITED'
  /** The provider refused the request (400, 404, 422, ...). */
  | 'LIFEBOAT_STATUSPAGE_REJECTED'
  /** No answer, a 5xx or a timeout: whether the post landed is unknown, so it is not retried blindly. */
  | 'LIFEBOAT_STATUSPAGE_UNAVAILABLE'
  /** Another publish for the same incident held the lock for too long. */
  | 'LIFEBOAT_STATUSPAGE_BUSY'
  /** The provider answered 2xx with a body we cannot use. */
  | 'LIFEBOAT_STATUSPAGE_BAD_RESPONSE';

export interface StatusPageErrorOptions {
  userMessage: string;
  /** What an operator should check, for the log. */
  hint?: string;
  /** HTTP status the provider answered, when it answered. */
  httpStatus?: number;
  cause?: unknown;
}

/** A status-page failure with a code, a user-safe sentence and a log hint. */
export class StatusPageError extends LifeboatError<StatusPageErrorCode> {
  override readonly name = 'StatusPageError';
  declare readonly userMessage: string;
  readonly httpStatus?: number;

  constructor(code: StatusPageErrorCode, message: string, options: StatusPageErrorOptions) {
    super(code, message, options);
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
  }
}

/** Builds the INVALID_UPDATE error whose user sentence and log message are the same text. */
export function invalidUpdate(problem: string): StatusPageError {
  return new StatusPageError('LIFEBOAT_STATUSPAGE_INVALID_UPDATE', problem, { userMessage: problem });
}
