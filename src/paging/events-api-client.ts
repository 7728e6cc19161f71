import type { Clock } from '../core/clock.js';
import type { EventsApiBody } from './events-api-event.js';
import { parseRetryAfterMs } from '../core/parse-retry-after.js';

/** One request's deadline, headers to end of body. PagerDuty answers in well under a second. */
export const EVENTS_REQUEST_TIMEOUT_MS = 10_000; // 10 seconds

/** What became of one POST to the Events API, sorted by what the queue must do with it. */
export type SendResult =
  /** 2xx (202 "Event processed"): delivered. */
  | { kind: 'accepted'; status: number }
  /** 400 and other 4xx that retrying cannot fix: drop the event, log the API's error. */
  | { kind: 'rejected'; status: number; message: string; errors: string[] }
  /** The routing key or endpoint is wrong (401, 403, 404, 400 "Invalid routing key"): stop and report. */
  | { kind: 'refused'; status: number; message: string; hint: string }
  /** 429, 5xx, 408, network error or timeout: retry later (Retry-After in ms when given). */
  | { kind: 'transient'; status?: number; message: string; retryAfterMs?: number }
  /** The caller's signal aborted the request (shutdown): hand the event back. */
  | { kind: 'aborted' };

/** Sends one event to the Events API v2. */
export interface EventsApi {
  send(body: EventsApiBody, signal?: AbortSignal): Promise<SendResult>;
}

export interface EventsApiClientOptions {
  /** PAGERDUTY_EVENTS_URL: https, port allowed, no trailing slash; `/v2/enqueue` is appended. */
  baseUrl: string;
  clock: Clock;
  requestTimeoutMs?: number;
}

/** Longest API error text kept for logs and the paging state. */
const MAX_ERROR_CHARS = 500;

/**
 * The Events API v2 over Node's fetch (undici), one attempt per call: retries belong to the
 * paging queue. @pagerduty/pdjs is not used because, as read in its build/src/common.js (2.2.4):
 * it re-sends a 429 itself three times (`fetch_retry(url, 3, …)`; the declared `retryCount`
 * option is never read, only the wait `retryTimeout`, default 20000 ms), so the queue could not
 * own retries or honour Retry-After; its `requestTimeout` is a no-op `setTimeout(() => {}, …)`
 * that aborts nothing and is not cleared on a network error, holding the process open 30 s
 * (measured); it JSON-parses every answer, so a proxy's HTML 502 loses its status; and `server`
 * takes host[:port] only, dropping any path in PAGERDUTY_EVENTS_URL. The request is the same:
 * POST https://{host[:port]}/v2/enqueue with the JSON event.
 */
export class EventsApiClient implements EventsApi {
  private readonly url: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: EventsApiClientOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/v2/enqueue`;
    this.timeoutMs = options.requestTimeoutMs ?? EVENTS_REQUEST_TIMEOUT_MS;
  }

  async send(body: EventsApiBody, signal?: AbortSignal): Promise<SendResult> {
    // Not AbortSignal.any([signal, timeout]): on Node 20 every call leaves a WeakRef in the
    // long-lived `signal` (the delivery loop's, alive for the whole process) that is never pruned;
    // measured ~140 bytes of heap per incident (two events), forever (bench/README.md,
    // incident-cycles). A per-request controller whose listener is removed leaves nothing behind.
    const request = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort(new Error(`PagerDuty did not answer within ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    const forward = (): void => request.abort(signal?.reason);
    if (signal?.aborted) forward();
    else signal?.addEventListener('abort', forward, { once: true });
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'lifeboat' },
        body: JSON.stringify(body),
        signal: request.signal,
      });
      text = await response.text();
    } catch (err) {
      if (signal?.aborted) return { kind: 'aborted' };
      if (timedOut) return { kind: 'transient', message: `PagerDuty did not answer within ${this.timeoutMs} ms` };
      return { kind: 'transient', message: `cannot reach PagerDuty: ${networkReason(err)}` };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forward);
    }
    return this.classify(response, text, body.routing_key);
  }

  // PagerDuty/developer-docs events-API-v2/01-Overview.md, "Response Codes & Retry Logic": 202
  // accepted (no retry); 400 "Check that the JSON is valid" (no retry); 429 "Too many API calls at
  // a time", 5xx and network errors: "retry after some time". 401/403/404 are not in that table;
  // they mean our key or URL is wrong, which no retry fixes.
  private classify(response: Response, text: string, routingKey: string): SendResult {
    const { status } = response;
    if (status >= 200 && status < 300) return { kind: 'accepted', status };
    const { message, errors } = apiError(text, routingKey);
    const said = [message, ...errors].filter(Boolean).join('; ') || `HTTP ${status}`;

    if (status === 429 || status === 408 || status >= 500) {
      const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), this.options.clock.now());
      return {
        kind: 'transient',
        status,
        message: `PagerDuty answered HTTP ${status}${status === 429 ? ' (rate limited)' : ''}`,
        ...(retryAfterMs !== null && { retryAfterMs }),
      };
    }
    if (status === 401 || status === 403) {
      return {
        kind: 'refused',
        status,
        message: said,
        hint: 'check PAGERDUTY_ROUTING_KEY: it must be the Integration Key of an Events API v2 integration',
      };
    }
    if (status === 404 || status === 405) {
      return { kind: 'refused', status, message: said, hint: `check PAGERDUTY_EVENTS_URL: ${this.url} is not an Events API v2 endpoint` };
    }
    // PagerDuty answers a wrong routing key with 400 "Invalid routing key" (seen in
    // robusta-dev/robusta#571) or "Length of 'routing_key' is incorrect" (blockpane/tenderduty#10):
    // every later event would fail the same way, so it is a configuration failure, not one bad event.
    if (status === 400 && /routing[ _]key/i.test(said)) {
      return {
        kind: 'refused',
        status,
        message: said,
        hint: 'check PAGERDUTY_ROUTING_KEY: PagerDuty does not accept it as an integration key',
      };
    }
    return { kind: 'rejected', status, message: message || `HTTP ${status}`, errors };
  }
}

/** `{"status":"invalid event","message":"Event object is invalid","errors":["…"]}`, or raw text. */
function apiError(text: string, routingKey: string): { message: string; errors: string[] } {
  const scrub = (value: string): string =>
    (routingKey.length > 0 ? value.split(routingKey).join('[Redacted]') : value).slice(0, MAX_ERROR_CHARS);
  try {
    const parsed = JSON.parse(text) as { message?: unknown; errors?: unknown };
    const message = typeof parsed.message === 'string' ? parsed.message : '';
    const errors = Array.isArray(parsed.errors) ? parsed.errors.filter((e): e is string => typeof e === 'string') : [];
    return { message: scrub(message), errors: errors.map(scrub) };
  } catch {
    return { message: scrub(text.trim()), errors: [] };
  }
}

function networkReason(err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    const detail = typeof cause?.message === 'string' ? cause.message : err.message;
    return code ? `${code} (${detail})` : detail;
  }
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
