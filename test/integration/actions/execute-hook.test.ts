import { createServer } from 'node:net';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/actions/action-error.js';
import { executeHook, sanitizeHookText } from '../../../src/actions/execute-hook.js';
import { checkHookToken } from '../../../src/actions/preflight-hooks.js';
import type { HookRequestCall, HookRequestInput } from '../../../src/core/plan.js';

/*
 * One hook request at the network layer (nock intercepts Node's fetch; the refused connection is
 * a real one, to a closed local port): sent once, as planned, and every failure says whether the
 * hook can have acted.
 */

const TOKEN = 'bearer-value-0123456789abcdef';
const VARIABLE = 'LIFEBOAT_HOOK_SCALE_TOKEN';

function call(input: Partial<HookRequestInput> = {}): HookRequestCall {
  return {
    id: 'hook-scale',
    service: 'http',
    operation: 'Request',
    description: 'Call hook scale',
    input: {
      method: 'POST',
      url: 'https://ops.example.com/scale',
      body: { replicas: 6 },
      expectStatus: [200, 202],
      timeoutMs: 2_000,
      bearerTokenFrom: VARIABLE,
      ...input,
    },
  };
}

const tokens = { [VARIABLE]: TOKEN };

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ActionError)) throw new Error(`expected an ActionError, got ${String(err)}`);
  return err;
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

describe('executeHook', () => {
  it('sends the planned method, JSON body and bearer token, and follows no redirect', async () => {
    const seen: Array<{ headers: Record<string, unknown>; body: unknown }> = [];
    nock('https://ops.example.com')
      .put('/scale')
      .reply(function (_uri, body) {
        seen.push({ headers: { ...this.req.headers }, body });
        return [302, '', { location: 'https://elsewhere.example.com/scale' }];
      });
    const err = await failure(executeHook(call({ method: 'PUT' }), { hookTokens: tokens }));
    expect(seen).toEqual([
      { headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }), body: { replicas: 6 } },
    ]);
    expect(err.code).toBe('LIFEBOAT_HOOK_FAILED');
    expect(err.message).toContain(
      'answered HTTP 302 (a redirect: not followed, the request is sent only where it was approved), expected 200, 202',
    );
  });

  it('without a planned token and without a body sends neither header', async () => {
    let headers: Record<string, unknown> = {};
    nock('https://ops.example.com')
      .delete('/scale')
      .reply(function () {
        headers = { ...this.req.headers };
        return [202, 'queued'];
      });
    const planned = call({ method: 'DELETE', bearerTokenFrom: null });
    delete planned.input.body;
    const result = await executeHook(planned, { hookTokens: tokens });
    expect(result).toEqual({ message: 'hook scale (DELETE https://ops.example.com/scale) answered HTTP 202', detail: { status: 202 } });
    expect(headers).not.toHaveProperty('authorization');
    expect(headers).not.toHaveProperty('content-type');
  });

  it('refuses to call when the plan sends a token this replica does not have', async () => {
    const err = await failure(executeHook(call(), { hookTokens: {} }));
    expect(err.code).toBe('LIFEBOAT_HOOK_NOT_DELIVERED');
    expect(err.message).toContain('was not called: the approved plan sends a bearer token from LIFEBOAT_HOOK_SCALE_TOKEN');
  });

  it('a refused connection was not delivered', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const err = await failure(executeHook(call({ url: `http://127.0.0.1:${port}/scale` }), { hookTokens: tokens }));
    expect(err.code).toBe('LIFEBOAT_HOOK_NOT_DELIVERED');
    expect(err.message).toContain(
      'was not delivered (ECONNREFUSED): the connection failed before the request was sent, so the hook did not act',
    );
  });

  it('a connection reset after sending leaves the outcome unknown', async () => {
    nock('https://ops.example.com').post('/scale').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const err = await failure(executeHook(call(), { hookTokens: tokens }));
    expect(err.code).toBe('LIFEBOAT_HOOK_OUTCOME_UNKNOWN');
    expect(err.message).toContain('failed without an answer (ECONNRESET): it may or may not have acted, and it was not sent again');
  });

  it('a run stopped while the hook is in flight ends aborted, saying the hook may have acted', async () => {
    nock('https://ops.example.com').post('/scale').delay(1_500).reply(200);
    const stop = new AbortController();
    setTimeout(() => stop.abort(new Error('shutting down')), 50);
    const err = await failure(executeHook(call(), { hookTokens: tokens, signal: stop.signal }));
    expect(err.code).toBe('LIFEBOAT_RUN_ABORTED');
    expect(err.message).toContain('was in flight: it may or may not have acted, and it was not sent again');
  });
});

describe('sanitizeHookText', () => {
  it('masks the token, flattens control and invisible characters, and cuts visibly at 200 characters', () => {
    expect(sanitizeHookText(`denied for ${TOKEN}\n\u202Eevil\u0007 ok`, TOKEN)).toBe('denied for [Redacted] evil ok');
    const long = sanitizeHookText('y'.repeat(500), TOKEN);
    expect(long).toBe(`${'y'.repeat(200)}…`);
  });
});

describe('the hook-token pre-flight check', () => {
  const check = { kind: 'hook-token' as const, hook: 'scale', variable: VARIABLE, step: 'hook-scale' };

  it.each<{ rule: string; tokens: Record<string, string>; bearer: boolean | undefined; ok: boolean; observed: string }>([
    {
      rule: 'set: a bearer token is sent',
      tokens: { [VARIABLE]: TOKEN },
      bearer: undefined,
      ok: true,
      observed: 'LIFEBOAT_HOOK_SCALE_TOKEN is set: hook scale gets Authorization: Bearer',
    },
    {
      rule: 'not set: no Authorization header',
      tokens: {},
      bearer: undefined,
      ok: true,
      observed: 'LIFEBOAT_HOOK_SCALE_TOKEN is not set: hook scale gets no Authorization header',
    },
    {
      rule: 'set but empty fails',
      tokens: { [VARIABLE]: '' },
      bearer: undefined,
      ok: false,
      observed: 'LIFEBOAT_HOOK_SCALE_TOKEN is set but empty on this replica (hook scale)',
    },
    {
      rule: 'a token a header cannot carry fails',
      tokens: { [VARIABLE]: 'two words' },
      bearer: undefined,
      ok: false,
      observed:
        'LIFEBOAT_HOOK_SCALE_TOKEN holds a space, control or non-ASCII character, which an Authorization header cannot carry (hook scale)',
    },
    {
      rule: 'a replica without the token the plan sends fails',
      tokens: {},
      bearer: true,
      ok: false,
      observed: 'LIFEBOAT_HOOK_SCALE_TOKEN is not set on this replica, but the approved plan sends hook scale a bearer token',
    },
    {
      rule: 'a replica with a token the plan does not send fails',
      tokens: { [VARIABLE]: TOKEN },
      bearer: false,
      ok: false,
      observed: 'LIFEBOAT_HOOK_SCALE_TOKEN is set on this replica, but the approved plan sends hook scale no Authorization header',
    },
  ])('$rule', ({ tokens: held, bearer, ok, observed }) => {
    const { result } = checkHookToken({ ...check, ...(bearer !== undefined && { bearer }) }, { hookTokens: held });
    expect(result).toMatchObject({ name: 'hook token', ok, observed, ...(ok ? {} : { code: 'LIFEBOAT_HOOK_TOKEN' }) });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });
});
