import type { PreflightCheck } from '../core/plan.js';
import type { PreflightContext, PreflightOutcome } from './preflight-context.js';

type HookTokenCheck = Extract<PreflightCheck, { kind: 'hook-token' }>;

/**
 * A hook's token as this replica holds it: set (sent as a bearer token), not set (no
 * Authorization header), or set but empty, which fails: most likely a secret that did not mount,
 * and calling without it would fail the hook mid-run. With `bearer` (what the approved plan
 * promised), a replica that would send otherwise fails too. Reads no value into the result.
 */
export function checkHookToken(check: HookTokenCheck, ctx: Pick<PreflightContext, 'hookTokens'>): PreflightOutcome {
  const { hook, variable, bearer } = check;
  const value = ctx.hookTokens?.[variable];
  const requirement =
    bearer === undefined
      ? `${variable} holding the token, or not set at all (then no Authorization header is sent)`
      : bearer
        ? `${variable} holding the token, as when the plan was made`
        : `${variable} not set, as when the plan was made (no Authorization header)`;
  const fail = (observed: string): PreflightOutcome => ({
    result: { name: 'hook token', ok: false, observed, requirement, code: 'LIFEBOAT_HOOK_TOKEN', check },
    facts: {},
  });
  if (value === '') return fail(`${variable} is set but empty on this replica (hook ${hook})`);
  // fetch refuses such a header value before connecting; said here, before anything runs.
  if (value !== undefined && !/^[\x21-\x7e]+$/.test(value)) {
    return fail(`${variable} holds a space, control or non-ASCII character, which an Authorization header cannot carry (hook ${hook})`);
  }
  const sends = value !== undefined;
  if (bearer !== undefined && bearer !== sends) {
    return fail(
      sends
        ? `${variable} is set on this replica, but the approved plan sends hook ${hook} no Authorization header`
        : `${variable} is not set on this replica, but the approved plan sends hook ${hook} a bearer token`,
    );
  }
  const observed = sends
    ? `${variable} is set: hook ${hook} gets Authorization: Bearer`
    : `${variable} is not set: hook ${hook} gets no Authorization header`;
  return { result: { name: 'hook token', ok: true, observed, requirement, check }, facts: { hookBearer: sends } };
}
