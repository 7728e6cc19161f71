import { isIP } from 'node:net';
import { z } from 'zod';
import { describeValue } from './describe-value.js';
import { duration, httpStatus } from './field-schemas.js';
import { strictObject } from './strict-object.js';
import type { HookStep, JsonValue } from './types.js';

/** What a hook may send; GET sends no body (fetch refuses a body on GET). */
export const HOOK_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'] as const;

/** Statuses a hook counts as done when the runbook lists none. */
export const DEFAULT_HOOK_STATUSES = [200, 201, 202, 204];
export const DEFAULT_HOOK_TIMEOUT_MS = 30_000; // 30 seconds
export const MAX_HOOK_TIMEOUT_MS = 15 * 60_000; // 15 minutes: a hook that needs longer should answer 202 and work on
export const MIN_HOOK_TIMEOUT_MS = 1_000; // 1 second

/** Longest body, as JSON, so the approval request can show it whole beside the rest of the plan. */
export const MAX_HOOK_BODY_CHARS = 20_000;

/** The variable whose value a hook sends as `Authorization: Bearer …`: `scale-dr-api` -> LIFEBOAT_HOOK_SCALE_DR_API_TOKEN. */
export function hookTokenVariable(name: string): string {
  return `LIFEBOAT_HOOK_${name.toUpperCase().replace(/-/g, '_')}_TOKEN`;
}

const hookName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, {
  error: (issue) =>
    issue.input === undefined
      ? 'required'
      : `${describeValue(issue.input)} is not a valid hook name (lowercase letters, digits, - and _, at most 63, starting with a letter or digit)`,
});

/** localhost, 127.0.0.0/8 and ::1: the only hosts a hook may reach over plain http (a sidecar in the same pod). */
function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && host === '::1';
}

const hookUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `${describeValue(value)} is not a URL (e.g. https://ops.example.com/scale)` });
    return;
  }
  if (url.username !== '' || url.password !== '') {
    // Never shown: it holds a credential, which the plan, Slack and the logs would all show.
    ctx.addIssue({
      code: 'custom',
      message: 'must not carry a user or password (the URL is shown to approvers and logged); set the token in LIFEBOAT_HOOK_<NAME>_TOKEN',
    });
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return;
  ctx.addIssue({
    code: 'custom',
    message:
      url.protocol === 'http:'
        ? `${describeValue(value)} is plain http to another host: use https (http is accepted only for localhost, 127.0.0.1 or ::1, so the bearer token never crosses a network in clear)`
        : `${describeValue(value)} is not an https URL`,
  });
});

const hookBody = z.json({ error: 'must be JSON: text, numbers, true/false, null, lists and maps' }).superRefine((value, ctx) => {
  const length = JSON.stringify(value).length;
  if (length > MAX_HOOK_BODY_CHARS) {
    ctx.addIssue({
      code: 'custom',
      message: `is ${length} characters as JSON; at most ${MAX_HOOK_BODY_CHARS}, so approvers can read all of it in the approval request`,
    });
  }
});

/** Keys people reach for to put a secret in the file: pointed at the variable instead. */
const SECRET_KEY = /^(token|bearer|authorization|auth|headers|secret|password|apikey|api_key)$/i;

/** One HTTP step after promote and DNS (SPEC §3 `hooks:`); the bearer token comes from the environment only. */
export const hookStepSchema = strictObject(
  {
    name: hookName,
    url: hookUrl,
    method: z.enum(HOOK_METHODS).default('POST'),
    body: hookBody.optional(),
    expectStatus: z.array(httpStatus).min(1).default(DEFAULT_HOOK_STATUSES),
    timeout: duration.default(DEFAULT_HOOK_TIMEOUT_MS), // 30 seconds; 1s to 15m
  },
  {
    unknownKey: (key) =>
      SECRET_KEY.test(key)
        ? 'secrets belong in the environment, not in the config file: remove this and set LIFEBOAT_HOOK_<NAME>_TOKEN (the hook name upper-cased, - as _), sent as Authorization: Bearer'
        : `unknown field (known: name, url, method, body, expectStatus, timeout)`,
  },
)
  .superRefine(
    (hook, ctx) => {
      // Checked here, not on the field: the generated JSON Schema recognises `duration` only as itself.
      if (typeof hook.timeout === 'number' && (hook.timeout < MIN_HOOK_TIMEOUT_MS || hook.timeout > MAX_HOOK_TIMEOUT_MS)) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeout'],
          message: 'must be between 1s and 15m (a hook that works longer should answer 202 at once)',
        });
      }
      if (hook.method === 'GET' && hook.body !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['body'], message: 'a GET sends no body: remove body, or use POST, PUT, PATCH or DELETE' });
      }
    },
    // Also when other fields are wrong, so every problem is reported at once (fields may then be invalid: checked above).
    { when: () => true },
  )
  .transform(
    (h): HookStep => ({
      name: h.name,
      url: h.url,
      method: h.method,
      ...(h.body !== undefined && { body: h.body as JsonValue }),
      expectStatus: [...new Set(h.expectStatus)],
      timeoutMs: h.timeout,
    }),
  );

/** A runbook's hooks, in the order they run; names unique, and no two reading the same token variable. */
export const hooksSchema = z.array(hookStepSchema).superRefine((hooks, ctx) => {
  const seen = new Map<string, string>();
  hooks.forEach((hook, index) => {
    const variable = hookTokenVariable(hook.name);
    const earlier = seen.get(variable);
    if (earlier === hook.name) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `${describeValue(hook.name)} is used by an earlier hook: names must be unique`,
      });
    } else if (earlier !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'name'],
        message: `${describeValue(hook.name)} and ${describeValue(earlier)} would both read ${variable}: rename one`,
      });
    } else {
      seen.set(variable, hook.name);
    }
  });
});
