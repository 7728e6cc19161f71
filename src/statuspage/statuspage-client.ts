import { backoffDelayMs } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { maskSecrets, type Logger } from '../observability/logger.js';
import { parseRetryAfterMs } from '../core/parse-retry-after.js';
import { StatusPageError } from './statuspage-error.js';

/** The part of Statuspage's incident answer we use. */
export interface StatuspageIncident {
  id: string;
  shortlink?: string;
}

/** The `incident` object of a create or update request (Statuspage API v1 field names). */
export interface StatuspageIncidentFields {
  name: string;
  status: string;
  body: string;
  impact_override?: string;
  component_ids?: string[];
  components?: Record<string, string>;
}

export interface StatuspageClientOptions {
  /** STATUSPAGE_API_URL, no trailing slash. */
  baseUrl: string;
  apiKey: string;
  pageId: string;
  logger: Logger;
  clock: Clock;
  /** Waits between rate-limited attempts; injected so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) for backoff jitter; injected so tests are deterministic. */
  random?: () => number;
  /** Attempts per call when rate-limited, first included. */
  maxAttempts?: number;
  /** A Retry-After longer than this fails at once instead of holding the run. */
  maxRetryWaitMs?: number;
  /** One request, connect to last byte. */
  requestTimeoutMs?: number;
}

// Statuspage API v1 (OpenAPI info): "Each API token is limited to 1 request / second as measured
// on a 60 second rolling window ... Error codes 420 or 429 indicate that you have exceeded the
// rate limit and the request has been rejected." Rejected means not applied, so those two (and
// only those) are safe to send again.
const RATE_LIMITED = new Set([420, 429]);
export const STATUSPAGE_MAX_ATTEMPTS = 5;
export const STATUSPAGE_BASE_BACKOFF_MS = 2_000; // 2 seconds, doubled per attempt
export const STATUSPAGE_MAX_RETRY_WAIT_MS = 60_000; // 1 minute: the rate limit's rolling window
export const STATUSPAGE_REQUEST_TIMEOUT_MS = 10_000; // 10 seconds
/** Provider error text kept for the log. */
const MAX_ERROR_TEXT = 300;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Statuspage REST API v1 for one page: create and update incidents. Authenticates with
 * `Authorization: OAuth <key>`; retries only rate-limit answers, honouring Retry-After; turns
 * every other failure into a StatusPageError at once (a 5xx or a timeout may have created the
 * incident, so resending could post it twice).
 */
