import { Agent, type Dispatcher } from 'undici';
import type { Measurement, ProbeErrorKind, ProbeOutcome } from '../../core/check-result.js';
import type { Severity } from '../../core/severity.js';
import { scanBody } from './http-body.js';
import { classifyError, formatBytes, formatMs } from './http-errors.js';
import { displayUnparsedUrl, prepareUrl, scrub, type PreparedUrl } from './http-url.js';

/** One HTTP check, as the config describes it. */
export interface HttpProbeSpec {
  url: string;
  method: 'GET' | 'HEAD';
  /** Whole-request deadline: connect, headers and body. */
  timeoutMs: number;
  /** `bodyContains` is matched as UTF-8 bytes; ignored for HEAD, which has no body. */
  expect: { status: number[]; bodyContains?: string };
  /**
   * Reading stops there. With `bodyContains` a longer body fails the check; without, the rest is
   * discarded (socket closed) and the status alone decides.
   */
  maxBodyBytes: number;
  severity: Severity;
}

/** How the prober talks HTTP. */
export interface HttpProberOptions {
  /** Use this dispatcher instead of an owned keep-alive Agent; `close()` leaves it open. */
  dispatcher?: Dispatcher;
  /** Sockets per origin; requests beyond it queue in the pool (default 64). */
  connectionsPerOrigin?: number;
  /** How long an idle keep-alive socket is kept, ms (default 4000, capped by the server's hint). */
  keepAliveTimeoutMs?: number;
  userAgent?: string;
}

/** How a caller's signal relates to the spec's deadline. */
export interface ProbeCallOptions {
  /**
   * The caller's signal aborts with a `TimeoutError` when `spec.timeoutMs` has passed (the
   * scheduler's per-run deadline, see ScheduledJob.abortAfterMs): the prober then arms no timer
   * and makes no abort signal of its own, and reports that abort as the probe's timeout.
   */
  signalCarriesDeadline?: boolean;
}

/** Runs HTTP probes over one shared connection pool. */
export interface HttpProber {
  /** Never rejects: every failure is an outcome with `ok: false` and a distinct `error.kind`. */
  probe(spec: HttpProbeSpec, signal?: AbortSignal, options?: ProbeCallOptions): Promise<ProbeOutcome>;
  /** Closes the owned pool once in-flight requests end; safe to call twice. */
  close(): Promise<void>;
}

// An unexpected status is already the verdict; read a small error page so the socket is reused.
const DISCARD_LIMIT_BYTES = 64 * 1024;
const NO_NEEDLE = Buffer.alloc(0);

/** What a spec needs on every run, worked out on its first. */
interface PreparedSpec {
  url: PreparedUrl;
  /** Shared by every spec without credentials: undici only reads it. */
  headers: Readonly<Record<string, string>>;
  /** Shared by every spec looking for the same text. */
  needle: Buffer | undefined;
  /** The measurement of the latest pass, reused while the status stays the same (most runs). */
  passMeasurement: HttpMeasurement | undefined;
}

type HttpMeasurement = Extract<Measurement, { kind: 'http' }>;

/** How a probe learns that its time is up or that it was cancelled. */
interface ProbeDeadline {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  clear(): void;
}

/**
 * The caller's signal is the deadline (ProbeCallOptions.signalCarriesDeadline): one abort signal
 * per run, the caller's. A `TimeoutError` abort is the deadline; any other abort a cancellation.
 */
class CallerDeadline implements ProbeDeadline {
  constructor(readonly signal: AbortSignal) {}

  get timedOut(): boolean {
    return this.signal.aborted && isTimeoutReason(this.signal.reason);
  }

  get cancelled(): boolean {
    return this.signal.aborted && !isTimeoutReason(this.signal.reason);
  }

  clear(): void {}
}

/** Aborts at the deadline or when the caller's signal aborts, and remembers which came first. */
class Deadline implements ProbeDeadline {
  readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  timedOut = false;
  cancelled = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onCancel: (() => void) | undefined;

  constructor(
    timeoutMs: number,
    private readonly external?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new DOMException(`deadline of ${timeoutMs}ms passed`, 'TimeoutError'));
    }, timeoutMs);
    if (external) {
      this.onCancel = () => {
        if (this.timedOut) return;
        this.cancelled = true;
        this.controller.abort(external.reason);
      };
      external.addEventListener('abort', this.onCancel, { once: true });
    }
  }

  clear(): void {
    clearTimeout(this.timer);
    if (this.onCancel) this.external?.removeEventListener('abort', this.onCancel);
  }
}

