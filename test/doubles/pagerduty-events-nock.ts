import nock from 'nock';

/** The PAGERDUTY_EVENTS_URL tests use: https with a port, as an EU region or a proxy would have. */
export const TEST_PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.test:8443';

/** A routing key shaped like a real one (32 alphanumerics); tests check it never reaches a log. */
export const TEST_ROUTING_KEY = 'R0UT1NGKEY0F0RTESTS0NLY000000001';

/** One answer of the Events API, or a network failure instead of an answer. */
export type EnqueueAnswer =
  | { status: number; body?: Record<string, unknown> | string; headers?: Record<string, string>; delayMs?: number }
  | { networkError: string };

/** 202 as PagerDuty sends it. */
export const ACCEPTED: EnqueueAnswer = { status: 202, body: { status: 'success', message: 'Event processed' } };

/** 202 after `delayMs`: a slow PagerDuty. */
export function acceptedAfter(delayMs: number): EnqueueAnswer {
  return { status: 202, body: { status: 'success', message: 'Event processed' }, delayMs };
}

/**
 * POST /v2/enqueue with a JSON content type, answering with `answers` in order, one request each,
 * and recording each request's parsed body into `bodies` so the test asserts them exactly. A
 * request beyond the answers is unmatched (see watchUnmatched).
 */
export function nockEnqueue(bodies: unknown[], ...answers: EnqueueAnswer[]): nock.Scope {
  const scope = nock(TEST_PAGERDUTY_EVENTS_URL).matchHeader('content-type', /^application\/json/);
  for (const answer of answers) {
    const interceptor = scope.post('/v2/enqueue', (body: unknown) => {
      // Recorded here: nock evaluates the matcher once per request that reaches this interceptor,
      // and it is the only hook that also runs for replyWithError.
      bodies.push(body);
      return true;
    });
    if ('networkError' in answer) interceptor.replyWithError({ code: 'ECONNRESET', message: answer.networkError });
    else (answer.delayMs ? interceptor.delay(answer.delayMs) : interceptor).reply(answer.status, answer.body ?? '', answer.headers ?? {});
  }
  return scope;
}

/** Requests no interceptor matched (each is a test failure); call `stop` in afterEach. */
export function watchUnmatched(): { requests: string[]; stop(): void } {
  const requests: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string; href?: string; options?: { href?: string } }) => {
    requests.push(`${req.method ?? '?'} ${req.href ?? req.options?.href ?? req.path ?? '?'}`);
  };
  nock.emitter.on('no match', onNoMatch);
  return { requests, stop: () => nock.emitter.removeListener('no match', onNoMatch) };
}
