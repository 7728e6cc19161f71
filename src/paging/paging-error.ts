import { LifeboatError } from '../core/lifeboat-error.js';

/**
 * Coded paging errors. The codes are stable (logs, /readyz); `message` is safe to show operators;
 * `hint` names the setting to check, for logs and readiness.
 */
export type PagingErrorCode =
  /** PagerDuty refuses the routing key (401, 403, 400 "Invalid routing key"). */
  | 'LIFEBOAT_PAGING_KEY_REFUSED'
  /** PAGERDUTY_EVENTS_URL does not lead to the Events API (404, 405). */
  | 'LIFEBOAT_PAGING_ENDPOINT_REFUSED';

/** A configuration failure that stops delivery until it is fixed and Lifeboat restarted. */
export class PagingError extends LifeboatError<PagingErrorCode> {
  override readonly name = 'PagingError';
  declare readonly hint: string;

  constructor(
    code: PagingErrorCode,
    message: string,
    hint: string,
    readonly httpStatus: number,
    /** Epoch ms when it was first seen. */
    readonly since: number,
  ) {
    super(code, message, { hint });
  }
}