/** Creates an HTTP prober with a shared keep-alive pool (undici). */
export function createHttpProber(options: HttpProberOptions = {}): HttpProber {
  const owned = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connectionsPerOrigin ?? 64,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    });
  const userAgent = options.userAgent ?? 'lifeboat-monitor';
  // Specs are long-lived, immutable config objects: parse each URL once, not on every probe.
  const cache = new WeakMap<HttpProbeSpec, PreparedSpec>();
  const plainHeaders = Object.freeze({ 'user-agent': userAgent, accept: '*/*' });
  const needles = new Map<string, Buffer>();
  const origins = new Map<string, string>();

  const prepare = (spec: HttpProbeSpec): PreparedSpec => {
    let entry = cache.get(spec);
    if (entry === undefined) {
      const url = prepareUrl(spec.url);
      // Thousands of checks usually share a handful of origins: keep one string of each.
      const origin = origins.get(url.origin);
      if (origin === undefined) origins.set(url.origin, url.origin);
      else url.origin = origin;
      const headers = url.authorization ? { ...plainHeaders, authorization: url.authorization } : plainHeaders;
      const contains = spec.expect.bodyContains;
      let needle: Buffer | undefined;
      if (contains !== undefined && spec.method !== 'HEAD') {
        needle = needles.get(contains);
        if (needle === undefined) {
          needle = Buffer.from(contains);
          needles.set(contains, needle);
        }
      }
      entry = { url, headers, needle, passMeasurement: undefined };
      cache.set(spec, entry);
    }
    return entry;
  };

  const probe = async (spec: HttpProbeSpec, signal?: AbortSignal, options?: ProbeCallOptions): Promise<ProbeOutcome> => {
    const startedAt = performance.now();
    let prepared: PreparedSpec;
    try {
      prepared = prepare(spec);
    } catch {
      const shown = displayUnparsedUrl(spec.url);
      return failure(spec, shown, undefined, 'error', 'invalid URL', `invalid URL: ${shown}`);
    }
    const { display, origin, path, secrets } = prepared.url;
    const fail = (kind: ProbeErrorKind, summary: string, message: string, status?: number): ProbeOutcome =>
      failure(spec, display, status, kind, scrub(summary, secrets), scrub(message, secrets));
    if (signal?.aborted) return fail(cancelKind(signal), 'probe cancelled', 'cancelled before it started');

    const deadline: ProbeDeadline =
      signal !== undefined && options?.signalCarriesDeadline === true ? new CallerDeadline(signal) : new Deadline(spec.timeoutMs, signal);
    let status: number | undefined;
    try {
      // The dispatcher's own request(): undici's top-level one builds a URL object every call.
      const response = await dispatcher.request({ origin, path, method: spec.method, headers: prepared.headers, signal: deadline.signal });
      status = response.statusCode;
      if (!spec.expect.status.includes(status)) {
        await response.body.dump({ limit: DISCARD_LIMIT_BYTES, signal: deadline.signal }).catch(() => {});
        const expected = spec.expect.status.join(', ');
        return fail('unexpected-status', `HTTP ${status} (expected ${expected})`, `status ${status} not in [${expected}]`, status);
      }
      // Read to the end even with nothing to look for: a body that breaks off is a failure too.
      const verdict = await scanBody(response.body, prepared.needle ?? NO_NEEDLE, spec.maxBodyBytes);
      if (prepared.needle !== undefined) {
        if (verdict === 'too-large') {
          const limit = formatBytes(spec.maxBodyBytes);
          return fail('body-too-large', `body larger than ${limit}`, `stopped reading after ${spec.maxBodyBytes} bytes`, status);
        }
        if (verdict === 'missing') {
          const shown = quoteNeedle(spec.expect.bodyContains ?? '');
          return fail('body-mismatch', `body does not contain ${shown}`, `HTTP ${status} body lacks ${shown}`, status);
        }
      }
      let measurement = prepared.passMeasurement;
      if (measurement?.status !== status) {
        measurement = Object.freeze({ kind: 'http', status, url: display });
        prepared.passMeasurement = measurement;
      }
      return { ok: true, severity: null, summary: passSummary(status, Math.round(performance.now() - startedAt)), measurement };
    } catch (err) {
      if (deadline.timedOut) {
        const phase = status === undefined ? 'no response headers' : `HTTP ${status} but body not complete`;
        return fail('timeout', `timeout after ${formatMs(spec.timeoutMs)}`, `${phase} within ${spec.timeoutMs}ms`, status);
      }
      if (deadline.cancelled && signal) {
        const elapsed = formatMs(performance.now() - startedAt);
        return fail(cancelKind(signal), 'probe cancelled', `cancelled by the caller after ${elapsed}`, status);
      }
      const failed = classifyError(err, new URL(origin).hostname);
      return fail(failed.kind, failed.summary, failed.message, status);
    } finally {
      deadline.clear();
    }
  };

  let closing: Promise<void> | undefined;
  return {
    probe,
    // Idempotent: app shutdown paths may close twice, and undici rejects a second close.
    close: () => (closing ??= owned ? dispatcher.close() : Promise.resolve()),
  };
}

// `HTTP 200 in 3ms` for nearly every run: the few distinct ones are kept (a bounded set: statuses
// times whole milliseconds), so a passing run makes no string, and the string every check's
// latest result holds is one shared flat string instead of a rope of its own.
const passSummaries = new Map<number, string>();
const MAX_PASS_SUMMARIES = 4096;
const CACHED_MS_LIMIT = 1 << 16;

function passSummary(status: number, elapsedMs: number): string {
  if (elapsedMs >= CACHED_MS_LIMIT) return `HTTP ${status} in ${elapsedMs}ms`;
  const key = status * CACHED_MS_LIMIT + elapsedMs;
  let summary = passSummaries.get(key);
  if (summary === undefined) {
    if (passSummaries.size >= MAX_PASS_SUMMARIES) passSummaries.clear();
    summary = ['HTTP ', status, ' in ', elapsedMs, 'ms'].join('');
    passSummaries.set(key, summary);
  }
  return summary;
}

/** A caller's timeout (the scheduler's per-run deadline) is still a timeout; anything else is not. */
function cancelKind(signal: AbortSignal): ProbeErrorKind {
  return isTimeoutReason(signal.reason) ? 'timeout' : 'error';
}

function isTimeoutReason(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

function quoteNeedle(needle: string): string {
  return JSON.stringify(needle.length > 40 ? `${needle.slice(0, 37)}...` : needle);
}

function failure(
  spec: HttpProbeSpec,
  url: string,
  status: number | undefined,
  kind: ProbeErrorKind,
  summary: string,
  message: string,
): ProbeOutcome {
  return {
    ok: false,
    severity: spec.severity,
    summary,
    measurement: status === undefined ? { kind: 'http', url } : { kind: 'http', status, url },
    error: { kind, message },
  };
}