export class StatuspageClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly maxAttempts: number;
  private readonly maxRetryWaitMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly options: StatuspageClientOptions) {
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.maxAttempts = options.maxAttempts ?? STATUSPAGE_MAX_ATTEMPTS;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? STATUSPAGE_MAX_RETRY_WAIT_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? STATUSPAGE_REQUEST_TIMEOUT_MS;
  }

  /** POST /pages/{page_id}/incidents */
  createIncident(incident: StatuspageIncidentFields): Promise<StatuspageIncident> {
    return this.send('POST', `/pages/${encodeURIComponent(this.options.pageId)}/incidents`, { incident });
  }

  /** PATCH /pages/{page_id}/incidents/{incident_id}: the body becomes a new incident update. */
  updateIncident(incidentId: string, incident: StatuspageIncidentFields): Promise<StatuspageIncident> {
    const path = `/pages/${encodeURIComponent(this.options.pageId)}/incidents/${encodeURIComponent(incidentId)}`;
    return this.send('PATCH', path, { incident });
  }

  private async send(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<StatuspageIncident> {
    const { logger, clock } = this.options;
    const operation = `${method} ${path}`;
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.request(method, path, body, operation);
      if (response.ok) return this.readIncident(response, operation);
      if (!RATE_LIMITED.has(response.status)) throw await this.failure(response, operation);

      const asked = parseRetryAfterMs(response.headers.get('retry-after'), clock.now());
      if (asked !== null && asked > this.maxRetryWaitMs) {
        throw this.rateLimited(operation, response.status, `it asked to wait ${Math.ceil(asked / 1000)} s`);
      }
      if (attempt >= this.maxAttempts) {
        throw this.rateLimited(operation, response.status, `still limited after ${attempt} attempts`);
      }
      // Equal jitter, so replicas limited together do not retry in step.
      const waitMs = asked ?? backoffDelayMs(attempt, { baseMs: STATUSPAGE_BASE_BACKOFF_MS, maxMs: this.maxRetryWaitMs }, this.random);
      logger.warn(
        { operation, httpStatus: response.status, attempt, waitMs },
        `Statuspage rate-limited ${operation} (HTTP ${response.status}); retrying in ${waitMs} ms`,
      );
      await this.sleep(waitMs);
    }
  }

  private async request(method: string, path: string, body: unknown, operation: string): Promise<Response> {
    try {
      return await fetch(`${this.options.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `OAuth ${this.options.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (err) {
      const reason = maskSecrets(describeFetchError(err));
      throw new StatusPageError('LIFEBOAT_STATUSPAGE_UNAVAILABLE', `Statuspage ${operation} failed: ${reason}`, {
        userMessage:
          'Statuspage did not answer, so the update may or may not have been published. Check the status page before trying again.',
        hint: 'check STATUSPAGE_API_URL and that this host can reach it',
        cause: err,
      });
    }
  }

  private async readIncident(response: Response, operation: string): Promise<StatuspageIncident> {
    const parsed: unknown = await response.json().catch(() => null);
    const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    if (typeof record.id !== 'string' || record.id === '') {
      throw new StatusPageError(
        'LIFEBOAT_STATUSPAGE_BAD_RESPONSE',
        `Statuspage answered ${operation} with HTTP ${response.status} but no incident id`,
        {
          userMessage: 'Statuspage accepted the update but did not say which incident it is. Check the status page.',
          hint: 'check STATUSPAGE_API_URL points at the Statuspage API (https://api.statuspage.io/v1)',
          httpStatus: response.status,
        },
      );
    }
    return { id: record.id, ...(typeof record.shortlink === 'string' && { shortlink: record.shortlink }) };
  }

  private async failure(response: Response, operation: string): Promise<StatusPageError> {
    const status = response.status;
    const detail = await errorText(response);
    const message = `Statuspage answered ${operation} with HTTP ${status}${detail ? `: ${detail}` : ''}`;
    if (status === 401) {
      return new StatusPageError('LIFEBOAT_STATUSPAGE_UNAUTHORIZED', message, {
        userMessage:
          "Statuspage refused Lifeboat's API key, so nothing was published. Ask whoever runs Lifeboat to fix its Statuspage key.",
        hint: "check STATUSPAGE_API_KEY: a Statuspage API key (profile > API info), sent as 'Authorization: OAuth <key>'",
        httpStatus: status,
      });
    }
    if (status === 403) {
      return new StatusPageError('LIFEBOAT_STATUSPAGE_UNAUTHORIZED', message, {
        userMessage:
          "Statuspage does not let Lifeboat's key post to this page, so nothing was published. Ask whoever runs Lifeboat to check its access.",
        hint: `check statuspage.pageId (${this.options.pageId}) and that the key's user may manage incidents on that page`,
        httpStatus: status,
      });
    }
    if (status >= 500) {
      return new StatusPageError('LIFEBOAT_STATUSPAGE_UNAVAILABLE', message, {
        userMessage:
          'Statuspage had an error, so the update may or may not have been published. Check the status page before trying again.',
        hint: 'Statuspage server error; see https://metastatuspage.com for its own status',
        httpStatus: status,
      });
    }
    return new StatusPageError('LIFEBOAT_STATUSPAGE_REJECTED', message, {
      userMessage: `Statuspage refused the update (HTTP ${status}), so nothing was published.`,
      hint:
        status === 404
          ? `check statuspage.pageId (${this.options.pageId}); the incident may have been deleted on Statuspage`
          : "the log line has Statuspage's reason",
      httpStatus: status,
    });
  }

  private rateLimited(operation: string, status: number, why: string): StatusPageError {
    return new StatusPageError('LIFEBOAT_STATUSPAGE_RATE_LIMITED', `Statuspage rate-limited ${operation} (HTTP ${status}): ${why}`, {
      userMessage: 'Statuspage is limiting how often Lifeboat may post, so nothing was published. Try again in a minute.',
      hint: 'Statuspage allows about 1 request per second per API key over a 60 s window; another tool may share this key',
      httpStatus: status,
    });
  }
}

/** Statuspage's error text (`{"message": ...}` or `{"error": ...}`), short and masked, for the log. */
async function errorText(response: Response): Promise<string> {
  const raw = await response.text().catch(() => '');
  let text = raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null) {
      const { message, error } = parsed as Record<string, unknown>;
      const picked = message ?? error;
      text = typeof picked === 'string' ? picked : Array.isArray(picked) ? picked.join('; ') : raw;
    }
  } catch {
    // Not JSON: keep the raw text.
  }
  return maskSecrets(text.replace(/\s+/g, ' ').trim()).slice(0, MAX_ERROR_TEXT);
}

function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'no answer within the request timeout';
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return `${err.message}${cause}`;
  }
  return String(err);
}
