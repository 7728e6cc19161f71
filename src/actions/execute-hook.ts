import { Agent } from 'undici';
import { formatDurationHms } from '../core/format-time.js';
import type { HookRequestCall } from '../core/plan.js';
import { maskSecrets } from '../observability/logger.js';
import { ActionError } from './action-error.js';
import type { CallResult } from './execute-call.js';

/** What sending a hook needs: the tokens this replica holds, and the run's stop signal. */
export interface HookEnv {
  hookTokens?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
}

/** Most of an answer's body shown when the status was not the expected one, characters. */
const SHOWN_BODY_CHARS = 200;
/** Most of an answer's body read at all, bytes: enough for the snippet, bounded against a huge reply. */
const READ_BODY_BYTES = 16 * 1024;

/**
 * Errors raised before a single byte of the request left this process: DNS failures, a refused or
 * unreachable connection, a connect timeout, a certificate refused during the TLS handshake (the
 * request is written only after it). Anything else may have happened after the request was sent.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The hook's name, from its step id (`hook-scale-dr-api`). */
function hookName(call: HookRequestCall): string {
  return call.id.replace(/^hook-/, '');
}

/** The innermost error code: undici wraps the socket error (`TypeError: fetch failed`, cause `{ code }`). */
function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    current = cause;
  }
  return undefined;
}

/**
 * Text from the hook's answer, safe for Slack and the log: the token (if the hook echoes it) and
 * token-shaped strings masked, control and invisible formatting characters (Cf) turned to spaces,
 * whitespace collapsed, cut visibly to SHOWN_BODY_CHARS.
 */
export function sanitizeHookText(text: string, token: string | undefined): string {
  const withoutToken = token ? text.split(token).join('[Redacted]') : text;
  const flat = maskSecrets(withoutToken)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...flat];
  return chars.length > SHOWN_BODY_CHARS ? `${chars.slice(0, SHOWN_BODY_CHARS).join('')}…` : flat;
}

/** Up to READ_BODY_BYTES of the answer; whatever could be read if the stream fails. */
async function readSome(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < READ_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The status is what decides; a body cut off by the deadline still shows what arrived.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, READ_BODY_BYTES));
}

/**
 * Sends one hook request exactly as planned, once: a hook is not known to be idempotent, so nothing
 * here retries and no redirect is followed (it would send the request again, elsewhere). The
 * deadline is a hard timeout on the whole exchange, combined with the run's stop signal. An
 * expected status is done; any other fails naming it and the start of the body. When the request
 * may have reached the hook but no answer came (deadline, reset), the step fails with
 * LIFEBOAT_HOOK_OUTCOME_UNKNOWN; when it cannot have (refused, no such host), with
 * LIFEBOAT_HOOK_NOT_DELIVERED.
 */
export async function executeHook(call: HookRequestCall, env: HookEnv): Promise<CallResult> {
  const { input } = call;
  const name = hookName(call);
  const target = `hook ${name} (${input.method} ${input.url})`;
  const token = input.bearerTokenFrom ? env.hookTokens?.[input.bearerTokenFrom] : undefined;
  if (input.bearerTokenFrom && !token) {
    throw new ActionError(
      'LIFEBOAT_HOOK_NOT_DELIVERED',
      `${target} was not called: the approved plan sends a bearer token from ${input.bearerTokenFrom}, which this replica does not have. Set it, then /dr resume.`,
      `${input.bearerTokenFrom} is not set (or empty) on this replica`,
    );
  }
  if (env.signal?.aborted) {
    throw new ActionError('LIFEBOAT_RUN_ABORTED', `The run was stopped before ${target} was called; it was not sent.`);
  }
  const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5', 'user-agent': 'lifeboat' };
  if (input.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;

  // A per-request controller (not AbortSignal.any, which leaks on Node 20 into a long-lived signal:
  // see EventsApiClient) carries both the deadline and the run's stop.
  const request = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    request.abort(new Error(`no answer within ${formatDurationHms(input.timeoutMs)}`));
  }, input.timeoutMs);
  const forward = (): void => request.abort(env.signal?.reason);
  env.signal?.addEventListener('abort', forward, { once: true });
  // undici's own header and body timeouts (300 s each by default) would cut a hook allowed 15
  // minutes: the deadline above is the only one. Closed after the one request.
  const dispatcher = new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  try {
    let response: Response;
    try {
      const init: RequestInit = {
        method: input.method,
        headers,
        redirect: 'manual',
        signal: request.signal,
        ...(input.body !== undefined && { body: JSON.stringify(input.body) }),
      };
      // Node's fetch takes undici's `dispatcher` option; its types come from the undici bundled in
      // Node, which the npm undici's Agent does not match by type, only at run time.
      response = await fetch(input.url, Object.assign(init, { dispatcher }));
    } catch (err) {
      throw sendError(err, { target, timedOut, stopped: env.signal?.aborted === true, timeoutMs: input.timeoutMs });
    }
    const text = await readSome(response);
    const status = response.status;
    if (!input.expectStatus.includes(status)) {
      const shown = sanitizeHookText(text, token);
      const redirect = status >= 300 && status < 400 ? ' (a redirect: not followed, the request is sent only where it was approved)' : '';
      throw new ActionError(
        'LIFEBOAT_HOOK_FAILED',
        `${target} answered HTTP ${status}${redirect}, expected ${input.expectStatus.join(', ')}${shown ? `: ${shown}` : ''}. It was not sent again; check the hook, then /dr resume to call it again.`,
        `unexpected status ${status}`,
      );
    }
    return {
      message: `${target} answered HTTP ${status}`,
      detail: { status },
    };
  } finally {
    clearTimeout(timer);
    env.signal?.removeEventListener('abort', forward);
    dispatcher.destroy().catch(() => undefined);
  }
}

function sendError(err: unknown, at: { target: string; timedOut: boolean; stopped: boolean; timeoutMs: number }): ActionError {
  const resumeAdvice = 'Check whether it acted before /dr resume, which would call it again.';
  if (at.stopped) {
    return new ActionError(
      'LIFEBOAT_RUN_ABORTED',
      `The run was stopped while ${at.target} was in flight: it may or may not have acted, and it was not sent again. ${resumeAdvice}`,
    );
  }
  if (at.timedOut) {
    return new ActionError(
      'LIFEBOAT_HOOK_OUTCOME_UNKNOWN',
      `${at.target} did not answer within ${formatDurationHms(at.timeoutMs)}: it may or may not have acted, and it was not sent again. ${resumeAdvice}`,
      'hook deadline passed with no answer',
    );
  }
  const code = errorCode(err);
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return new ActionError(
      'LIFEBOAT_HOOK_NOT_DELIVERED',
      `${at.target} was not delivered (${code}): the connection failed before the request was sent, so the hook did not act. Fix the hook's address or availability, then /dr resume.`,
      `connection failed before sending: ${code}`,
    );
  }
  return new ActionError(
    'LIFEBOAT_HOOK_OUTCOME_UNKNOWN',
    `${at.target} failed without an answer (${code ?? 'connection lost'}): it may or may not have acted, and it was not sent again. ${resumeAdvice}`,
    `no answer: ${code ?? (err instanceof Error ? err.message : String(err))}`,
  );
}
